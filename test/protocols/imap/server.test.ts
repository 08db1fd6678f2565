// Wire-level behaviour of the IMAP server that no client library shows: refusals before TLS,
// STARTTLS command injection, BAD for malformed commands, limits, autologout, expunge rules
// across sessions (RFC 9051 §7.5.1), and fuzzed input the process must survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RawClient, startImap, type ImapHarness } from './harness.js';

const USER = 'eve@example.test';
const PASS = 'Eve-imap-secret-1';

async function loggedIn(h: ImapHarness): Promise<RawClient> {
  const c = await RawClient.connect(h.tlsPort, true);
  await c.until((s) => s.includes('\r\n'));
  const r = await c.command('l', `LOGIN ${USER} ${PASS}`);
  assert.match(r, /^l OK/m);
  return c;
}

test('IMAP server on the wire', async (t) => {
  const h = await startImap({ limits: { maxLineBytes: 8192, maxLiteralBytes: 100_000, preAuthTimeoutMs: 3000 } });
  await h.t.addUser(USER, PASS);
  t.after(() => h.close());

  await t.test('no login before STARTTLS; pipelined plaintext after STARTTLS is dropped', async () => {
    const c = await RawClient.connect(h.port);
    const greeting = await c.until((s) => s.includes('\r\n'));
    assert.match(greeting, /LOGINDISABLED/);
    assert.doesNotMatch(greeting, /AUTH=PLAIN/);
    assert.match(await c.command('a', `LOGIN ${USER} ${PASS}`), /^a NO \[PRIVACYREQUIRED\]/m);
    assert.match(await c.command('b', 'AUTHENTICATE PLAIN AGV2ZUBleGFtcGxlLnRlc3QARXZlLWltYXAtc2VjcmV0LTE='), /^b NO \[PRIVACYREQUIRED\]/m);
    // An injected command after STARTTLS in the same packet must not run after the handshake.
    c.write('c STARTTLS\r\nd CAPABILITY\r\n');
    assert.match(await c.until((s) => /^c OK/m.test(s)), /^c OK/m);
    await c.upgrade();
    const caps = await c.command('e', 'CAPABILITY');
    assert.doesNotMatch(caps, /^d /m, 'the injected command was not answered');
    assert.match(caps, /AUTH=PLAIN/);
    assert.doesNotMatch(caps, /LOGINDISABLED|STARTTLS/);
    assert.match(await c.command('f', `LOGIN ${USER} ${PASS}`), /^f OK/m);
    c.close();
  });

  await t.test('malformed commands get BAD and the session goes on', async () => {
    const c = await loggedIn(h);
    assert.match(await c.command('a1', 'FETCH'), /^a1 BAD/m);
    assert.match(await c.command('a2', 'SELECT'), /^a2 BAD/m);
    assert.match(await c.command('a3', 'NOSUCHCOMMAND x'), /^a3 BAD/m);
    assert.match(await c.command('a4', 'FETCH 1 (FLAGS)'), /^a4 BAD .*not allowed/m);
    assert.match(await c.command('a5', 'SELECT INBOX'), /^a5 OK \[READ-WRITE\]/m);
    assert.match(await c.command('a6', 'FETCH 1 FLAGS'), /^a6 BAD/m, 'no message 1 in an empty mailbox');
    assert.match(await c.command('a7', 'UID FETCH 1:* FLAGS'), /^a7 OK/m);
    assert.match(await c.command('a8', 'SEARCH (((('), /^a8 BAD/m);
    c.write(`a9 NOOP ${'x'.repeat(10_000)}\r\n`);
    assert.match(await c.until((s) => /^a9 /m.test(s)), /^a9 BAD \[TOOBIG\]/m);
    c.write('a10 APPEND INBOX {200000}\r\n');
    assert.match(await c.until((s) => /^a10 /m.test(s)), /^a10 BAD \[TOOBIG\]/m);
    assert.match(await c.command('a11', 'NOOP'), /^a11 OK/m);
    c.close();
  });

  await t.test('literals: synchronizing, LITERAL+ and MULTIAPPEND', async () => {
    const c = await loggedIn(h);
    const m = 'Subject: lit\r\n\r\nx\r\n';
    c.write(`b1 APPEND INBOX (\\Seen) {${m.length}}\r\n`);
    assert.match(await c.until((s) => s.startsWith('+')), /^\+ /);
    c.write(`${m}\r\n`);
    assert.match(await c.until((s) => /^b1 /m.test(s)), /^b1 OK \[APPENDUID \d+ \d+\]/m);
    c.write(`b2 APPEND INBOX {${m.length}+}\r\n${m} {${m.length}+}\r\n${m}\r\n`);
    assert.match(await c.until((s) => /^b2 /m.test(s)), /^b2 OK \[APPENDUID \d+ \d+:\d+\]/m);
    c.close();
  });

  await t.test('an expunge by another session is held back during FETCH and told at NOOP', async () => {
    const a = await loggedIn(h);
    const b = await loggedIn(h);
    await a.command('s', 'SELECT INBOX');
    assert.match(await b.command('s', 'SELECT INBOX'), /\* 3 EXISTS/);
    assert.match(await a.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)'), /^d OK/m);
    assert.match(await a.command('e', 'EXPUNGE'), /\* 1 EXPUNGE/);
    const fetch = await b.command('f', 'FETCH 1:3 (UID)');
    assert.doesNotMatch(fetch, /EXPUNGE/, 'no EXPUNGE during FETCH');
    assert.match(fetch, /\* 3 FETCH \(UID 3\)/, 'the numbers stay those the client knows');
    const noop = await b.command('n', 'NOOP');
    assert.match(noop, /\* 1 EXPUNGE/);
    assert.match(await b.command('g', 'FETCH 2 (UID)'), /\* 2 FETCH \(UID 3\)/);
    assert.match(await b.command('h', 'FETCH 3 (UID)'), /^h BAD/m);
    a.close();
    b.close();
  });

  await t.test('a STORE right after another session\'s flag change still tells that change; after its own alone, nothing more', async () => {
    const a = await loggedIn(h);
    const b = await loggedIn(h);
    assert.match(await a.command('c', 'CREATE Flagrace'), /^c OK/m);
    for (const subject of ['one', 'two']) {
      const m = `Subject: ${subject}\r\n\r\n${subject}\r\n`;
      assert.match(await a.command('p', `APPEND Flagrace {${m.length}+}\r\n${m}`), /^p OK/m);
    }
    await a.command('s', 'SELECT Flagrace');
    await b.command('s', 'SELECT Flagrace');
    assert.match(await b.command('f', 'STORE 2 +FLAGS.SILENT (\\Flagged)'), /^f OK/m);
    // a's view predates b's change: its STORE must not skip the change check.
    const first = await a.command('g', 'STORE 1 +FLAGS (\\Seen)');
    assert.match(first, /\* 1 FETCH \(FLAGS \([^)]*\\Seen[^)]*\)\)/);
    assert.match(first, /\* 2 FETCH \(UID 2 FLAGS \([^)]*\\Flagged[^)]*\)\)/, 'b\'s change is told');
    // Now a's own STORE is the folder's only change: it is answered and nothing else is told.
    const second = await a.command('h', 'STORE 1 +FLAGS (\\Answered)');
    assert.match(second, /\* 1 FETCH \(FLAGS \([^)]*\\Answered[^)]*\)\)/);
    assert.doesNotMatch(second, /\* 2 FETCH/);
    assert.deepEqual((await a.command('n', 'NOOP')).split('\r\n').filter((l) => l.startsWith('*')), []);
    // And b learns of a's changes.
    assert.match(await b.command('n', 'NOOP'), /\* 1 FETCH \(UID 1 FLAGS \((?=[^)]*\\Seen)(?=[^)]*\\Answered)[^)]*\)\)/);
    a.close();
    b.close();
  });

  await t.test('SELECT of the selected mailbox again shows what other sessions changed meanwhile', async () => {
    const a = await loggedIn(h);
    const b = await loggedIn(h);
    assert.match(await a.command('c', 'CREATE Reselect'), /^c OK/m);
    for (const subject of ['first', 'second', 'third']) {
      const m = `Subject: ${subject}\r\n\r\n${subject}\r\n`;
      assert.match(await a.command('p', `APPEND Reselect {${m.length}+}\r\n${m}`), /^p OK/m);
    }
    assert.match(await b.command('s', 'SELECT Reselect'), /\* 3 EXISTS/);
    // b's FETCH reads (and caches) the parsed envelopes before the changes.
    assert.match(await b.command('e', 'FETCH 1:3 (ENVELOPE)'), /\* 3 FETCH \(ENVELOPE \(NIL "third"/);
    await a.command('s', 'SELECT Reselect');
    assert.match(await a.command('f', 'STORE 2 +FLAGS.SILENT (\\Flagged)'), /^f OK/m);
    assert.match(await a.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)'), /^d OK/m);
    assert.match(await a.command('x', 'EXPUNGE'), /\* 1 EXPUNGE/);
    const m = 'Subject: fourth\r\n\r\nfourth\r\n';
    assert.match(await a.command('p', `APPEND Reselect {${m.length}+}\r\n${m}`), /^p OK/m);
    // The expunge is held back from b during FETCH; SELECT starts a fresh view with everything.
    assert.doesNotMatch(await b.command('g', 'FETCH 1:3 (UID)'), /EXPUNGE/);
    const again = await b.command('r', 'SELECT Reselect');
    assert.match(again, /\* OK \[CLOSED\]/);
    assert.match(again, /\* 3 EXISTS/);
    assert.match(again, /\[UIDNEXT 5\]/);
    const all = await b.command('h', 'FETCH 1:* (UID FLAGS ENVELOPE)');
    assert.match(all, /\* 1 FETCH \(UID 2 FLAGS \([^)]*\\Flagged[^)]*\) ENVELOPE \(NIL "second"/);
    assert.match(all, /\* 2 FETCH \(UID 3 FLAGS \((\\Recent)?\) ENVELOPE \(NIL "third"/);
    assert.match(all, /\* 3 FETCH \(UID 4 FLAGS \([^)]*\) ENVELOPE \(NIL "fourth"/);
    assert.doesNotMatch(all, /EXPUNGE|EXISTS/, 'nothing left to announce after the new SELECT');
    a.close();
    b.close();
  });

  await t.test('a binary part APPENDed with literal8 is stored as base64; BINARY[] gives the bytes back (RFC 3516)', async () => {
    const c = await loggedIn(h);
    assert.match(await c.command('c', 'CREATE Binary'), /^c OK/m);
    const body = Buffer.from([0x20, 0x2d, 0x00, 0xff, 0x0d, 0x0a, 0x01]);
    const head = Buffer.from('From: a@example.test\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n');
    const m = Buffer.concat([head, body]);
    c.write(Buffer.concat([Buffer.from(`p APPEND Binary ~{${m.length}+}\r\n`), m, Buffer.from('\r\n')]));
    assert.match(await c.until((x) => /^p /m.test(x)), /^p OK/m);
    await c.command('s', 'SELECT Binary');
    const part = await c.command('f', 'FETCH 1 (BODY.PEEK[1] BODY.PEEK[HEADER.FIELDS (CONTENT-TRANSFER-ENCODING)])');
    assert.doesNotMatch(part, /\x00/, 'no NUL in a BODY[] answer');
    assert.match(part, new RegExp(body.toString('base64').replace(/[+/=]/g, (x) => `\\${x}`)));
    assert.match(part, /Content-Transfer-Encoding: base64/i);
    const bin = await c.command('b', 'FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])');
    assert.match(bin, /BINARY\.SIZE\[1\] 7 BINARY\[1\] ~\{7\}\r\n/);
    const at = bin.indexOf('~{7}\r\n') + 6;
    assert.deepEqual(Buffer.from(bin.slice(at, at + 7), 'latin1'), body);
    c.close();
  });

  await t.test('APPEND over quota is NO [OVERQUOTA] and stores nothing', async () => {
    await h.t.addUser('quota@example.test', PASS, { quotaBytes: 2000 });
    const c = await RawClient.connect(h.tlsPort, true);
    await c.until((s) => s.includes('\r\n'));
    assert.match(await c.command('q1', `LOGIN quota@example.test ${PASS}`), /^q1 OK/m);
    const big = `Subject: big\r\n\r\n${'x'.repeat(3000)}\r\n`;
    c.write(`q2 APPEND INBOX {${big.length}+}\r\n${big}\r\n`);
    assert.match(await c.until((s) => /^q2 /m.test(s)), /^q2 NO \[OVERQUOTA\]/m);
    assert.match(await c.command('q3', 'STATUS INBOX (MESSAGES)'), /MESSAGES 0/);
    assert.match(await c.command('q4', 'GETQUOTAROOT INBOX'), /\* QUOTA "" \(STORAGE 0 1\)/);
    c.close();
  });

  await t.test('failed logins lock the login out like every protocol (NO [UNAVAILABLE])', async () => {
    await h.t.addUser('locked@example.test', PASS);
    const c = await RawClient.connect(h.tlsPort, true);
    await c.until((s) => s.includes('\r\n'));
    for (let i = 0; i < 3; i++) assert.match(await c.command(`w${i}`, 'LOGIN locked@example.test wrong-password'), new RegExp(`^w${i} NO \\[AUTHENTICATIONFAILED\\]`, 'm'));
    assert.match(await c.command('w9', `LOGIN locked@example.test ${PASS}`), /^w9 NO \[UNAVAILABLE\]/m);
    c.close();
  });

  await t.test('a shared folder appears under Shared/, read-only with a read grant', async () => {
    const owner = await h.t.addUser('owner@example.test', PASS);
    const reader = await h.t.addUser('reader@example.test', PASS);
    const ownerInbox = (await h.t.store.findFolderByRole(owner.id, 'inbox'))!;
    await h.t.store.createGrant({ ownerId: owner.id, folderId: ownerInbox.id, granteeId: reader.id, rights: 'read', status: 'accepted' });
    const c = await RawClient.connect(h.tlsPort, true);
    await c.until((s) => s.includes('\r\n'));
    assert.match(await c.command('r1', `LOGIN reader@example.test ${PASS}`), /^r1 OK/m);
    assert.match(await c.command('r2', 'NAMESPACE'), /\* NAMESPACE \(\("" "\/"\)\) \(\("Shared\/" "\/"\)\) NIL/);
    assert.match(await c.command('r3', 'LIST "" "Shared/*"'), /\* LIST \(\\HasNoChildren\) "\/" "Shared\/owner@example.test\/INBOX"/);
    assert.match(await c.command('r4', 'SELECT "Shared/owner@example.test/INBOX"'), /^r4 OK \[READ-ONLY\]/m);
    assert.match(await c.command('r5', 'APPEND "Shared/owner@example.test/INBOX" {7+}\r\nSubj: x'), /^r5 NO/m);
    assert.match(await c.command('r6', 'SELECT "Shared/nobody@example.test/INBOX"'), /^r6 NO/m);
    c.close();
  });

  await t.test('QRESYNC: VANISHED (EARLIER) and changed flags at SELECT, VANISHED instead of EXPUNGE', async () => {
    await h.t.addUser('qr@example.test', PASS);
    const c = await RawClient.connect(h.tlsPort, true);
    await c.until((s) => s.includes('\r\n'));
    assert.match(await c.command('k1', `LOGIN qr@example.test ${PASS}`), /^k1 OK/m);
    for (let i = 0; i < 3; i++) await c.command(`k2${i}`, `APPEND INBOX {14+}\r\nSubject: q${i}\r\n\r\n`);
    assert.match(await c.command('k3', 'ENABLE QRESYNC'), /\* ENABLED QRESYNC/);
    const sel = await c.command('k4', 'SELECT INBOX');
    const validity = /UIDVALIDITY (\d+)/.exec(sel)![1];
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(sel)![1];
    assert.match(await c.command('k5', 'UID STORE 1 +FLAGS.SILENT (\\Deleted)'), /^k5 OK/m);
    const expunged = await c.command('k6', 'EXPUNGE');
    assert.match(expunged, /\* VANISHED 1\r\n/);
    assert.doesNotMatch(expunged, /EXPUNGE\r\n/);
    await c.command('k7', 'UID STORE 2 +FLAGS.SILENT (\\Flagged)');
    await c.command('k8', 'UNSELECT');
    const resync = await c.command('k9', `SELECT INBOX (QRESYNC (${validity} ${modseq}))`);
    assert.match(resync, /\* VANISHED \(EARLIER\) 1\r\n/);
    assert.match(resync, /\* 1 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)/);
    assert.doesNotMatch(resync, /UID 3 FLAGS/, 'an unchanged message is not reported');
    c.close();
  });

  await t.test('a client that never logs in is logged out', async () => {
    const c = await RawClient.connect(h.port);
    const text = await c.until((s) => s.includes('BYE'), 60_000);
    assert.match(text, /\* BYE Autologout/);
    c.close();
  });

  await t.test('fuzzed input: the server answers and survives', async () => {
    const seed = Date.now();
    for (let i = 0; i < 30; i++) {
      const c = await loggedIn(h);
      const junk = i % 3 === 0 ? randomBytes(200 + i * 10)
        : Buffer.from(`z${i} ${['FETCH 1:* (BODY[', 'SEARCH OR OR', 'APPEND INBOX {5+}\r\nab', 'LIST "" "\\', 'STORE *:1 FLAGS (\\', 'UID MOVE 1 "'][i % 6]}${randomBytes(20).toString('latin1')}\r\n`, 'latin1');
      c.write(junk);
      c.write('\r\nzz NOOP\r\n');
      const text = await c.until((s) => /^zz (OK|BAD)/m.test(s) || s.includes('* BYE'), 60_000);
      assert.ok(/^zz (OK|BAD)/m.test(text) || text.includes('* BYE'), `seed ${seed} round ${i}: ${JSON.stringify(text.slice(-300))}`);
      c.close();
    }
    const ok = await loggedIn(h);
    assert.match(await ok.command('x', 'NOOP'), /^x OK/m);
    ok.close();
  });
});
