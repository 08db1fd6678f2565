// IMAP URLs of messages and parts (RFC 5092 §6) as CATENATE reads them (RFC 4469 §5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseImapMessageUrl } from '../../../../protocols/imap/codec/imap-url.js';

describe('IMAP message URLs (RFC 5092)', () => {
  it('reads relative URLs with UIDVALIDITY, SECTION and PARTIAL', () => {
    assert.deepEqual(parseImapMessageUrl('/INBOX;UIDVALIDITY=785799047/;UID=113/;SECTION=1.2/;PARTIAL=0.1024'), {
      user: undefined, mailbox: 'INBOX', uidValidity: 785799047, uid: 113, section: { part: [1, 2] }, partial: { offset: 0, length: 1024 },
    });
    assert.deepEqual(parseImapMessageUrl('/Archive/2024/;uid=7'), { user: undefined, mailbox: 'Archive/2024', uid: 7 });
    assert.deepEqual(parseImapMessageUrl('/a/;uid=7/;section=header')?.section, { part: [], text: 'HEADER' });
    assert.deepEqual(parseImapMessageUrl('/a/;uid=7/;section=HEADER.FIELDS%20(FROM%20TO)')?.section, { part: [], text: 'HEADER.FIELDS', fields: ['FROM', 'TO'] });
    assert.deepEqual(parseImapMessageUrl('/a/;uid=7/;partial=100000')?.partial, { offset: 100000, length: Number.MAX_SAFE_INTEGER });
  });
  it('decodes percent-escapes as UTF-8 and reads absolute URLs with their user', () => {
    assert.equal(parseImapMessageUrl('/Entw%C3%BCrfe/;uid=1')?.mailbox, 'Entwürfe');
    assert.equal(parseImapMessageUrl('/with%20space/;uid=1')?.mailbox, 'with space');
    const abs = parseImapMessageUrl('imap://fred%40example.test;AUTH=*@mail.example.test:993/INBOX/;uid=20');
    assert.deepEqual(abs, { user: 'fred@example.test', mailbox: 'INBOX', uid: 20 });
    assert.equal(parseImapMessageUrl('imap://mail.example.test/INBOX/;uid=20')?.user, undefined);
  });
  it('refuses what names no message', () => {
    for (const url of [
      '', 'INBOX/;uid=1', '/INBOX', '/;uid=1', '/INBOX/;uid=0', '/INBOX/;uid=x', '/INBOX;uidvalidity=0/;uid=1',
      '/INBOX/;section=1/;uid=1', '/INBOX/;uid=1/;uid=2', '/INBOX/;uid=1/;section=', '/INBOX/;uid=1/;section=1.', '/INBOX/;uid=1/;section=BOGUS',
      '/INBOX/;uid=1/;partial=1.0', '/INBOX/;uid=1/;partial=-1', '/INBOX/;uid=1/;urlauth=anonymous', '/%E0%A4%A/;uid=1', 'http://x/INBOX/;uid=1',
    ]) assert.equal(parseImapMessageUrl(url), null, url);
  });
});
