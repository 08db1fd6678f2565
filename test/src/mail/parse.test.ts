import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailParseError, parseMessage } from '../../../src/mail/parse.js';
import type { MimePart, ParsedMessage } from '../../../src/model/mail.js';
import { MAIL_LIMITS } from '../../../src/mail/limits.js';

const DIR = join(import.meta.dirname, '../../../fixtures/mail');

/** What a golden tree records of a part: the BODYSTRUCTURE fields and the first bytes its offsets select. */
function summary(p: MimePart, raw: Buffer): unknown {
  return {
    part: p.part, type: `${p.type}/${p.subtype}`, params: p.params, encoding: p.encoding, size: p.size, lines: p.lines,
    id: p.id, disposition: p.disposition, filename: p.filename,
    body: raw.subarray(p.bodyStart, Math.min(p.bodyEnd, p.bodyStart + 40)).toString('latin1'),
    ...(p.children ? { children: p.children.map((c) => summary(c, raw)) } : {}),
    ...(p.message ? { message: { subject: p.message.envelope.subject, body: summary(p.message.body, raw) } } : {}),
  };
}

function golden(parsed: ParsedMessage, raw: Buffer) {
  const { mime, ...rest } = parsed;
  return { ...rest, mime: summary(mime, raw) };
}

function allParts(p: MimePart, out: MimePart[] = []): MimePart[] {
  out.push(p);
  for (const c of p.children ?? []) allParts(c, out);
  if (p.message) allParts(p.message.body, out);
  return out;
}

describe('mail parser: fixtures with expected trees', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort()) {
    it(file, async () => {
      const raw = readFileSync(join(DIR, file));
      const parsed = await parseMessage(raw);
      // Offsets: every header block ends with its blank line; every body lies inside the message.
      for (const p of allParts(parsed.mime)) {
        assert.ok(p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= raw.length, `offsets of ${p.part}`);
        assert.match(raw.subarray(p.headerStart, p.bodyStart).toString('latin1'), /(^|\n)\r?\n$/, `header block of ${p.part}`);
        if (!p.children && !p.message) assert.doesNotMatch(raw.subarray(p.bodyStart, p.bodyEnd).toString('latin1'), /\n--/, `body of ${p.part}`);
      }
      const expectedFile = join(DIR, file.replace(/\.eml$/, '.tree.json'));
      const actual = golden(parsed, raw);
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      assert.ok(existsSync(expectedFile), `${expectedFile} (UPDATE_FIXTURES=1 writes it)`);
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('mail parser: what the readers rely on', () => {
  const load = (name: string) => readFileSync(join(DIR, name));

  it('reads an attachment by its offsets and decodes an RFC 2231 file name', async () => {
    const raw = load('001-multipart-mixed.eml');
    const p = await parseMessage(raw);
    const att = p.mime.children![1];
    assert.equal(att.filename, 'Résumé Q4.pdf');
    assert.equal(att.disposition?.type, 'attachment');
    const decoded = Buffer.from(raw.subarray(att.bodyStart, att.bodyEnd).toString('ascii'), 'base64');
    assert.equal(decoded.toString(), '%PDF-1.4 fake pdf bytes for a test fixture\n'.repeat(3));
    assert.equal(p.hasAttachments, true);
    assert.equal(p.preview, 'Hi Bob, the report is attached.');
  });

  it('keeps obsolete source routes (RFC 5322 §4.4) for the envelope, and the plain address for everything else', async () => {
    const raw = Buffer.from([
      'From: <@route:user@domain>', 'To: Ann <@a.example,@b.example:ann@example.org>, bob@example.org, Group: <@g.example:carl@example.org>;',
      'Subject: routed', '', 'body', '',
    ].join('\r\n'));
    const p = await parseMessage(raw);
    assert.deepEqual(p.envelope.from, [{ name: null, address: 'user@domain', route: '@route' }]);
    assert.deepEqual(p.envelope.to.map((a) => [a.group ?? a.address, a.route ?? null]), [
      ['ann@example.org', '@a.example,@b.example'], ['bob@example.org', null], ['Group', null], ['carl@example.org', '@g.example'], [null, null],
    ]);
    assert.equal(p.from, 'user@domain');
  });

  it('decodes encoded words for display but keeps them raw in the envelope', async () => {
    const p = await parseMessage(load('005-encoded-words.eml'));
    assert.equal(p.subject, 'Привет, мир');
    assert.equal(p.from, 'André Pirard <andre@example.be>');
    assert.equal(p.envelope.subject, '=?utf-8?B?0J/RgNC40LLQtdGC?= =?utf-8?B?LCDQvNC40YA=?=');
    assert.equal(p.envelope.from[0].name, '=?ISO-8859-1?Q?Andr=E9?= Pirard');
    assert.deepEqual(p.envelope.cc.map((a) => a.group ?? a.address), ['Friends', 'juergen@example.de', 'kim@example.kr', null]);
    assert.deepEqual(p.references, ['root@example.be', 'parent@example.be']);
    assert.equal(p.inReplyTo, 'parent@example.be');
    assert.equal(p.preview, 'Bonjour, voilà.');
  });

  it('numbers the parts of an embedded message under its own section', async () => {
    const p = await parseMessage(load('004-rfc822-nested.eml'));
    const fwd = p.mime.children![1];
    assert.equal(`${fwd.type}/${fwd.subtype}`, 'message/rfc822');
    assert.equal(fwd.message?.envelope.messageId, '<notes@example.com>');
    assert.deepEqual(fwd.message?.body.children?.map((c) => c.part), ['2.1', '2.2']);
    const html = fwd.message!.body.children![1];
    assert.equal(load('004-rfc822-nested.eml').subarray(html.bodyStart, html.bodyEnd).toString(), '<p>Notes in HTML.</p>');
  });

  it('takes the preview from HTML when there is no text part, and 8-bit charsets as declared', async () => {
    assert.equal((await parseMessage(load('003-related.eml'))).preview, 'New logo:');
    const p = await parseMessage(load('006-8bit.eml'));
    assert.equal(p.subject, 'Año nuevo — ¡hola!');
    assert.equal(p.preview, 'Feliz año, señor.');
    assert.equal(p.mime.children![1].params.charset, 'windows-1252');
  });

  it('defaults a part without Content-Type to text/plain us-ascii and counts LF-only lines', async () => {
    const p = await parseMessage(load('007-no-content-type-lf.eml'));
    assert.deepEqual([p.mime.type, p.mime.subtype, p.mime.params.charset, p.mime.lines], ['text', 'plain', 'us-ascii', 2]);
  });

  it('refuses a message over the size limit and nesting beyond the depth limit, before or while splitting', async () => {
    await assert.rejects(parseMessage(Buffer.alloc(MAIL_LIMITS.maxMessageBytes + 1)), (e) => e instanceof MailParseError && e.code === 'TooLarge');
    const depth = MAIL_LIMITS.maxDepth + 5;
    let deep = 'deep body\r\n';
    for (let i = depth; i > 0; i--) deep = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${deep}\r\n--b${i}--\r\n`;
    await assert.rejects(parseMessage(Buffer.from(`Subject: deep\r\n${deep}`)), (e) => e instanceof MailParseError && e.code === 'TooComplex');
  });

  it('survives garbage without throwing', async () => {
    const junk = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const p = await parseMessage(junk);
    assert.equal(p.size, 5000);
    const truncated = await parseMessage(Buffer.from('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nno end'));
    assert.equal(truncated.mime.children?.length, 1);
  });
});
