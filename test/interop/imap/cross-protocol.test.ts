/**
 * One flag state for every protocol (issue 11 item 4): \Seen set over IMAP is what the store's
 * MailStore API (the one ActiveSync reads Read and Flag from) reports, and a change made through
 * that API (as ActiveSync's Sync Change does) reaches an IMAP session as an unsolicited FETCH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { SEEN, FLAGGED } from '../../../src/model/mail.js';
import { startImap } from '../../protocols/imap/harness.js';

test('IMAP \\Seen is the store\'s Read state, and a store flag change reaches IMAP', async (t) => {
  const h = await startImap();
  const account = await h.t.addUser('cara@example.test', 'Cara-imap-secret-1');
  const c = new ImapFlow({
    host: '127.0.0.1', port: h.port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false },
    auth: { user: 'cara@example.test', pass: 'Cara-imap-secret-1' }, logger: false,
  });
  t.after(async () => { await c.logout().catch(() => {}); await h.close(); });
  await c.connect();
  const appended = await c.append('INBOX', 'From: a@example.net\r\nSubject: flags\r\n\r\nbody\r\n');
  assert.ok(appended && appended.uid);
  await c.mailboxOpen('INBOX');
  const inbox = (await h.t.store.findFolderByRole(account.id, 'inbox'))!;
  assert.equal((await h.t.store.mailboxStatus(inbox.id)).unseen, 1);

  assert.ok(await c.messageFlagsAdd(String(appended.uid), ['\\Seen'], { uid: true }));
  const m = await h.t.store.getMessageByUid(inbox.id, appended.uid!);
  assert.ok(m && m.flags.includes(SEEN), 'the store reads it as Read');
  assert.equal((await h.t.store.mailboxStatus(inbox.id)).unseen, 0);

  // The other way: the store API (ActiveSync's Flag) changes it; the IMAP session is told.
  const updates: Array<{ uid?: number; flags?: Set<string> }> = [];
  c.on('flags', (e: { uid?: number; flags?: Set<string> }) => updates.push(e));
  await h.t.store.storeFlags(inbox.id, [appended.uid!], 'add', [FLAGGED]);
  await c.noop();
  const end = Date.now() + 60_000;
  while (!updates.some((u) => u.flags?.has('\\Flagged')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(updates.some((u) => u.flags?.has('\\Flagged') && u.flags.has('\\Seen')), JSON.stringify(updates.map((u) => [...(u.flags ?? [])])));
});
