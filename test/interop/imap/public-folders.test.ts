/**
 * The domain's public mail folders over IMAP, driven by imapflow (npm): NAMESPACE announces the
 * public namespace, LIST shows "Public Folders/<path>" (with \Noselect parents), SELECT of a
 * read-only folder is [READ-ONLY] and refuses STORE, APPEND and EXPUNGE; a folder with write
 * access takes APPEND, STORE and EXPUNGE; COPY and MOVE cross between the user's own mailbox and
 * a public one; a user of another domain sees none of it. Flags are the folder's, shared by all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { RawClient, startImap, type ImapHarness } from '../../protocols/imap/harness.js';
import { parseMessage } from '../../../src/mail/parse.js';
import { postgresSkipReason } from '../../helpers/stores.js';
import { createPublicFolder, setPublicFolderGrant } from '../../../src/admin/public-folders.js';

const PASS = 'Pub-imap-secret-1';
const BY = { actor: 'admin@pub.test', source: 'cli' };

function client(h: ImapHarness, user: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1', port: h.port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false },
    auth: { user, pass: PASS }, logger: false, socketTimeout: 120_000,
  });
}

const mime = (subject: string) => [
  'From: News <news@pub.test>', 'To: all@pub.test', `Subject: ${subject}`, 'Date: Tue, 01 Dec 2026 10:00:00 +0000',
  `Message-ID: <${subject.replace(/\W/g, '')}@pub.test>`, '', `Body of ${subject}.`, '',
].join('\r\n');

async function statusOf(c: ImapFlow, path: string): Promise<{ messages?: number; unseen?: number }> {
  const s = await c.status(path, { messages: true, unseen: true });
  assert.ok(s, `STATUS ${path}`);
  return s;
}

/** imapflow rejects a NO with an error carrying the server's answer. */
async function refused(p: Promise<unknown>, code: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { responseText?: string; serverResponseCode?: string; response?: unknown }) => {
    const text = `${e.serverResponseCode ?? ''} ${e.responseText ?? ''} ${JSON.stringify(e.response ?? '')} ${e.message}`;
    assert.match(text, code);
    return true;
  });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`public folders over IMAP with imapflow (${backend})`, { skip: backend === 'postgres' ? (await postgresSkipReason()) ?? false : false }, async (t) => {
    const h = await startImap({ backend });
    const ann = await h.t.addUser('ann@pub.test', PASS);
    await h.t.addUser('ben@pub.test', PASS);
    await h.t.addUser('eve@other.test', PASS);
    const domain = (await h.t.store.getDomain('pub.test'))!;
    // News (read for everyone), News/Archive (read), Board (write for everyone), Team (a calendar,
    // not shown over IMAP) with Team/Mail under it (read), Secret (none, Ann granted write).
    const news = await createPublicFolder(h.t.store, BY, domain, { name: 'News', kind: 'mail', defaultAccess: 'read' });
    await createPublicFolder(h.t.store, BY, domain, { name: 'Archive', kind: 'mail', parentId: news.id, defaultAccess: 'read' });
    await createPublicFolder(h.t.store, BY, domain, { name: 'Board', kind: 'mail', defaultAccess: 'write' });
    const team = await createPublicFolder(h.t.store, BY, domain, { name: 'Team', kind: 'calendar', defaultAccess: 'read' });
    await createPublicFolder(h.t.store, BY, domain, { name: 'Mail', kind: 'mail', parentId: team.id, defaultAccess: 'read' });
    const secret = await createPublicFolder(h.t.store, BY, domain, { name: 'Secret', kind: 'mail', defaultAccess: 'none' });
    await setPublicFolderGrant(h.t.store, BY, domain, secret.id, 'ann@pub.test', 'write');
    await h.t.store.appendMessages(news.id, [{ bytes: Buffer.from(mime('Welcome')), parsed: await parseMessage(Buffer.from(mime('Welcome'))) }]);

    const a = client(h, 'ann@pub.test');
    const b = client(h, 'ben@pub.test');
    const e = client(h, 'eve@other.test');
    t.after(async () => {
      for (const c of [a, b, e]) await c.logout().catch(() => {});
      await h.close();
    });
    await a.connect();
    await b.connect();
    await e.connect();

    await t.test('NAMESPACE announces the public namespace; LIST shows the tree with \\Noselect parents', async () => {
      assert.deepEqual(a.namespaces?.shared, [{ prefix: 'Public Folders/', delimiter: '/' }]);
      const boxes = await b.list();
      const pub = new Map(boxes.filter((m) => m.path.startsWith('Public Folders')).map((m) => [m.path, [...m.flags]]));
      assert.deepEqual([...pub.keys()].sort(), ['Public Folders', 'Public Folders/Board', 'Public Folders/News', 'Public Folders/News/Archive', 'Public Folders/Team', 'Public Folders/Team/Mail']);
      assert.ok(pub.get('Public Folders')!.includes('\\Noselect'));
      assert.ok(pub.get('Public Folders/Team')!.includes('\\Noselect'), 'a calendar above a mail folder is a \\Noselect name');
      assert.ok(pub.get('Public Folders/News')!.includes('\\HasChildren'));
      assert.ok(!pub.has('Public Folders/Secret'), 'a folder without access is not listed');
      const annBoxes = (await a.list()).map((m) => m.path);
      assert.ok(annBoxes.includes('Public Folders/Secret'), 'a grant shows it to Ann');
      // Level by level ("%"), as clients walking the tree do.
      const raw = await RawClient.connect(h.tlsPort, true);
      await raw.until((x) => x.includes('\r\n'));
      await raw.command('l1', `LOGIN ben@pub.test ${PASS}`);
      assert.match(await raw.command('l2', 'NAMESPACE'), /\* NAMESPACE \(\("" "\/"\)\) \(\("Shared\/" "\/"\)\) \(\("Public Folders\/" "\/"\)\)/);
      assert.match(await raw.command('l3', 'LIST "" "%"'), /\* LIST \(\\Noselect \\HasChildren\) "\/" "Public Folders"/);
      const second = await raw.command('l4', 'LIST "Public Folders/" "%"');
      assert.match(second, /\* LIST \(\\HasChildren\) "\/" "Public Folders\/News"/);
      assert.match(second, /\* LIST \(\\Noselect \\HasChildren\) "\/" "Public Folders\/Team"/);
      assert.doesNotMatch(second, /Archive/);
      // LIST-EXTENDED and LSUB: a public mailbox counts as subscribed until UNSUBSCRIBEd, and may be subscribed.
      const ext = await raw.command('x1', 'LIST (SUBSCRIBED) "" "Public Folders/*" RETURN (CHILDREN STATUS (MESSAGES))');
      assert.match(ext, /\* LIST \(\\HasChildren \\Subscribed\) "\/" "Public Folders\/News"/);
      assert.match(ext, /\* STATUS "Public Folders\/News" \(MESSAGES 1\)/);
      assert.match(await raw.command('x2', 'UNSUBSCRIBE "Public Folders/Board"'), /^x2 OK/m);
      assert.doesNotMatch(await raw.command('x3', 'LSUB "" "Public Folders/*"'), /Board/);
      assert.match(await raw.command('x4', 'SUBSCRIBE "Public Folders/Board"'), /^x4 OK/m);
      assert.match(await raw.command('x5', 'LSUB "" "Public Folders/*"'), /\* LSUB \(\) "\/" "Public Folders\/Board"/);
      assert.match(await raw.command('x6', 'SUBSCRIBE "Public Folders/Secret"'), /^x6 NO/m);
      assert.match(await raw.command('l5', 'SELECT "Public Folders"'), /^l5 NO/m);
      assert.match(await raw.command('l6', 'SELECT "Public Folders/News"'), /^l6 OK \[READ-ONLY\]/m);
      assert.match(await raw.command('l7', 'STORE 1 +FLAGS (\\Deleted)'), /^l7 NO \[READ-ONLY\]/m);
      assert.match(await raw.command('l8', 'EXPUNGE'), /^l8 NO \[READ-ONLY\]/m);
      raw.close();
      const status = await statusOf(b, 'Public Folders/News');
      assert.equal(status.messages, 1);
    });

    await t.test('a read folder: SELECT is [READ-ONLY], FETCH reads, STORE, APPEND and EXPUNGE are refused, \\Seen stays unset', async () => {
      const box = await b.mailboxOpen('Public Folders/News');
      assert.equal(box.readOnly, true);
      const msg = await b.fetchOne('1', { envelope: true, source: true, flags: true });
      assert.ok(msg);
      assert.equal(msg.envelope!.subject, 'Welcome');
      assert.match(msg.source!.toString(), /Body of Welcome/);
      assert.equal(msg.flags!.has('\\Seen'), false, 'reading a read-only folder sets no flag');
      await refused(b.messageFlagsAdd('1', ['\\Flagged']).then((ok) => { if (!ok) throw new Error('NO READ-ONLY'); }), /READ-ONLY|NO/);
      await refused(b.append('Public Folders/News', mime('Not allowed')), /NOPERM/);
      await b.mailboxClose();
      const after = await statusOf(b, 'Public Folders/News');
      assert.equal(after.messages, 1, 'nothing was appended');
    });

    await t.test('a write folder: APPEND, STORE (flags shared by every user) and EXPUNGE', async () => {
      const appended = await b.append('Public Folders/Board', mime('Minutes'), ['\\Seen']);
      assert.ok(appended && appended.uid, 'APPENDUID answered');
      await b.append('Public Folders/Board', mime('Old minutes'));
      const box = await b.mailboxOpen('Public Folders/Board');
      assert.equal(box.readOnly, false);
      assert.equal(box.exists, 2);
      assert.ok(await b.messageFlagsAdd({ uid: `${appended.uid}` }, ['\\Flagged'], { uid: true }));
      // Ann sees the flags Ben set: a public folder's flags are one set for everyone.
      const seen = await statusOf(a, 'Public Folders/Board');
      assert.equal(seen.messages, 2);
      assert.equal(seen.unseen, 1);
      assert.ok(await b.messageDelete({ subject: 'Old minutes' }));
      await b.mailboxClose();
      assert.equal((await statusOf(a, 'Public Folders/Board')).messages, 1);
    });

    await t.test('COPY and MOVE between the own mailbox and public folders obey the access', async () => {
      await a.append('INBOX', mime('To share'));
      await a.mailboxOpen('INBOX');
      const copied = await a.messageCopy({ subject: 'To share' }, 'Public Folders/Board');
      assert.ok(copied && copied.uidMap && copied.uidMap.size === 1, 'COPYUID answered');
      await refused(a.messageCopy({ subject: 'To share' }, 'Public Folders/News').then((r) => { if (!r) throw new Error('NO'); }), /NOPERM|NO/);
      const moved = await a.messageMove({ subject: 'To share' }, 'Public Folders/Secret');
      assert.ok(moved && moved.uidMap && moved.uidMap.size === 1);
      await a.mailboxClose();
      assert.equal((await statusOf(a, 'INBOX')).messages, 0, 'MOVE removed it from the INBOX');
      assert.equal((await statusOf(a, 'Public Folders/Secret')).messages, 1);
      // Out of a read-only public folder: COPY is reading, so it is allowed.
      await b.mailboxOpen('Public Folders/News');
      const out = await b.messageCopy('1', 'INBOX');
      assert.ok(out && out.uidMap && out.uidMap.size === 1);
      await b.mailboxClose();
      assert.equal((await statusOf(b, 'INBOX')).messages, 1);
    });

    await t.test('a COPY that fails part-way leaves the target as it was (all or nothing)', async () => {
      // The public owner gets a quota that takes one more message but not two: the second append fails.
      const owner = (await h.t.store.getAccount('.public@pub.test'))!;
      const before = (await statusOf(a, 'Public Folders/Board')).messages;
      await a.append('INBOX', mime('First of two'));
      await a.append('INBOX', mime('Second of two'));
      const used = (await h.t.store.accountUsage(owner.id)).bytes;
      await h.t.store.updateAccount(owner.id, { quotaBytes: used + Buffer.byteLength(mime('First of two')) + 10 });
      await a.mailboxOpen('INBOX');
      await refused(a.messageCopy('1:*', 'Public Folders/Board').then((r) => { if (!r) throw new Error('NO'); }), /NO|OVERQUOTA|LIMIT/);
      await a.mailboxClose();
      assert.equal((await statusOf(a, 'Public Folders/Board')).messages, before, 'the first message was taken back');
      await h.t.store.updateAccount(owner.id, { quotaBytes: null });
    });

    await t.test('another domain sees nothing and cannot open a public name', async () => {
      assert.ok(!e.namespaces?.shared, 'no shared namespace list for another domain (NIL)');
      assert.ok(!(await e.list()).some((m) => m.path.startsWith('Public Folders')));
      await assert.rejects(e.mailboxOpen('Public Folders/News'));
      await assert.rejects(e.status('Public Folders/Board', { messages: true }));
    });

    await t.test('CREATE under the public namespace is refused', async () => {
      await refused(b.mailboxCreate('Public Folders/Mine'), /NOPERM/);
    });
  });
}
