/**
 * isync's mbsync (Debian `isync`, a client we did not write) syncing a Maildir both ways with
 * Hearth over STARTTLS, the server's certificate checked: messages down and up, and flags changed
 * on both sides meeting in the middle (\Seen set locally, \Flagged set on the server).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { startImap } from '../../protocols/imap/harness.js';

const MBSYNC = '/usr/bin/mbsync';
const USER = 'fay@example.test';
const PASS = 'Fay-imap-secret-1';

test('mbsync two-way sync with flags changed on both sides', { skip: existsSync(MBSYNC) ? false : 'isync (mbsync) is not installed' }, async (t) => {
  const h = await startImap();
  const account = await h.t.addUser(USER, PASS);
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mbsync-'));
  const imap = new ImapFlow({ host: '127.0.0.1', port: h.port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: PASS }, logger: false });
  t.after(async () => { await imap.logout().catch(() => {}); await h.close(); rmSync(dir, { recursive: true, force: true }); });

  const maildir = join(dir, 'mail') + '/';
  mkdirSync(maildir);
  const config = join(dir, 'mbsyncrc');
  writeFileSync(config, [
    'IMAPAccount hearth', 'Host 127.0.0.1', `Port ${h.port}`, `User ${USER}`, `Pass ${PASS}`, 'SSLType STARTTLS',
    'SystemCertificates no', `CertificateFile ${join(h.t.dataDir, 'tls', 'self-signed.crt')}`, '',
    'IMAPStore remote', 'Account hearth', '',
    'MaildirStore local', `Path ${maildir}`, `Inbox ${maildir}INBOX`, 'SubFolders Verbatim', '',
    'Channel sync', 'Far :remote:', 'Near :local:', 'Patterns INBOX', 'Create Both', 'Expunge Both', 'SyncState *', '',
  ].join('\n'));
  // Asynchronous: the server runs in this process and must keep answering.
  const sync = async () => {
    const r = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const p = spawn(MBSYNC, ['-c', config, '-a']);
      let text = '';
      p.stdout.on('data', (d) => { text += d; });
      p.stderr.on('data', (d) => { text += d; });
      p.on('close', (code) => resolve({ code, text }));
    });
    assert.equal(r.code, 0, `mbsync failed: ${r.text}`);
  };
  const files = (sub: 'cur' | 'new') => readdirSync(join(maildir, 'INBOX', sub));
  const allFiles = () => [...files('cur').map((f) => ['cur', f]), ...files('new').map((f) => ['new', f])] as Array<['cur' | 'new', string]>;

  await imap.connect();
  await imap.append('INBOX', 'From: a@example.net\r\nSubject: one\r\nMessage-ID: <one@example.net>\r\n\r\nfirst\r\n');
  await imap.append('INBOX', 'From: a@example.net\r\nSubject: two\r\nMessage-ID: <two@example.net>\r\n\r\nsecond\r\n');
  await sync();
  assert.equal(allFiles().length, 2, 'both messages came down');

  // Local side: mark every message read (Maildir flag S), and add a new local message.
  for (const [sub, f] of allFiles()) {
    const base = f.includes(':2,') ? f : `${f}:2,`;
    renameSync(join(maildir, 'INBOX', sub, f), join(maildir, 'INBOX', 'cur', base.endsWith('S') ? base : `${base}S`));
  }
  writeFileSync(join(maildir, 'INBOX', 'new', `${Date.now()}.local.hearth`), 'From: b@example.net\r\nSubject: three\r\nMessage-ID: <three@example.net>\r\n\r\nthird\r\n');
  // Server side: flag message "one".
  await imap.mailboxOpen('INBOX');
  const found = await imap.search({ subject: 'one' }, { uid: true });
  assert.ok(found && found.length === 1);
  const one = found[0];
  assert.ok(await imap.messageFlagsAdd(String(one), ['\\Flagged'], { uid: true }));
  await imap.mailboxClose();
  await sync();

  const inbox = (await h.t.store.findFolderByRole(account.id, 'inbox'))!;
  const onServer = await h.t.store.listMessages(inbox.id);
  assert.deepEqual(onServer.map((m) => m.parsed.subject).sort(), ['one', 'three', 'two'], 'the local message went up');
  for (const m of onServer.filter((x) => x.parsed.subject !== 'three')) assert.ok(m.flags.includes('\\Seen'), `${m.parsed.subject} is \\Seen on the server`);
  const local = allFiles().map(([, f]) => f);
  assert.equal(local.length, 3);
  assert.equal(local.filter((f) => /:2,[A-Z]*F/.test(f)).length, 1, `one message is flagged locally: ${local.join(' ')}`);

  // A deletion on the server reaches the Maildir.
  await imap.mailboxOpen('INBOX');
  assert.ok(await imap.messageDelete(String(one), { uid: true }));
  await imap.mailboxClose();
  await sync();
  assert.equal(allFiles().length, 2, 'the expunged message left the Maildir');
});
