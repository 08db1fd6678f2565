/**
 * Hearth's IMAP server driven by imapflow (npm), a client we did not write, on both store
 * backends: STARTTLS login, LIST, SELECT, FETCH (envelope, bodystructure, body parts, partial),
 * SEARCH, STORE, IDLE woken by another session's APPEND, MOVE, CONDSTORE CHANGEDSINCE, APPEND,
 * and an EXPUNGE seen by a concurrent session with consistent sequence numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startImap, type ImapHarness } from '../../protocols/imap/harness.js';
import { postgresSkipReason } from '../../helpers/stores.js';

const USER = 'ann@example.test';
const PASS = 'Ann-imap-secret-1';

function client(h: ImapHarness): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1', port: h.port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false },
    auth: { user: USER, pass: PASS }, logger: false, socketTimeout: 120_000,
  });
}

function mime(subject: string, body = 'Hello from imapflow.'): string {
  return [
    'From: Bob <bob@example.net>', `To: ${USER}`, `Subject: ${subject}`, 'Date: Tue, 01 Dec 2026 10:00:00 +0000',
    `Message-ID: <${subject.replace(/\W/g, '')}@example.net>`, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XX"', '', '--XX', 'Content-Type: text/plain; charset=utf-8', '', body,
    '--XX', 'Content-Type: message/rfc822', '', 'From: Carol <carol@example.org>', 'Subject: inner', '', 'Inner body.',
    '--XX', 'Content-Type: application/pdf; name="doc.pdf"', 'Content-Disposition: attachment; filename="doc.pdf"',
    'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--XX--', '',
  ].join('\r\n');
}

/** Polls `check` until it holds, with a generous deadline (the machine is busy). */
async function eventually(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`imapflow against Hearth (${backend})`, { skip: backend === 'postgres' ? (await postgresSkipReason()) ?? false : false }, async (t) => {
    const h = await startImap({ backend });
    await h.t.addUser(USER, PASS);
    const a = client(h);
    const b = client(h);
    t.after(async () => {
      await a.logout().catch(() => {});
      await b.logout().catch(() => {});
      await h.close();
    });

    await t.test('login over STARTTLS and list with special use', async () => {
      await a.connect();
      await b.connect();
      assert.ok(a.capabilities.has('IDLE') && a.capabilities.has('CONDSTORE') && a.capabilities.has('MOVE'));
      const boxes = await a.list();
      const byUse = new Map(boxes.map((m) => [m.specialUse, m.path]));
      assert.equal(byUse.get('\\Sent'), 'Sent');
      assert.equal(byUse.get('\\Trash'), 'Trash');
      assert.ok(boxes.some((m) => m.path === 'INBOX'));
    });

    let uid = 0;
    await t.test('append, then select sees it', async () => {
      const r = await a.append('INBOX', mime('First message'), ['\\Draft'], new Date('2026-12-01T10:00:00Z'));
      assert.ok(r && r.uid, 'APPENDUID gives the uid');
      uid = r.uid!;
      const box = await a.mailboxOpen('INBOX');
      assert.equal(box.exists, 1);
      assert.equal(box.uidValidity, BigInt(r.uidValidity!));
    });

    await t.test('fetch envelope, bodystructure, body parts and a partial', async () => {
      const m = await a.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true, flags: true, internalDate: true, size: true }, { uid: true });
      assert.ok(m);
      assert.equal(m.envelope!.subject, 'First message');
      assert.equal(m.envelope!.from![0].address, 'bob@example.net');
      assert.equal(m.envelope!.from![0].name, 'Bob');
      assert.equal(m.bodyStructure!.type, 'multipart/mixed');
      const kids = m.bodyStructure!.childNodes!;
      assert.deepEqual(kids.map((k) => k.type), ['text/plain', 'message/rfc822', 'application/pdf']);
      assert.equal(kids[2].dispositionParameters?.filename, 'doc.pdf');
      assert.ok(m.flags!.has('\\Draft'));
      assert.equal(new Date(m.internalDate!).toISOString(), '2026-12-01T10:00:00.000Z');
      const parts = await a.fetchOne(String(uid), { bodyParts: ['1', '2.1', '3', '1.MIME'], headers: ['subject', 'from'] }, { uid: true });
      assert.ok(parts);
      assert.deepEqual([...parts.bodyParts!.keys()].sort(), ['1', '1.mime', '2.1', '3'], String([...parts.bodyParts!.keys()]));
      assert.equal(parts.bodyParts!.get('1')!.toString().trim(), 'Hello from imapflow.');
      assert.equal(parts.bodyParts!.get('2.1')!.toString().trim(), 'Inner body.');
      assert.equal(parts.bodyParts!.get('3')!.toString().trim(), 'JVBERi0xLjQK');
      assert.match(parts.bodyParts!.get('1.mime')!.toString(), /text\/plain/);
      assert.equal(parts.headers!.toString(), 'From: Bob <bob@example.net>\r\nSubject: First message\r\n\r\n');
      const partial = await a.fetchOne(String(uid), { source: { start: 6, maxLength: 3 } }, { uid: true });
      assert.equal(partial && partial.source!.toString(), 'Bob');
      const { content } = await a.download(String(uid), '3', { uid: true });
      const chunks: Buffer[] = [];
      for await (const c of content!) chunks.push(c as Buffer);
      assert.equal(Buffer.concat(chunks).toString('latin1'), '%PDF-1.4\n', 'download decodes base64');
      // FETCH BODY[] is not PEEK: \Seen is set (RFC 9051 §6.4.5); imapflow's bodyParts uses PEEK.
      const f = await a.fetchOne(String(uid), { flags: true }, { uid: true });
      assert.ok(f && !f.flags!.has('\\Seen'));
    });

    await t.test('search by header, body, flags and UID range', async () => {
      await a.append('INBOX', mime('Second message', 'Totally different words here.'));
      assert.deepEqual(await a.search({ subject: 'second' }, { uid: true }), [uid + 1]);
      assert.deepEqual(await a.search({ body: 'DIFFERENT words' }, { uid: true }), [uid + 1]);
      assert.deepEqual(await a.search({ from: 'bob@example.net' }, { uid: true }), [uid, uid + 1]);
      assert.deepEqual(await a.search({ draft: true }, { uid: true }), [uid]);
      assert.deepEqual(await a.search({ uid: `${uid + 1}:*` }), [2]);
      assert.deepEqual(await a.search({ header: { 'message-id': 'Secondmessage' } }, { uid: true }), [uid + 1]);
      assert.deepEqual(await a.search({ subject: 'ñandú' }, { uid: true }), []);
    });

    await t.test('store flags and keywords; condstore CHANGEDSINCE sees only the change', async () => {
      const before = (a.mailbox as { highestModseq?: bigint }).highestModseq;
      await a.noop();
      const st = await a.status('INBOX', { highestModseq: true });
      assert.ok(st);
      const modseq = BigInt(st.highestModseq!);
      assert.ok(before === undefined || modseq >= before);
      assert.ok(await a.messageFlagsAdd(String(uid), ['\\Seen', '\\Flagged', '$Work'], { uid: true }));
      const changed: number[] = [];
      for await (const m of a.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseq })) {
        changed.push(m.uid);
        assert.ok(m.flags!.has('\\Seen') && m.flags!.has('\\Flagged') && m.flags!.has('$Work'));
        assert.ok(m.modseq! > modseq);
      }
      assert.deepEqual(changed, [uid]);
      assert.ok(await a.messageFlagsRemove(String(uid), ['$Work'], { uid: true }));
      const m = await a.fetchOne(String(uid), { flags: true }, { uid: true });
      assert.ok(m && !m.flags!.has('$Work') && m.flags!.has('\\Seen'));
    });

    await t.test('idle is woken by another session\'s append', async () => {
      await a.mailboxOpen('INBOX');
      let exists = 0;
      const onExists = (e: { count: number }) => { exists = e.count; };
      a.on('exists', onExists);
      const idling = a.idle();
      await new Promise((r) => setTimeout(r, 200));
      await b.append('INBOX', mime('Arrives during IDLE'));
      await eventually(() => exists === 3, 'EXISTS 3 during IDLE');
      a.off('exists', onExists);
      await a.noop(); // ends IDLE
      await idling;
    });

    await t.test('move to Trash with COPYUID; the source loses it', async () => {
      const moved = await a.messageMove(String(uid + 1), 'Trash', { uid: true });
      assert.ok(moved && moved.uidMap && moved.uidMap.get(uid + 1));
      assert.equal(a.mailbox && (a.mailbox as { exists: number }).exists, 2);
      const trash = await b.status('Trash', { messages: true });
      assert.ok(trash);
      assert.equal(trash.messages, 1);
    });

    await t.test('expunge by one session is seen by a concurrent session with the right numbers', async () => {
      // a: INBOX has [uid, uid+2]; b selects it too and keeps its own numbering until told.
      await b.mailboxOpen('INBOX');
      assert.equal((b.mailbox as { exists: number }).exists, 2);
      const expunged: number[] = [];
      b.on('expunge', (e: { seq: number }) => expunged.push(e.seq));
      assert.ok(await a.messageDelete(String(uid), { uid: true }));
      await b.noop();
      await eventually(() => expunged.length === 1, 'EXPUNGE in the other session');
      assert.deepEqual(expunged, [1]);
      const left = await b.fetchOne('1', { uid: true, envelope: true });
      assert.ok(left);
      assert.equal(left.uid, uid + 2);
      assert.equal(left.envelope!.subject, 'Arrives during IDLE');
    });

    await t.test('copy, create, rename, delete a folder; status and quota', async () => {
      await a.mailboxCreate('Projects/Hearth');
      const copied = await a.messageCopy('1', 'Projects/Hearth');
      assert.ok(copied && copied.uidMap && copied.uidMap.size === 1);
      await a.mailboxRename('Projects/Hearth', 'Projects/Hearth 2');
      const st = await a.status('Projects/Hearth 2', { messages: true, unseen: true, uidNext: true });
      assert.ok(st);
      assert.equal(st.messages, 1);
      await a.mailboxDelete('Projects/Hearth 2');
      const names = (await a.list()).map((m) => m.path);
      assert.ok(names.includes('Projects') && !names.includes('Projects/Hearth 2'));
      const q = await a.getQuota('INBOX');
      assert.ok(q === false || typeof q === 'object');
    });
  });
}
