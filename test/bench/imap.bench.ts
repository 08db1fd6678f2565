/**
 * IMAP benchmark: concurrent sessions each logging in, then looping SELECT, FETCH (FLAGS
 * ENVELOPE of 20 messages), UID SEARCH SUBJECT, STORE +FLAGS/-FLAGS, against Hearth (SQLite and
 * PostgreSQL) and, side by side, a private Dovecot on loopback (test/interop/imaptest/dovecot.ts)
 * with the same messages, APPENDed over IMAP to both. Both are reached over implicit TLS on
 * loopback (Hearth refuses plaintext logins; the private Dovecot gets a self-signed certificate),
 * so both pay the same handshake and record encryption. Every session logs in first; the
 * throughput clock runs from the moment all are logged in to the last command, so it measures
 * the command loop, and logins (Hearth's scrypt against Dovecot's static test password) are
 * reported apart as login p99. Prints a table; asserts nothing about time.
 * Run: npm run bench -- imap   (BENCH_IMAP_SESSIONS, BENCH_IMAP_ROUNDS, BENCH_IMAP_MESSAGES,
 * BENCH_IMAP_TARGETS=sqlite,postgres,dovecot; BENCH_IMAP_CPU_PROFILE=dir writes a V8 CPU profile of
 * the Hearth server process covering the command loop only, one per backend)
 */
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Session as InspectorSession } from 'node:inspector/promises';
import { RawClient, startImap } from '../protocols/imap/harness.js';
import { dovecotMissing, startDovecot } from '../interop/imaptest/dovecot.js';
import { postgresSkipReason } from '../helpers/stores.js';

const SESSIONS = Number(process.env.BENCH_IMAP_SESSIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_IMAP_ROUNDS ?? 20);
const MESSAGES = Number(process.env.BENCH_IMAP_MESSAGES ?? 200);
const USERS = 5;
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(40);

interface Target {
  name: string; port: number; tls: boolean; user: (i: number) => string; password: string; pid: number;
  /** Around the measured loop (the Hearth child's CPU profile). */
  loopStarts?: () => Promise<void>; loopEnds?: () => Promise<void>;
}
interface Row { target: string; ops: number; rate: string; cpu: string; login: string; p50: string; p99: string; perOp: string }
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

/**
 * CPU time (user + system, ms) of a process and all its live descendants, with what its exited
 * children used: the server's own cost, whatever else the loaded machine runs. On a busy box
 * throughput follows the scheduler's share (Dovecot's process per connection gets one share
 * each, Hearth's one process one), so CPU per operation is the comparison that holds.
 */
function treeCpuMs(pid: number): number {
  const tick = 10; // USER_HZ is 100 on Linux
  let total = 0;
  const visit = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * tick;
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(Number(c));
      }
    } catch { /* exited meanwhile */ }
  };
  visit(pid);
  return total;
}

/** The private Dovecot's master process: the one started with its configuration file. */
function dovecotPid(dir: string): number {
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${dir}/dovecot.conf`)) return Number(p);
    } catch { /* gone */ }
  }
  throw new Error('Dovecot master process not found');
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function run(t: Target): Promise<void> {
  await fill(t);
  const latencies: number[] = [];
  const logins: number[] = [];
  const byOp = new Map<string, number[]>();
  const sessions = await Promise.all(Array.from({ length: SESSIONS }, async (_, s) => {
    const { c, loginMs } = await session(t, s % USERS);
    logins.push(loginMs);
    return c;
  }));
  await t.loopStarts?.();
  const cpu0 = treeCpuMs(t.pid);
  const t0 = performance.now();
  await Promise.all(sessions.map(async (c, s) => {
    const timed = async (op: string, text: string) => {
      const t1 = performance.now();
      const r = await c.command('x', text);
      if (!/^x OK/m.test(r)) throw new Error(`${t.name}: ${text}: ${r.slice(-200)}`);
      const ms = performance.now() - t1;
      latencies.push(ms);
      if (!byOp.has(op)) byOp.set(op, []);
      byOp.get(op)!.push(ms);
    };
    for (let r = 0; r < ROUNDS; r++) {
      const first = 1 + ((s * 7 + r * 20) % (MESSAGES - 20));
      await timed('select', 'SELECT INBOX');
      await timed('fetch', `FETCH ${first}:${first + 19} (FLAGS ENVELOPE)`);
      await timed('search', 'UID SEARCH SUBJECT needle');
      await timed('store', `STORE ${first} ${r % 2 ? '-' : '+'}FLAGS (\\Seen)`);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const cpuMs = treeCpuMs(t.pid) - cpu0;
  await t.loopEnds?.();
  await Promise.all(sessions.map(async (c) => { await c.command('z', 'LOGOUT'); c.close(); }));
  latencies.sort((a, b) => a - b);
  logins.sort((a, b) => a - b);
  const perOp = [...byOp].map(([op, xs]) => `${op} ${pct(xs.sort((a, b) => a - b), 0.99).toFixed(0)}`).join(', ');
  rows.push({
    target: t.name, ops: latencies.length, rate: `${Math.round(latencies.length / secs)} ops/s`, cpu: `${(cpuMs / latencies.length).toFixed(2)} ms`,
    login: `${pct(logins, 0.99).toFixed(0)} ms`, p50: `${pct(latencies, 0.5).toFixed(1)} ms`, p99: `${pct(latencies, 0.99).toFixed(1)} ms`, perOp,
  });
}

/**
 * The Hearth server runs in a child process (this file again, with BENCH_IMAP_SERVE set), as
 * Dovecot runs in its own: the benchmark's 20 clients and their TLS would otherwise share
 * Hearth's one event loop and be counted against it.
 */
async function serveHearth(backend: 'sqlite' | 'postgres'): Promise<void> {
  const h = await startImap({ backend, limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } });
  for (let u = 0; u < USERS; u++) await h.t.addUser(`user${u}@bench.test`, 'Bench-secret-1');
  process.stdout.write(`${JSON.stringify({ tlsPort: h.tlsPort })}\n`);
  // The parent closes stdin when it is done (or dies): then clean up and leave. Before that it may
  // ask for a CPU profile of the loop: "profile-start" and "profile-stop" lines, each answered.
  const profileDir = process.env.BENCH_IMAP_CPU_PROFILE;
  const inspector = profileDir ? new InspectorSession() : null;
  process.stdin.on('data', (d: Buffer) => void (async () => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      if (inspector && line === 'profile-start') {
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
      } else if (inspector && line === 'profile-stop') {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(join(profileDir!, `imap-${backend}-${process.pid}.cpuprofile`), JSON.stringify(profile));
        inspector.disconnect();
      }
      process.stdout.write(`${line}: done\n`);
    }
  })());
  await new Promise((resolve) => process.stdin.once('close', resolve));
  await h.close();
}

async function hearth(backend: 'sqlite' | 'postgres'): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_IMAP_SERVE: backend }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.split('\n')[0]); });
      child.once('exit', (code) => reject(new Error(`Hearth bench server exited (${code})`)));
    });
    const { tlsPort } = JSON.parse(line) as { tlsPort: number };
    const ask = (what: string) => new Promise<void>((resolve) => {
      const answer = (d: Buffer) => { if (d.toString().includes(`${what}: done`)) { child.stdout.off('data', answer); resolve(); } };
      child.stdout.on('data', answer);
      child.stdin.write(`${what}\n`);
    });
    await run({
      name: `Hearth (${backend}, TLS)`, port: tlsPort, tls: true, user: (i) => `user${i}@bench.test`, password: 'Bench-secret-1', pid: child.pid!,
      loopStarts: () => ask('profile-start'), loopEnds: () => ask('profile-stop'),
    });
  } finally {
    child.stdin.end();
    await exited;
  }
}

const serve = process.env.BENCH_IMAP_SERVE;
if (serve === 'sqlite' || serve === 'postgres') {
  await serveHearth(serve);
  process.exit(0);
}

const targets = (process.env.BENCH_IMAP_TARGETS ?? 'sqlite,postgres,dovecot').split(',');
if (targets.includes('sqlite')) await hearth('sqlite');
const skip = targets.includes('postgres') ? await postgresSkipReason() : 'PostgreSQL: not a target';
if (skip) console.log(skip);
else await hearth('postgres');
const noDovecot = targets.includes('dovecot') ? dovecotMissing() : 'not a target';
if (noDovecot) console.log(`Dovecot: ${noDovecot}`);
else {
  const d = await startDovecot({ tls: true });
  try {
    await run({ name: 'Dovecot 2.3 (Maildir, TLS)', port: d.tlsPort!, tls: true, user: (i) => `bench${i}`, password: d.password, pid: dovecotPid(d.dir) });
  } finally {
    await d.stop();
  }
}
console.log(`\n${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
console.log(`${SESSIONS} sessions x ${ROUNDS} rounds of SELECT, FETCH 20 (FLAGS ENVELOPE), UID SEARCH SUBJECT, STORE; ${USERS} accounts of ${MESSAGES} messages\n`);
console.log('| server | operations | throughput | server CPU per op | login p99 | op p50 | op p99 | p99 per op (ms) |\n| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.target} | ${r.ops} | ${r.rate} | ${r.cpu} | ${r.login} | ${r.p50} | ${r.p99} | ${r.perOp} |`);
