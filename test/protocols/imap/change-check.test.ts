// The change check after each command (RFC 9051 §7: other sessions' changes told as untagged
// FETCH/EXISTS/EXPUNGE) when it is read together with the command's own read: FETCH and SEARCH
// read it with the messages, STORE under its lock before its change, a re-SELECT with the folder
// list (one PostgreSQL round trip each). On both backends: what the client is told must be what
// a check read after the command would tell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, startImap, type ImapHarness } from './harness.js';
import { postgresSkipReason } from '../../helpers/stores.js';

const USER = 'cc@example.test';
const PASS = 'Change-check-secret-1';

async function loggedIn(h: ImapHarness): Promise<RawClient> {
  const c = await RawClient.connect(h.tlsPort, true);
  await c.until((s) => s.includes('\r\n'));
  assert.match(await c.command('l', `LOGIN ${USER} ${PASS}`), /^l OK/m);
  return c;
}

/** The untagged lines, without \Recent (the first session to select a mailbox sees its messages so). */
const untagged = (r: string) => r.split('\r\n').filter((l) => l.startsWith('*')).map((l) => l.replace(/ \\Recent|\\Recent ?/g, ''));

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`IMAP change check read with the command (${backend})`, async (t) => {
    const skip = backend === 'postgres' ? await postgresSkipReason() : null;
    if (skip) { t.skip(skip); return; }
    const h = await startImap({ backend });
    await h.t.addUser(USER, PASS);
    t.after(() => h.close());
    const a = await loggedIn(h);
    const b = await loggedIn(h);
    t.after(() => { a.close(); b.close(); });
    let box = 0;
    const mailbox = async (n: number) => {
      const name = `Box${++box}`;
      assert.match(await a.command('c', `CREATE ${name}`), /^c OK/m);
      for (let i = 1; i <= n; i++) {
        const m = `Subject: m${i} ${i === 2 ? 'needle' : 'hay'}\r\n\r\nbody ${i}\r\n`;
        assert.match(await a.command('p', `APPEND ${name} {${m.length}+}\r\n${m}`), /^p OK/m);
      }
      assert.match(await a.command('s', `SELECT ${name}`), /^s OK/m);
      assert.match(await b.command('s', `SELECT ${name}`), /^s OK/m);
      return name;
    };

    await t.test('FETCH and SEARCH tell another session\'s change after their answer, once', async () => {
      await mailbox(3);
      assert.match(await b.command('f', 'STORE 3 +FLAGS.SILENT (\\Flagged)'), /^f OK/m);
      const fetch = await a.command('g', 'FETCH 1 (FLAGS)');
      assert.deepEqual(untagged(fetch), ['* 1 FETCH (FLAGS ())', '* 3 FETCH (UID 3 FLAGS (\\Flagged))']);
      assert.deepEqual(untagged(await a.command('n', 'NOOP')), []);
      assert.match(await b.command('f', 'STORE 1 +FLAGS.SILENT (\\Answered)'), /^f OK/m);
      const search = await a.command('h', 'UID SEARCH SUBJECT needle');
      assert.deepEqual(untagged(search), ['* SEARCH 2', '* 1 FETCH (UID 1 FLAGS (\\Answered))']);
      assert.deepEqual(untagged(await a.command('n', 'NOOP')), []);
    });

    await t.test('a STORE of a message another session changed just before answers both changes and tells nothing older', async () => {
      await mailbox(2);
      assert.match(await b.command('f', 'STORE 1 +FLAGS.SILENT (\\Flagged)'), /^f OK/m);
      assert.match(await b.command('f', 'STORE 2 +FLAGS.SILENT (\\Draft)'), /^f OK/m);
      const store = await a.command('g', 'STORE 1 +FLAGS (\\Seen)');
      const lines = untagged(store);
      assert.equal(lines.length, 2, store);
      assert.match(lines[0], /^\* 1 FETCH \(FLAGS \((?=[^)]*\\Flagged)(?=[^)]*\\Seen)[^)]*\)\)$/);
      assert.equal(lines[1], '* 2 FETCH (UID 2 FLAGS (\\Draft))');
      assert.deepEqual(untagged(await a.command('n', 'NOOP')), []);
      // A STORE that changes nothing still tells what another session did meanwhile.
      assert.match(await b.command('f', 'STORE 2 -FLAGS.SILENT (\\Draft)'), /^f OK/m);
      const same = await a.command('h', 'STORE 1 +FLAGS (\\Seen)');
      assert.ok(untagged(same).includes('* 2 FETCH (UID 2 FLAGS ())'), same);
      assert.deepEqual(untagged(await a.command('n', 'NOOP')), []);
      // With CONDSTORE the modseqs told are the newest.
      assert.match(await a.command('e', 'ENABLE CONDSTORE'), /^e OK/m);
      assert.match(await b.command('f', 'STORE 2 +FLAGS.SILENT (\\Draft)'), /^f OK/m);
      const cond = await a.command('k', 'STORE 1 -FLAGS (\\Seen)');
      const modseq = (l: string) => Number(/MODSEQ \((\d+)\)/.exec(l)?.[1]);
      const told = untagged(cond).filter((l) => l.includes('FETCH'));
      assert.equal(told.length, 2, cond);
      assert.ok(modseq(told[0]) > modseq(told[1]), 'the own change is newer than the other session\'s');
      assert.deepEqual(untagged(await a.command('n', 'NOOP')), []);
      assert.match(await a.command('x', 'UNSELECT'), /^x OK/m);
    });

    await t.test('SELECT again shows other sessions\' changes; of a deleted mailbox it is NO', async () => {
      const name = await mailbox(2);
      assert.match(await b.command('f', 'STORE 2 +FLAGS.SILENT (\\Seen)'), /^f OK/m);
      const m = 'Subject: new\r\n\r\nnew\r\n';
      assert.match(await b.command('p', `APPEND ${name} {${m.length}+}\r\n${m}`), /^p OK/m);
      const again = await a.command('s', `SELECT ${name}`);
      assert.match(again, /\* 3 EXISTS/);
      assert.match(again, /\[UNSEEN 1\]/);
      assert.match(again, /\[UIDNEXT 4\]/);
      assert.deepEqual(untagged(await a.command('f', 'FETCH 2:3 (UID FLAGS)')), ['* 2 FETCH (UID 2 FLAGS (\\Seen))', '* 3 FETCH (UID 3 FLAGS ())']);
      assert.match(await b.command('u', 'UNSELECT'), /^u OK/m);
      assert.match(await b.command('d', `DELETE ${name}`), /^d OK/m);
      assert.match(await a.command('t', `SELECT ${name}`), /^t NO \[NONEXISTENT\]/m);
    });
  });
}
