import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../src/mail/parse.js';
import { allParts, attachments, partBySection } from '../../../src/mail/mime-parts.js';

const load = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mail', name));

describe('MIME tree lookups', () => {
  it('finds IMAP sections, through an embedded message', async () => {
    const raw = load('004-rfc822-nested.eml');
    const { mime } = await parseMessage(raw);
    assert.equal(partBySection(mime, '')?.subtype, 'mixed');
    assert.equal(partBySection(mime, '2')?.subtype, 'rfc822');
    const html = partBySection(mime, '2.2')!;
    assert.equal(raw.subarray(html.bodyStart, html.bodyEnd).toString(), '<p>Notes in HTML.</p>');
    for (const bad of ['3', '2.3', '0', '1.1.1', 'x', '2.']) assert.equal(partBySection(mime, bad), null, bad);
    assert.equal(allParts(mime).length, 6);
  });

  it('treats part 1 of a single-part message as its body', async () => {
    const raw = load('007-no-content-type-lf.eml');
    const { mime } = await parseMessage(raw);
    assert.equal(partBySection(mime, '1'), mime);
    assert.equal(partBySection(mime, '2'), null);
  });

  it('lists attachments with names, inline images and forwarded messages', async () => {
    const mixed = attachments((await parseMessage(load('001-multipart-mixed.eml'))).mime);
    assert.deepEqual(mixed.map((a) => [a.part, a.filename, a.contentType, a.inline]), [['2', 'Résumé Q4.pdf', 'application/pdf', false]]);
    const related = attachments((await parseMessage(load('003-related.eml'))).mime);
    assert.deepEqual(related.map((a) => [a.part, a.filename, a.contentId, a.inline]), [['2', 'logo.png', '<logo@example.org>', true]]);
    const fwd = attachments((await parseMessage(load('004-rfc822-nested.eml'))).mime);
    assert.deepEqual(fwd.map((a) => [a.part, a.filename, a.contentType]), [['2', 'notes.eml', 'message/rfc822']]);
    assert.deepEqual(attachments((await parseMessage(load('002-alternative.eml'))).mime), []);
  });
});
