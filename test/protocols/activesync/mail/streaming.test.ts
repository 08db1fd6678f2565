/**
 * Streamed attachment and MIME answers at the wire level (issue 12, item 2): messages arrive over
 * SMTP, the phone fetches attachments by FileReference whole and by byte ranges, inline (base64 in
 * WBXML) and multipart (MS-ASAcceptMultiPart), and the bytes it gets back are the original bytes;
 * a MIME body fetch gives the stored message exactly; a SmartForward of a message with a large
 * attachment carries that attachment unchanged. Memory is measured in the bench, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { decodeWbxml } from '../../../../protocols/activesync/wbxml/index.js';
import { partBySection, attachments } from '../../../../src/mail/mime-parts.js';
import { decodedBody } from '../../../../src/mail/part-content.js';
import { appData, primed, serverIdOf } from '../sync/helpers.js';
import { mailHarness, type MailHarness } from './harness.js';
import type { Phone } from '../sync/helpers.js';
import { libwbxmlMissing, runLibwbxml } from '../wbxml/helpers.js';

const PW = 'Secret-pass-1';
const B = 'AirSyncBase';
const E = 'Email';
const IO = 'ItemOperations';
const CM = 'ComposeMail';
const AS = 'AirSync';

/** The parts of a MS-ASAcceptMultiPart answer ([MS-ASCMD] 2.2.2.10.1). */
function splitMultipart(raw: Buffer): Buffer[] {
  const n = raw.readInt32LE(0);
  return Array.from({ length: n }, (_, i) => {
    const off = raw.readInt32LE(4 + 8 * i);
    const len = raw.readInt32LE(8 + 8 * i);
    assert.ok(off + len <= raw.length, 'part inside the body');
    return raw.subarray(off, off + len);
  });
}

function fetchAttachment(p: Phone, ref: string, range?: string, multipart = false) {
  const opts = range ? [el(IO, 'Options', [el(IO, 'Range', range)])] : [];
  return p.dev.send('ItemOperations', el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', ref), ...opts])]),
    multipart ? { headers: { 'ms-asacceptmultipart': 'T' } } : {});
}

/** Fetches an attachment (or a range of it) and returns its bytes, from either answer form. */
async function fetchedBytes(p: Phone, ref: string, range?: string, multipart = false): Promise<{ bytes: Buffer; props: WbxmlElement }> {
  const r = await fetchAttachment(p, ref, range, multipart);
  assert.equal(r.status, 200);
  const parts = multipart ? splitMultipart(r.raw) : null;
  const doc = parts ? decodeWbxml(parts[0]) : r.doc!;
  const fetch = child(child(doc, 'Response', IO)!, 'Fetch', IO)!;
  assert.equal(childText(fetch, 'Status', IO), '1');
  const props = child(fetch, 'Properties', IO)!;
  if (parts) return { bytes: parts[Number(childText(props, 'Part', IO))], props };
  return { bytes: Buffer.from(childText(props, 'Data', IO)!, 'base64'), props };
}

function refsOf(add: WbxmlElement): { name: string; ref: string; size: number }[] {
  const atts = child(appData(add), 'Attachments', B);
  return atts ? children(atts, 'Attachment', B).map((a) => ({
    name: childText(a, 'DisplayName', B)!, ref: childText(a, 'FileReference', B)!, size: Number(childText(a, 'EstimatedDataSize', B)),
  })) : [];
}

async function inboxAdds(m: MailHarness, p: Phone) {
  const { items } = await primed(p, p.folders['2']);
  return (subject: string) => {
    const a = items.find((i) => childText(appData(i), 'Subject', E) === subject);
    assert.ok(a, `no Add for ${subject}`);
    return a;
  };
}

test('attachments by FileReference: whole and by byte ranges, inline and multipart, are the original bytes', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    const big = randomBytes(1_500_000 + 7);
    const latin = Buffer.from('Gr\xfc\xdfe aus K\xf6ln, =ein Gleichheitszeichen, lange Zeile '.repeat(40), 'latin1');
    await m.smtp({
      from: 'sender@example.net', to: 'ann@example.test', subject: 'big file', text: 'see attached',
      attachments: [
        { filename: 'big.bin', content: big, contentType: 'application/octet-stream' },
        { filename: 'note.txt', content: latin, contentType: 'text/plain; charset=iso-8859-1', contentTransferEncoding: 'quoted-printable' },
      ],
    });
    const p = await m.phone('ann@example.test', PW, 'PHONESTREAM1');
    const add = (await inboxAdds(m, p))('big file');
    const [bin, note] = refsOf(add);
    assert.equal(bin.name, 'big.bin');

    for (const multipart of [false, true]) {
      const whole = await fetchedBytes(p, bin.ref, undefined, multipart);
      assert.ok(whole.bytes.equals(big), `whole attachment (multipart ${multipart})`);
      // Ranges at the start, across base64 line and blob chunk boundaries, and past the end.
      for (const [s, e] of [[0, 0], [1, 76], [57 * 100 - 3, 57 * 100 + 5], [524_285, 524_300], [big.length - 10, big.length + 500]]) {
        const r = await fetchedBytes(p, bin.ref, `${s}-${e}`, multipart);
        const want = big.subarray(s, Math.min(big.length, e + 1));
        assert.ok(r.bytes.equals(want), `range ${s}-${e} (multipart ${multipart})`);
        assert.equal(childText(r.props, 'Total', IO), String(big.length));
        assert.equal(childText(r.props, 'Range', IO), `${s}-${s + want.length - 1}`);
      }
      const qp = await fetchedBytes(p, note.ref, undefined, multipart);
      assert.ok(qp.bytes.equals(latin), 'quoted-printable attachment decoded');
      const qpRange = await fetchedBytes(p, note.ref, '100-199', multipart);
      assert.ok(qpRange.bytes.equals(latin.subarray(100, 200)));
    }
    // A range starting past the end: ByteRangeInvalid.
    const past = await fetchAttachment(p, bin.ref, `${big.length}-${big.length + 10}`);
    assert.equal(childText(child(child(past.doc!, 'Response', IO)!, 'Fetch', IO)!, 'Status', IO), '8');

    // libwbxml (a decoder we did not write) reads the streamed inline answer.
    if (!libwbxmlMissing()) {
      const small = await fetchAttachment(p, note.ref);
      const xml = runLibwbxml('wbxml2xml', small.raw).toString('utf8');
      assert.match(xml, /<Data>[A-Za-z0-9+/=\s]+<\/Data>/);
    }
  } finally {
    await m.close();
  }
});

test('a MIME corpus over SMTP: every attachment fetched streamed equals the part decoded in memory; MIME body is the stored message', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('ann@example.test', PW);
    const dir = new URL('../../../../fixtures/mail/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    for (const f of files) {
      const raw = readFileSync(new URL(f, dir));
      await m.smtp({ envelope: { from: 'sender@example.net', to: ['ann@example.test'] }, raw });
    }
    const p = await m.phone('ann@example.test', PW, 'PHONESTREAM2');
    const { items } = await primed(p, p.folders['2']);
    assert.equal(items.length, files.length);
    const inbox = (await m.h.store.findFolderByRole((await m.h.store.getAccount('ann@example.test'))!.id, 'inbox'))!;
    const stored = await m.h.store.listMessages(inbox.id);
    let checked = 0;
    for (const msg of stored) {
      const bytes = (await m.h.store.readMessageBytes(msg.itemId))!;
      for (const a of attachments(msg.parsed.mime)) {
        const part = partBySection(msg.parsed.mime, a.part)!;
        if (part.children) continue;
        const expected = await decodedBody(bytes, part);
        for (const multipart of [false, true]) {
          const got = await fetchedBytes(p, `${msg.folderId}:${msg.itemId}:${a.part}`, undefined, multipart);
          assert.ok(got.bytes.equals(expected), `${msg.parsed.subject} part ${a.part} (multipart ${multipart})`);
        }
        checked++;
      }
      // Fetch with BodyPreference Type 4 and MIMESupport 2: the stored message, byte for byte (multipart).
      const id = p.folders['2'];
      const item = items.find((i) => serverIdOf(i) === `${id}:${msg.itemId}`) ?? items.find((i) => serverIdOf(i).endsWith(`:${msg.itemId}`));
      assert.ok(item, 'the phone has the message');
      const req = el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(AS, 'CollectionId', id), el(AS, 'ServerId', serverIdOf(item)),
        el(IO, 'Options', [el(AS, 'MIMESupport', '2'), el(B, 'BodyPreference', [el(B, 'Type', '4')])])])]);
      const mp = await p.dev.send('ItemOperations', req, { headers: { 'ms-asacceptmultipart': 'T' } });
      const parts = splitMultipart(mp.raw);
      const body = child(child(child(child(decodeWbxml(parts[0]), 'Response', IO)!, 'Fetch', IO)!, 'Properties', IO)!, 'Body', B)!;
      assert.equal(childText(body, 'Type', B), '4');
      assert.ok(parts[Number(childText(body, 'Part', IO))].equals(bytes), `MIME of ${msg.parsed.subject}`);
      // Inline: the same bytes as a string (these fixtures hold no NUL).
      const inline = await p.dev.send('ItemOperations', req);
      const ib = child(child(child(child(inline.doc!, 'Response', IO)!, 'Fetch', IO)!, 'Properties', IO)!, 'Body', B)!;
      assert.equal(childText(ib, 'EstimatedDataSize', B), String(bytes.length));
      assert.equal(Buffer.byteLength(childText(ib, 'Data', B)!, 'utf8') > 0, true);
    }
    assert.ok(checked >= 3, `attachments checked: ${checked}`);
  } finally {
    await m.close();
  }
});

test('SmartForward of a message with a large attachment sends the attachment unchanged', async () => {
  const m = await mailHarness();
  try {
    await m.h.addUser('bob@example.test', PW);
    const big = randomBytes(2_000_003);
    await m.smtp({ from: 'carl@example.net', to: 'bob@example.test', subject: 'big report', text: 'The data.', attachments: [{ filename: 'data.bin', content: big }, { filename: 'readme.txt', content: 'read me' }] });
    const p = await m.phone('bob@example.test', PW, 'PHONESTREAM3');
    const orig = (await inboxAdds(m, p))('big report');
    const fwd = el(CM, 'SmartForward', [el(CM, 'ClientId', 'sf1'), el(CM, 'SaveInSentItems'), el(CM, 'Source', [el(CM, 'FolderId', p.folders['2']), el(CM, 'ItemId', serverIdOf(orig))]),
      el(CM, 'Mime', Buffer.from('From: bob@example.test\r\nTo: dana@example.net\r\nSubject: Fw: big report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n' +
        '--x\r\nContent-Type: text/plain\r\n\r\nFYI\r\n--x\r\nContent-Type: text/plain; name="mine.txt"\r\nContent-Disposition: attachment; filename="mine.txt"\r\n\r\nfrom the phone\r\n--x--\r\n'))]);
    const r = await p.dev.send('SmartForward', fwd);
    assert.equal(r.status, 200);
    assert.equal(r.raw.length, 0);
    const out = m.outbound.sent.at(-1)!;
    assert.deepEqual(out.recipients, ['dana@example.net']);
    const parsed = await simpleParser(out.bytes);
    assert.match(parsed.text ?? '', /FYI/);
    assert.match(parsed.text ?? '', /The data\./);
    const byName = new Map(parsed.attachments.map((a) => [a.filename, a.content]));
    assert.ok(byName.get('data.bin')?.equals(big), 'the large attachment unchanged');
    assert.equal(byName.get('readme.txt')?.toString(), 'read me');
    assert.equal(byName.get('mine.txt')?.toString().trim(), 'from the phone');
    // The Sent copy has it too.
    const bob = (await m.h.store.getAccount('bob@example.test'))!;
    const sent = (await m.h.store.listMessages((await m.h.store.findFolderByRole(bob.id, 'sent'))!.id))[0];
    assert.ok(attachments(sent.parsed.mime).some((a) => a.filename === 'data.bin'));
  } finally {
    await m.close();
  }
});
