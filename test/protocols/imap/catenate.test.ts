// CATENATE on the wire (RFC 4469): messages built from text and URL parts of the user's own and
// shared mailboxes, whole messages, sections and partials; BADURL for what the user cannot read
// (another user's mailbox, a wrong UIDVALIDITY, a missing message), and nothing appended then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../src/mail/parse.js';
import { RawClient, startImap } from './harness.js';

const PASS = 'Cat-imap-secret-1';
const ORIGINAL = 'From: a@example.test\r\nSubject: original\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart one\r\n--b\r\n\r\npart two\r\n--b--\r\n';

function literal(text: string): string {
  return `{${Buffer.byteLength(text)}+}\r\n${text}`;
}

for (const backend of ['sqlite', 'postgres'] as const) test(`CATENATE builds messages from text and IMAP URLs (${backend})`, async (t) => {
  const h = await startImap({ backend });
  t.after(() => h.close());
  const me = await h.t.addUser('cat@example.test', PASS);
  const other = await h.t.addUser('other@example.test', PASS);
  const otherInbox = (await h.t.store.findFolderByRole(other.id, 'inbox'))!;
  const c = await RawClient.connect(h.tlsPort, true);
  t.after(() => c.close());
  await c.until((s) => s.includes('\r\n'));
  assert.match(await c.command('l', `LOGIN ${me.email} ${PASS}`), /^l OK/m);
  assert.match(await c.command('cap', 'CAPABILITY'), / CATENATE /);
  assert.match(await c.command('mk', 'CREATE "Work/Entwürfe"'.replace('ü', '&APw-')), /^mk OK/m);
  const appended = await c.command('a1', `APPEND "Work/Entw&APw-rfe" ${literal(ORIGINAL)}`);
  const [, uidValidity, uid] = /APPENDUID (\d+) (\d+)/.exec(appended)!;

  const body = async (tag: string) => {
    const r = await c.command(tag, 'UID FETCH * BODY.PEEK[]');
    return /BODY\[\] \{\d+\}\r\n([\s\S]*)\)\r\n/.exec(r)![1];
  };
  assert.match(await c.command('s', 'SELECT INBOX'), /^s OK/m);

  await t.test('text, a header section, a part, a partial, a whole message', async () => {
    const base = `/Work/Entw%C3%BCrfe;UIDVALIDITY=${uidValidity}/;UID=${uid}`;
    const r = await c.command('c1', `APPEND INBOX (\\Seen) CATENATE (TEXT ${literal('Subject: built\r\n')} URL "${base}/;SECTION=HEADER.FIELDS%20(FROM)" URL "${base}/;SECTION=2" TEXT ${literal(' | ')} URL "${base}/;SECTION=1/;PARTIAL=5.3")`);
    assert.match(r, /^c1 OK \[APPENDUID \d+ \d+\]/m);
    assert.equal(await body('f1'), 'Subject: built\r\nFrom: a@example.test\r\n\r\npart two | one');
    assert.match(await c.command('c2', `APPEND INBOX CATENATE (URL "imap://cat%40example.test@localhost${base}")`), /^c2 OK/m);
    assert.equal(await body('f2'), ORIGINAL);
    const search = await c.command('q', 'UID SEARCH SUBJECT built');
    assert.match(search, /\* SEARCH \d+/, 'the built message is parsed and indexed like any other');
  });

  await t.test('what the user cannot read is BADURL, and nothing is appended', async () => {
    const before = await c.command('st', 'STATUS INBOX (MESSAGES)');
    const refused = [
      `/Work/Entw%C3%BCrfe;UIDVALIDITY=${Number(uidValidity) + 1}/;UID=${uid}`,
      `/Work/Entw%C3%BCrfe/;UID=${Number(uid) + 100}`,
      '/Nope/;UID=1',
      `imap://other%40example.test@localhost/INBOX/;UID=1`,
      `/Shared/other@example.test/INBOX/;UID=1`,
      '/INBOX/;UID=1/;URLAUTH=anonymous',
      'not-a-url',
    ];
    for (const [i, url] of refused.entries()) {
      const r = await c.command(`b${i}`, `APPEND INBOX CATENATE (TEXT ${literal('X: 1\r\n\r\n')} URL "${url}")`);
      assert.match(r, new RegExp(`^b${i} NO \\[BADURL`, 'm'), `${url}: ${r}`);
    }
    assert.equal(await c.command('st2', 'STATUS INBOX (MESSAGES)').then((s) => s.split('\r\n')[0]), before.split('\r\n')[0]);
    assert.match(await c.command('tc', `APPEND Missing CATENATE (TEXT ${literal('X: 1\r\n\r\n')})`), /^tc NO \[TRYCREATE\]/m);
  });

  await t.test("a folder shared with the user can be a URL part; the owner's mail otherwise cannot", async () => {
    const otherMessage = 'Subject: shared one\r\n\r\nfrom the owner\r\n';
    const stored = await h.t.store.appendMessages(otherInbox.id, [{ bytes: Buffer.from(otherMessage), parsed: await parseMessage(Buffer.from(otherMessage)) }]);
    const url = `/Shared/other%40example.test/INBOX/;UID=${stored[0].uid}/;SECTION=TEXT`;
    assert.match(await c.command('n1', `APPEND INBOX CATENATE (TEXT ${literal('Subject: quoted\r\n\r\n')} URL "${url}")`), /^n1 NO \[BADURL/m);
    await h.t.store.createGrant({ ownerId: other.id, folderId: otherInbox.id, granteeId: me.id, rights: 'read', status: 'accepted' });
    assert.match(await c.command('n2', `APPEND INBOX CATENATE (TEXT ${literal('Subject: quoted\r\n\r\n')} URL "${url}")`), /^n2 OK/m);
    assert.equal(await body('f3'), 'Subject: quoted\r\n\r\nfrom the owner\r\n');
  });
});
