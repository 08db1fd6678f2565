import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../src/mail/parse.js';
import { partBySection } from '../../../src/mail/mime-parts.js';
import { decodedBody, decodedText } from '../../../src/mail/part-content.js';

const load = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mail', name));

describe('decoded part content from the cached offsets', () => {
  it('base64 attachment bytes', async () => {
    const raw = load('001-multipart-mixed.eml');
    const { mime } = await parseMessage(raw);
    assert.equal((await decodedBody(raw, partBySection(mime, '2')!)).toString(), '%PDF-1.4 fake pdf bytes for a test fixture\n'.repeat(3));
  });

  it('quoted-printable UTF-8 with a soft line break, and HTML kept as HTML', async () => {
    const raw = load('002-alternative.eml');
    const { mime } = await parseMessage(raw);
    assert.equal(await decodedText(raw, partBySection(mime, '1')!), 'Café opening on Monday. A long line that is soft wrapped by quoted-printable.');
    assert.equal(await decodedText(raw, partBySection(mime, '2')!), '<html><body><p>Café opening on <b>Monday</b>.</p></body></html>');
  });

  it('8-bit windows-1252 and quoted-printable ISO-8859-1 by their declared charsets', async () => {
    const raw = load('006-8bit.eml');
    const { mime } = await parseMessage(raw);
    assert.equal(await decodedText(raw, partBySection(mime, '2')!), 'Prix: 5 € – fin.');
    const latin = load('005-encoded-words.eml');
    assert.equal(await decodedText(latin, (await parseMessage(latin)).mime), 'Bonjour, voilà.\r\n');
  });

  it('stops at a bound of encoded bytes', async () => {
    const raw = load('001-multipart-mixed.eml');
    const { mime } = await parseMessage(raw);
    assert.equal((await decodedBody(raw, partBySection(mime, '2')!, 8)).toString(), '%PDF-1');
  });
});
