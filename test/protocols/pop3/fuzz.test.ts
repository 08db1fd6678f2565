/**
 * Hostile input: thousands of malformed and random command lines, before and after login, over
 * both listeners. Every answer is +OK, -ERR or a SASL "+ " challenge, the process survives, the
 * store is exactly as before (nothing is expunged without a QUIT after DELE), and a normal
 * session works afterwards.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startPop3Harness, message, type Pop3Harness } from './harness.js';
import { PopWire } from './wire.js';

const PW = 'Fuzz pass 1';
const VERBS = [
  'USER',
  'PASS',
  'AUTH',
  'STLS',
  'CAPA',
  'STAT',
  'LIST',
  'UIDL',
  'RETR',
  'TOP',
  'DELE',
  'RSET',
  'NOOP',
  'APOP',
  'XTND',
  'user',
  'ReTr',
];
const ARGS = [
  '',
  '0',
  '1',
  '2',
  '-1',
  '99999999999',
  'PLAIN',
  'LOGIN',
  '=',
  '*',
  'AAAA',
  '%s%s%n',
  '\u00ff\u00fe',
  'a b c',
  '1 -5',
  '1 99999999',
  '.',
];

/** A deterministic stream of hostile lines (seeded, so a failure can be replayed). */
function* hostileLines(seed: number, n: number): Generator<string | Buffer> {
  let x = seed;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % k;
  };
  for (let i = 0; i < n; i++) {
    switch (rnd(6)) {
      case 0:
        yield `${VERBS[rnd(VERBS.length)]} ${ARGS[rnd(ARGS.length)]} ${ARGS[rnd(ARGS.length)]}`.trimEnd();
        break;
      case 1:
        yield `${VERBS[rnd(VERBS.length)]}${ARGS[rnd(ARGS.length)]}`;
        break;
      case 2:
        yield randomBytes(rnd(60))
          .toString('latin1')
          .replace(/[\r\n]/g, '');
        break;
      case 3:
        yield Buffer.concat([Buffer.from(VERBS[rnd(VERBS.length)]), Buffer.from([0x20, rnd(256), 0, rnd(256)])])
          .toString('latin1')
          .replace(/[\r\n]/g, '');
        break;
      case 4:
        yield `${VERBS[rnd(VERBS.length)]} ${'9'.repeat(rnd(300))}`;
        break;
      default:
        yield ['', ' ', '\t', '.', '+OK', '-ERR', 'QUI', 'QUITT'][rnd(8)];
    }
  }
}

/** Session-ending verbs (QUIT, STLS without a TLS client) would stop the run early: left out. */
const keepsSession = (l: string | Buffer) => !/^(quit|stls)\b/i.test(String(l));

/** Sends each line and reads one status line; multi-line answers are read to their end. Returns the number answered. */
async function drive(w: PopWire, lines: Iterable<string | Buffer>): Promise<number> {
  let answered = 0;
  for (const l of lines) {
    if (w.closed) return answered;
    w.send(Buffer.concat([Buffer.from(l as string, 'latin1'), Buffer.from('\r\n')]));
    let first: string;
    try {
      first = await w.line();
    } catch {
      return answered;
    }
    assert.match(first, /^(\+OK|-ERR|\+ )/, `answer to ${JSON.stringify(l)}`);
    const multi = /^\+OK (Capability|Mechanisms|Unique-ID|Top of message|\d+ messages \(|\d+ octets)/.test(first);
    if (multi) await w.block();
    answered++;
  }
  return answered;
}

describe('POP3 hostile input', () => {
  let h: Pop3Harness;
  let snapshot: string;
  const state = async () =>
    JSON.stringify(
      await h.store.listMessageStates((await h.store.findFolderByRole((await h.store.getAccount('ann@example.test'))!.id, 'inbox'))!.id),
    );
  before(async () => {
    h = await startPop3Harness({ settings: { maxBadCommands: 1_000_000 } });
    await h.addUser('ann@example.test', PW);
    await h.put('ann@example.test', message('one'), message('two', '.a\r\n..b\r\n'));
    snapshot = await state();
  });
  after(() => h.close());

  test('before login, on the STLS and the TLS listener', async () => {
    for (const [port, tls, seed] of [
      [h.plain, false, 1],
      [h.implicit, true, 2],
    ] as const) {
      const w = await PopWire.open(port, tls);
      await w.line();
      const lines = [...hostileLines(seed, 1500)].filter(keepsSession);
      assert.equal(await drive(w, lines), lines.length, 'every line answered, the connection kept');
      w.close();
    }
    assert.equal(await state(), snapshot);
  });

  test('logged in, ending without QUIT: nothing is removed', async () => {
    for (const seed of [3, 4]) {
      const w = await PopWire.open(h.implicit, true);
      await w.line();
      await w.cmd('USER ann@example.test');
      assert.match(await w.cmd(`PASS ${PW}`), /^\+OK/);
      const lines = [...hostileLines(seed, 1500)].filter(keepsSession);
      assert.equal(await drive(w, lines), lines.length, 'every line answered, the connection kept');
      w.close();
      // The lock goes with the connection; wait for it rather than sleeping.
      for (let i = 0; i < 200; i++) {
        const probe = await PopWire.open(h.implicit, true);
        await probe.line();
        await probe.cmd('USER ann@example.test');
        const r = await probe.cmd(`PASS ${PW}`);
        probe.close();
        if (!r.includes('IN-USE')) break;
        await new Promise((res) => setImmediate(res));
      }
    }
    assert.equal(await state(), snapshot);
  });

  test('a normal session still works', async () => {
    const w = await PopWire.open(h.plain);
    await w.line();
    await w.cmd('STLS');
    await w.startTls();
    await w.cmd('USER ann@example.test');
    assert.match(await w.cmd(`PASS ${PW}`), /^\+OK Logged in, 2 messages/);
    assert.match(await w.cmd('RETR 2'), /^\+OK/);
    assert.match(await w.block(), /\r\n\r\n\.\.a\r\n\.\.\.b\r\n$/);
    await w.cmd('QUIT');
  });
});
