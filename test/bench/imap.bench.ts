/**
 * IMAP benchmark: concurrent sessions each logging in, then looping SELECT, FETCH (FLAGS
 * ENVELOPE of 20 messages), UID SEARCH SUBJECT, STORE +FLAGS/-FLAGS, against Hearth (SQLite and
 * PostgreSQL) and, side by side, a private Dovecot on loopback (test/interop/imaptest/dovecot.ts)
 * with the same messages, APPENDed over IMAP to both. Hearth is reached over implicit TLS (it
 * refuses plaintext logins); the private Dovecot runs without TLS, so its logins are cheaper by a
 * TLS handshake. Prints a table; asserts nothing about time.
 * Run: npm run bench -- imap   (BENCH_IMAP_SESSIONS, BENCH_IMAP_ROUNDS, BENCH_IMAP_MESSAGES)
 */
import { performance } from 'node:perf_hooks';
import { RawClient, startImap } from '../protocols/imap/harness.js';
import { dovecotMissing, startDovecot } from '../interop/imaptest/dovecot.js';
import { postgresSkipReason } from '../helpers/stores.js';

const SESSIONS = Number(process.env.BENCH_IMAP_SESSIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_IMAP_ROUNDS ?? 20);
const MESSAGES = Number(process.env.BENCH_IMAP_MESSAGES ?? 200);
const USERS = 5;
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(40);

interface Target { name: string; port: number; tls: boolean; user: (i: number) => string; password: string }
interface Row { target: string; ops: number; rate: string; login: string; p50: string; p99: string; perOp: string }
const rows: Row[] = [];

function message(i: number): string {
  return `From: Sender ${i % 7} <s${i % 7}@example.net>\r\nTo: user@bench.test\r\nSubject: bench message ${i} ${i % 10 === 0 ? 'needle' : 'hay'}\r\n` +
    `Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <${i}@bench>\r\nContent-Type: text/plain\r\n\r\n${BODY}`;
}

async function session(t: Target, i: number): Promise<{ c: RawClient; loginMs: number }> {
  const t0 = performance.now();
  const c = await RawClient.connect(t.port, t.tls);
  await c.until((s) => s.includes('\r\n'));
  const r = await c.command('l', `LOGIN "${t.user(i)}" "${t.password}"`);
  if (!/^l OK/m.test(r)) throw new Error(`${t.name}: login failed: ${r}`);
  return { c, loginMs: performance.now() - t0 };
}

async function fill(t: Target): Promise<void> {
  for (let u = 0; u < USERS; u++) {
    const { c } = await session(t, u);
    for (let i = 0; i < MESSAGES; i++) {
      const m = message(i);
      const r = await c.command('a', `APPEND INBOX {${m.length}+}\r\n${m}`);
      if (!/^a OK/m.test(r)) throw new Error(`${t.name}: append failed: ${r}`);
    }
    c.close();
  }
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function run(t: Target): Promise<void> {
  await fill(t);
  const latencies: number[] = [];
  const logins: number[] = [];
  const byOp = new Map<string, number[]>();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: SESSIONS }, async (_, s) => {
    const { c, loginMs } = await session(t, s % USERS);
    logins.push(loginMs);
    const timed = async (op: string, text: string) => {
      const t1 = performance.now();
      const r = await c.command('x', text);
      if (!/^x OK/m.test(r)) throw new Error(`${t.name}: ${text}: ${r.slice(-200)}`);
      const ms = performance.now() - t1;
      latencies.push(ms);
      byOp.set(op, [...(byOp.get(op) ?? []), ms]);
    };
    for (let r = 0; r < ROUNDS; r++) {
      const first = 1 + ((s * 7 + r * 20) % (MESSAGES - 20));
      await timed('select', 'SELECT INBOX');
      await timed('fetch', `FETCH ${first}:${first + 19} (FLAGS ENVELOPE)`);
      await timed('search', 'UID SEARCH SUBJECT needle');
      await timed('store', `STORE ${first} ${r % 2 ? '-' : '+'}FLAGS (\\Seen)`);
    }
    await c.command('z', 'LOGOUT');
    c.close();
  }));
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  logins.sort((a, b) => a - b);
  const perOp = [...byOp].map(([op, xs]) => `${op} ${pct(xs.sort((a, b) => a - b), 0.99).toFixed(0)}`).join(', ');
  rows.push({
    target: t.name, ops: latencies.length, rate: `${Math.round(latencies.length / secs)} ops/s`,
    login: `${pct(logins, 0.99).toFixed(0)} ms`, p50: `${pct(latencies, 0.5).toFixed(1)} ms`, p99: `${pct(latencies, 0.99).toFixed(1)} ms`, perOp,
  });
}

async function hearth(backend: 'sqlite' | 'postgres'): Promise<void> {
  const h = await startImap({ backend, limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } });
  try {
    for (let u = 0; u < USERS; u++) await h.t.addUser(`user${u}@bench.test`, 'Bench-secret-1');
    await run({ name: `Hearth (${backend}, TLS)`, port: h.tlsPort, tls: true, user: (i) => `user${i}@bench.test`, password: 'Bench-secret-1' });
  } finally {
    await h.close();
  }
}

await hearth('sqlite');
const skip = await postgresSkipReason();
if (skip) console.log(skip);
else await hearth('postgres');
const noDovecot = dovecotMissing();
if (noDovecot) console.log(`Dovecot: ${noDovecot}`);
else {
  const d = await startDovecot();
  try {
    await run({ name: 'Dovecot 2.3 (Maildir, no TLS)', port: d.port, tls: false, user: (i) => `bench${i}`, password: d.password });
  } finally {
    await d.stop();
  }
}
console.log(`\n${SESSIONS} sessions x ${ROUNDS} rounds of SELECT, FETCH 20 (FLAGS ENVELOPE), UID SEARCH SUBJECT, STORE; ${USERS} accounts of ${MESSAGES} messages\n`);
console.log('| server | operations | throughput | login p99 | op p50 | op p99 | p99 per op (ms) |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.target} | ${r.ops} | ${r.rate} | ${r.login} | ${r.p50} | ${r.p99} | ${r.perOp} |`);
