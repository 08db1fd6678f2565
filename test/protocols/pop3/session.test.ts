/**
 * POP3 on the wire (RFC 1939, 2449, 2595, 5034): greeting, CAPA before and after STLS, no
 * password before TLS, USER/PASS and AUTH PLAIN (with and without SASL-IR), the transaction
 * commands, DELE+QUIT removing from the store, [IN-USE], messages removed by another protocol
 * during a session, the shared login answers, and line and bad-command limits.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPop3Harness, message, type Pop3Harness } from './harness.js';
import { PopWire } from './wire.js';

const PW = 'Secret pass 1';
const plain = (user: string, pw: string) => Buffer.from(`\0${user}\0${pw}`).toString('base64');

describe('POP3 session', () => {
  let h: Pop3Harness;
  before(async () => {
    h = await startPop3Harness({ settings: { maxBadCommands: 5 } });
    for (const u of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal']) await h.addUser(`${u}@example.test`, PW);
    await h.addUser('off@example.test', PW, { disabled: true });
  });
  after(() => h.close());

  /** A logged-in session over POP3S. */
  const login = async (user: string) => {
    const w = await PopWire.open(h.implicit, true);
    assert.match(await w.line(), /^\+OK /);
    assert.match(await w.cmd(`USER ${user}@example.test`), /^\+OK/);
    assert.match(await w.cmd(`PASS ${PW}`), /^\+OK/);
    return w;
  };

  test('CAPA before STLS offers STLS and no login; after it, USER and SASL PLAIN', async () => {
    const w = await PopWire.open(h.plain);
    assert.match(await w.line(), /^\+OK Hearth POP3 ready/);
    assert.match(await w.cmd('CAPA'), /^\+OK/);
    const before = (await w.block()).split('\r\n');
    assert.ok(before.includes('STLS') && before.includes('UIDL') && before.includes('TOP') && before.includes('RESP-CODES'));
    assert.ok(!before.includes('USER') && !before.some((c) => c.startsWith('SASL')));
    assert.match(await w.cmd('USER ann@example.test'), /^-ERR \[AUTH\] .*STLS/);
    assert.match(await w.cmd('AUTH'), /^-ERR \[AUTH\]/);
    assert.match(await w.cmd(`AUTH PLAIN ${plain('ann@example.test', PW)}`), /^-ERR \[AUTH\]/);
    assert.match(await w.cmd('STLS'), /^\+OK/);
    await w.startTls();
    assert.match(await w.cmd('CAPA'), /^\+OK/);
    const after = (await w.block()).split('\r\n');
    assert.ok(after.includes('USER') && after.includes('SASL PLAIN LOGIN') && !after.includes('STLS'));
    assert.match(await w.cmd('STLS'), /^-ERR/);
    assert.match(await w.cmd('USER ann@example.test'), /^\+OK/);
    assert.match(await w.cmd(`PASS ${PW}`), /^\+OK Logged in/);
    assert.match(await w.cmd('QUIT'), /^\+OK/);
    await w.closedByServer();
  });

  test('commands pipelined behind STLS are dropped, not run inside TLS (RFC 2595 §4)', async () => {
    const w = await PopWire.open(h.plain);
    await w.line();
    w.send('STLS\r\nUSER ann@example.test\r\n');
    assert.match(await w.line(), /^\+OK/);
    await w.startTls();
    // The injected USER was discarded: PASS has no USER to go with.
    assert.match(await w.cmd(`PASS ${PW}`), /^-ERR USER first/);
    w.close();
  });

  test('transaction: STAT, LIST, UIDL, TOP, RETR with byte-stuffing, DELE, RSET, QUIT removes from the store', async () => {
    const uids = await h.put('ann@example.test', message('one', 'line 1\r\n.dotted line\r\nline 3\r\n'), message('two'), message('three'));
    const folder = (await h.store.findFolderByRole((await h.store.getAccount('ann@example.test'))!.id, 'inbox'))!;
    const sizes = (await h.store.listMessageStates(folder.id)).map((m) => m.size);
    const w = await login('ann');
    assert.equal(await w.cmd('STAT'), `+OK 3 ${sizes.reduce((a, b) => a + b, 0)}`);
    assert.match(await w.cmd('LIST'), /^\+OK 3 messages/);
    assert.equal(await w.block(), sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''));
    assert.equal(await w.cmd('LIST 2'), `+OK 2 ${sizes[1]}`);
    assert.match(await w.cmd('LIST 9'), /^-ERR No such message/);
    assert.match(await w.cmd('UIDL'), /^\+OK/);
    assert.equal(await w.block(), uids.map((u, i) => `${i + 1} ${folder.uidValidity}.${u}\r\n`).join(''));
    assert.match(await w.cmd('TOP 1 1'), /^\+OK/);
    assert.match(await w.block(), /Subject: one\r\n[\s\S]*\r\n\r\nline 1\r\n$/);
    assert.match(await w.cmd('RETR 1'), new RegExp(`^\\+OK ${sizes[0]} octets`));
    assert.match(await w.block(), /\r\n\r\nline 1\r\n\.\.dotted line\r\nline 3\r\n$/);
    assert.match(await w.cmd('DELE 1'), /^\+OK/);
    assert.match(await w.cmd('DELE 1'), /^-ERR Message 1 already deleted/);
    assert.match(await w.cmd('RETR 1'), /^-ERR/);
    assert.equal(await w.cmd('STAT'), `+OK 2 ${sizes[1] + sizes[2]}`);
    assert.match(await w.cmd('RSET'), /^\+OK Maildrop has 3 messages/);
    assert.match(await w.cmd('DELE 2'), /^\+OK/);
    assert.match(await w.cmd('NOOP'), /^\+OK/);
    // Nothing changes in the store before QUIT (RFC 1939 §6).
    assert.deepEqual(await h.subjects('ann@example.test'), ['one', 'two', 'three']);
    assert.match(await w.cmd('QUIT'), /^\+OK Bye, 1 messages removed/);
    await w.closedByServer();
    assert.deepEqual(await h.subjects('ann@example.test'), ['one', 'three']);
    const seen = (await h.store.listMessageStates(folder.id)).map((m) => m.flags.includes('\\Seen'));
    assert.deepEqual(seen, [true, false], 'RETR marks \\Seen at QUIT, TOP does not');
  });

  test('a session that ends without QUIT removes nothing', async () => {
    await h.put('bob@example.test', message('keep me'));
    const w = await login('bob');
    assert.match(await w.cmd('DELE 1'), /^\+OK/);
    w.close();
    const again = await login('bob');
    assert.match(await again.cmd('STAT'), /^\+OK 1 /);
    await again.cmd('QUIT');
    assert.deepEqual(await h.subjects('bob@example.test'), ['keep me']);
  });

  test('a second session on the same maildrop gets [IN-USE]; after QUIT it can log in', async () => {
    const w = await login('cat');
    const other = await PopWire.open(h.implicit, true);
    await other.line();
    await other.cmd('USER cat@example.test');
    assert.match(await other.cmd(`PASS ${PW}`), /^-ERR \[IN-USE\]/);
    await w.cmd('QUIT');
    await w.closedByServer();
    await other.cmd('USER cat@example.test');
    assert.match(await other.cmd(`PASS ${PW}`), /^\+OK/);
    other.close();
  });

  test('a client that hangs up while its password is checked leaves no lock behind', async () => {
    const w = await PopWire.open(h.implicit, true);
    await w.line();
    w.send(`USER hal@example.test\r\nPASS ${PW}\r\n`);
    await w.line();
    w.close();
    // The check finishes after the hang-up; poll until it has (no fixed sleep), then log in.
    let answer = '';
    for (let i = 0; i < 50 && !answer.startsWith('+OK'); i++) {
      const again = await PopWire.open(h.implicit, true);
      await again.line();
      await again.cmd('USER hal@example.test');
      answer = await again.cmd(`PASS ${PW}`);
      await again.cmd('QUIT').catch(() => '');
      again.close();
    }
    assert.match(answer, /^\+OK Logged in/);
  });

  test('a message expunged by another protocol mid-session: RETR says so, QUIT still succeeds', async () => {
    await h.put('dan@example.test', message('first'), message('second'));
    const w = await login('dan');
    const folder = (await h.store.findFolderByRole((await h.store.getAccount('dan@example.test'))!.id, 'inbox'))!;
    const [first] = await h.store.listMessageStates(folder.id);
    await h.store.storeFlags(folder.id, [first.uid], 'add', ['\\Deleted']);
    await h.store.expungeMessages(folder.id, [first.uid]);
    assert.match(await w.cmd('RETR 1'), /^-ERR Message 1 was removed by another session/);
    assert.match(await w.cmd('STAT'), /^\+OK 2 /, 'message numbers stay stable for the session');
    assert.match(await w.cmd('DELE 1'), /^\+OK/);
    assert.match(await w.cmd('DELE 2'), /^\+OK/);
    assert.match(await w.cmd('QUIT'), /^\+OK/);
    assert.deepEqual(await h.subjects('dan@example.test'), []);
  });

  test('AUTH PLAIN with SASL-IR, AUTH PLAIN after a challenge, AUTH LOGIN, and "*" cancels', async () => {
    const w = await PopWire.open(h.implicit, true);
    await w.line();
    assert.match(await w.cmd('AUTH'), /^\+OK/);
    assert.equal(await w.block(), 'PLAIN\r\nLOGIN\r\n');
    assert.equal(await w.cmd('AUTH PLAIN'), '+ ');
    assert.match(await w.cmd('*'), /^-ERR Authentication cancelled/);
    assert.equal(await w.cmd('AUTH PLAIN'), '+ ');
    assert.match(await w.cmd(plain('eve@example.test', PW)), /^\+OK Logged in/);
    await w.cmd('QUIT');
    const l = await PopWire.open(h.implicit, true);
    await l.line();
    assert.equal(await l.cmd('AUTH LOGIN'), `+ ${Buffer.from('Username:').toString('base64')}`);
    assert.equal(await l.cmd(Buffer.from('eve@example.test').toString('base64')), `+ ${Buffer.from('Password:').toString('base64')}`);
    assert.match(await l.cmd(Buffer.from(PW).toString('base64')), /^\+OK/);
    await l.cmd('QUIT');
    const ir = await PopWire.open(h.implicit, true);
    await ir.line();
    assert.match(await ir.cmd(`AUTH PLAIN ${plain('eve@example.test', PW)}`), /^\+OK/);
    assert.match(await ir.cmd('AUTH PLAIN'), /^-ERR/, 'no AUTH once logged in');
    await ir.cmd('QUIT');
  });

  test('login answers come from the shared table: [AUTH] for wrong and disabled, [SYS/TEMP] when locked', async () => {
    const w = await PopWire.open(h.implicit, true);
    await w.line();
    await w.cmd('USER off@example.test');
    assert.equal(await w.cmd(`PASS ${PW}`), '-ERR [AUTH] Authentication failed');
    assert.equal(await w.cmd('AUTH PLAIN !!!notbase64'), '-ERR [AUTH] Authentication failed');
    // TEST_LOCKOUT: three failures of one login from one address lock it.
    for (let i = 0; i < 3; i++) {
      await w.cmd('USER fay@example.test');
      assert.equal(await w.cmd('PASS wrong'), '-ERR [AUTH] Authentication failed');
    }
    await w.cmd('USER fay@example.test');
    assert.match(await w.cmd(`PASS ${PW}`), /^-ERR \[SYS\/TEMP\]/);
    w.close();
  });

  test('bad commands get -ERR, state rules hold, too many end the connection', async () => {
    const w = await PopWire.open(h.implicit, true);
    await w.line();
    assert.match(await w.cmd('STAT'), /^-ERR Log in first/);
    assert.match(await w.cmd('XYZZ'), /^-ERR Unknown command/);
    assert.match(await w.cmd('RETR'), /^-ERR/);
    assert.match(await w.cmd(''), /^-ERR Malformed/);
    assert.match(await w.cmd('PASS x'), /^-ERR USER first/);
    // maxBadCommands is 5: four so far, one more is answered, the next ends the connection.
    assert.match(await w.cmd('BOGU'), /^-ERR Unknown command/);
    assert.match(await w.cmd('BOGU'), /^-ERR Too many bad commands/);
    await w.closedByServer();
    const ok = await login('gus');
    assert.match(await ok.cmd('RETR 0'), /^-ERR Invalid message number/);
    assert.match(await ok.cmd('TOP 1'), /^-ERR/);
    assert.match(await ok.cmd('USER gus@example.test'), /^-ERR Command not valid/);
    await ok.cmd('QUIT');
  });

  test('a line over the limit is refused and the connection closed', async () => {
    const w = await PopWire.open(h.implicit, true);
    await w.line();
    w.send(`USER ${'a'.repeat(5000)}\r\n`);
    assert.match(await w.line(), /^-ERR Line too long/);
    await w.closedByServer();
    // The server is still there.
    const again = await PopWire.open(h.plain);
    assert.match(await again.line(), /^\+OK/);
    again.close();
  });
});

describe('POP3 idle timeout', () => {
  test('an idle connection is told and closed', async () => {
    const h = await startPop3Harness({ settings: { idleTimeoutSeconds: 1 } });
    try {
      const w = await PopWire.open(h.plain);
      await w.line();
      assert.match(await w.closedByServer(), /^-ERR Idle timeout/);
    } finally {
      await h.close();
    }
  });
});
