/**
 * Junk training over ActiveSync (issue 12, item 7): a message delivered over SMTP and moved by the
 * phone (MoveItems) into Junk is learned as spam by a real rspamd the test starts, and moved back
 * out of Junk, as ham (src/mail/filters/training.ts is the rule; rspamd's Bayes classifier counts
 * the lessons per class). A move between ordinary folders teaches nothing. IMAP MOVE by
 * imapflow goes through the same hook (src/mail/filters/train-moves.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { RspamdFilter } from '../../../../src/mail/filters/rspamd.js';
import { rspamdSkip, startRspamd, type RunningRspamd } from '../../../helpers/filter-daemons.js';
import { appData, primed, serverIdOf } from '../sync/helpers.js';
import { ImapFlow } from 'imapflow';
import { mailHarness } from './harness.js';
import { startImap } from '../../imap/harness.js';

const PW = 'Secret-pass-1';
const MV = 'Move';

/** How many lessons rspamd's Bayes classifier has taken, per class. */
const learned = (r: RunningRspamd) => r.learns();

/** Waits (at most 60 s) until `check` holds: training is not awaited by the phone's answer. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('MoveItems into Junk teaches rspamd spam, out of Junk ham; other moves teach nothing', { skip: rspamdSkip }, async () => {
  const rspamd = await startRspamd();
  const m = await mailHarness();
  try {
    m.h.ctx.spamTrainer = new RspamdFilter({ url: rspamd.url, controllerUrl: rspamd.controllerUrl, password: rspamd.password, timeoutMs: 60_000 });
    const ann = await m.h.addUser('ann@example.test', PW);
    const inbox = (await m.h.store.findFolderByRole(ann.id, 'inbox'))!;
    const junk = (await m.h.store.findFolderByRole(ann.id, 'junk'))!;
    const archive = await m.h.store.createMailFolder(ann.id, 'Kept');
    const text = 'Cheap watches and pills, buy now, limited offer, click here for your prize. '.repeat(20);
    await m.smtp({ from: 'promo@example.net', to: 'ann@example.test', subject: 'offer', text });
    await m.smtp({ from: 'friend@example.net', to: 'ann@example.test', subject: 'lunch', text: 'Lunch on Friday at the usual place? '.repeat(10) });
    const p = await m.phone('ann@example.test', PW, 'PHONEJUNK1');
    const { items } = await primed(p, String(inbox.id));
    const sid = (subject: string) => serverIdOf(items.find((i) => childText(appData(i), 'Subject', 'Email') === subject)!);
    const move = async (srcMsgId: string, from: number, to: number) => {
      const r = await p.dev.send('MoveItems', el(MV, 'MoveItems', [el(MV, 'Move', [
        el(MV, 'SrcMsgId', srcMsgId), el(MV, 'SrcFldId', String(from)), el(MV, 'DstFldId', String(to))])]));
      const resp = child(r.doc!, 'Response', MV)!;
      assert.equal(childText(resp, 'Status', MV), '3');
      return childText(resp, 'DstMsgId', MV)!;
    };
    const before = await learned(rspamd);
    // An ordinary move first: no lesson (checked after the Junk lessons have arrived, below).
    await move(sid('lunch'), inbox.id, archive.id);
    const inJunk = await move(sid('offer'), inbox.id, junk.id);
    await until('rspamd to learn spam', async () => (await learned(rspamd)).spam > before.spam);
    assert.equal((await learned(rspamd)).ham, before.ham, 'the move to Archive taught no ham');
    await move(inJunk, junk.id, inbox.id);
    await until('rspamd to learn ham', async () => (await learned(rspamd)).ham > before.ham);
    // The store moved the message both times (IMAP sees it in the Inbox again).
    assert.deepEqual((await m.h.store.listMessages(inbox.id)).map((x) => x.parsed.subject), ['offer']);
  } finally {
    await m.close();
    await rspamd.stop();
  }
});

test('IMAP MOVE (imapflow) into Junk teaches rspamd spam, out of Junk ham, through the same hook', { skip: rspamdSkip }, async () => {
  const rspamd = await startRspamd();
  const h = await startImap();
  try {
    h.t.ctx.spamTrainer = new RspamdFilter({ url: rspamd.url, controllerUrl: rspamd.controllerUrl, password: rspamd.password, timeoutMs: 60_000 });
    await h.t.addUser('imapjunk@example.test', PW);
    const client = new ImapFlow({ host: '127.0.0.1', port: h.tlsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: 'imapjunk@example.test', pass: PW }, logger: false });
    await client.connect();
    try {
      await client.append('INBOX', 'From: promo@example.net\r\nTo: imapjunk@example.test\r\nSubject: imap offer\r\n\r\n' + 'Winner winner, claim your free prize today. '.repeat(30) + '\r\n');
      const before = await learned(rspamd);
      await client.mailboxOpen('INBOX');
      await client.messageMove('1:*', 'Junk');
      await until('rspamd to learn spam (IMAP)', async () => (await learned(rspamd)).spam > before.spam);
      await client.mailboxOpen('Junk');
      await client.messageMove('1:*', 'INBOX');
      await until('rspamd to learn ham (IMAP)', async () => (await learned(rspamd)).ham > before.ham);
    } finally {
      await client.logout();
    }
  } finally {
    await h.close();
    await rspamd.stop();
  }
});
