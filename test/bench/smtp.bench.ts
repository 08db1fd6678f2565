/**
 * SMTP benchmark (issue 10): messages per second accepted AND durably stored, with 1 and with
 * 50 concurrent connections, and p50/p99 latency of one transaction (MAIL, RCPT, DATA to the
 * 250), for Hearth's MX listener into the real mail store on SQLite and on PostgreSQL, and in
 * the same run for the baseline: a private Postfix delivering over LMTP to a private Dovecot
 * (test/bench/postfix-dovecot.ts). The same load for every side: the same wire client (one
 * transaction at a time per connection, no pipelining, as smtp-source sends), the same ~4 KB
 * message to 20 mailboxes of one domain in turn, from a worker thread (test/bench/smtp-load.ts) so
 * that the client never shares the event loop of the server it measures.
 *
 * "Stored" means: Hearth answers 250 only after the store's commit (SQLite WAL with
 * synchronous=FULL, PostgreSQL with its default synchronous_commit=on), so its rate is the 250
 * rate. Postfix answers 250 once the message is in its queue (fsynced) and delivers later: its
 * stored rate runs until Dovecot has written every message into the Maildirs (files counted),
 * and its latency column is the 250 latency (the queueing, not the final delivery).
 * CPU per message (test/bench/cpu.ts, from /proc): Hearth's main thread (its server; the client
 * is a worker thread) and, on PostgreSQL, the database's backends; for the baseline every process
 * under Postfix's master and Dovecot. Steadier than the rates on a shared machine.
 * Prints a table; asserts nothing about time.
 * Run: npm run bench -- smtp   (BENCH_SMTP_MESSAGES=N per run, default 1000;
 * BENCH_SMTP_ONLY=sqlite,postgres,postfix to run some sides only)
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../protocols/smtp/harness.js';
import { Worker } from 'node:worker_threads';
import { storeDelivery } from '../../src/server/smtp-delivery.js';
import { freshPostgresUrl, postgresSkipReason } from '../helpers/stores.js';
import { baselineMissing, startPostfixDovecot } from './postfix-dovecot.js';
import type { LoadJob, LoadResult } from './smtp-load.js';
import { mainThreadMs, processMs, treeMs } from './cpu.js';
import pg from 'pg';

const TOTAL = Number(process.env.BENCH_SMTP_MESSAGES ?? 1000);
const ONLY = (process.env.BENCH_SMTP_ONLY ?? 'sqlite,postgres,postfix').split(',');
const USERS = 20;
const BODY = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(50)}`; // ~4 KB

interface Row { side: string; connections: number; messages: number; accepted: string; stored: string; p50: string; p99: string; cpu: string }
/** CPU ms so far per part of one side (e.g. Hearth's thread and PostgreSQL's backends). */
type CpuSampler = () => Promise<Record<string, number>>;
const rows: Row[] = [];
const notes: string[] = [];

/**
 * Sends TOTAL messages over `connections` connections and returns when every one got its 250
 * and `stored()` reaches `before + TOTAL` (polled every 10 ms).
 */
async function run(port: number, side: string, connections: number, stored: () => number | Promise<number>, cpu: CpuSampler): Promise<void> {
  // The worker loads the client module through tsx (as this process does) before the clock starts.
  const worker = new Worker(`require('tsx/cjs/api').register(); import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./smtp-load.ts', import.meta.url).href)}); });`, { eval: true });
  const messages: unknown[] = [];
  let wake = () => {};
  let failed: Error | null = null;
  worker.on('message', (m) => { messages.push(m); wake(); });
  worker.once('error', (e) => { failed = e; wake(); });
  const next = async () => {
    while (!messages.length && !failed) await new Promise<void>((r) => { wake = r; });
    if (failed) throw failed;
    return messages.shift();
  };
  await next(); // 'ready'
  const job: LoadJob = { port, connections, total: TOTAL, users: USERS, tag: `${side.replace(/\W/g, '')}.${connections}`, body: BODY };
  const before = await stored();
  const cpu0 = await cpu();
  const t0 = performance.now();
  // Sampled during the run too, so that a PostgreSQL backend the pool closes midway still counts.
  const ticking = setInterval(() => void cpu().catch(() => {}), 500);
  worker.postMessage(job);
  const result = await next() as LoadResult;
  await worker.terminate();
  if (!result.ok) throw new Error(`${side}: ${result.error}`);
  const latencies = result.latencies;
  const accepted = (performance.now() - t0) / 1000;
  const want = before + latencies.length;
  const deadline = Date.now() + 600_000;
  while ((await stored()) < want) {
    if (Date.now() > deadline) throw new Error(`${side}: only ${(await stored()) - before} of ${latencies.length} stored after 10 minutes`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const done = (performance.now() - t0) / 1000;
  clearInterval(ticking);
  const cpu1 = await cpu();
  const perMessage = Object.entries(cpu1).map(([part, ms]) => `${part} ${((ms - (cpu0[part] ?? 0)) / latencies.length).toFixed(2)}`).join(' + ');
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => `${latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1)} ms`;
  rows.push({
    side, connections, messages: latencies.length, accepted: `${Math.round(latencies.length / accepted)} msg/s`,
    stored: `${Math.round(latencies.length / done)} msg/s`, p50: pct(0.5), p99: pct(0.99), cpu: perMessage,
  });
}

async function hearth(side: string, database: string | undefined): Promise<void> {
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  const h: SmtpHarness = await startHarness({
    delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
    smtp: { maxConnectionsPerIp: 100, commandsPerMinute: 10_000_000, commandBurst: 10_000_000 },
    context: database ? { database } : {},
  });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
  try {
    const d = await h.domain('bench.test');
    const ids: number[] = [];
    for (let i = 0; i < USERS; i++) ids.push((await h.store.createAccount({ domainId: d.id, email: `user${i}@bench.test` })).id);
    // Hearth's 250 follows the commit: what is accepted is stored (counted from the store to be sure).
    const stored = async () => {
      let n = 0;
      for (const id of ids) n += (await h.store.quotaUsage(id)).messages;
      return n;
    };
    const cpu = database ? postgresCpu(database) : null;
    const sample: CpuSampler = async () => ({ hearth: mainThreadMs(), ...(cpu ? { pg: await cpu.sample() } : {}) });
    try {
      await run(h.mx, side, 1, stored, sample);
      await run(h.mx, side, 50, stored, sample);
    } finally {
      await cpu?.close();
    }
  } finally {
    await h.close();
  }
}

async function postfix(): Promise<void> {
  const missing = baselineMissing();
  if (missing) { notes.push(`Postfix + Dovecot: not run: ${missing}`); return; }
  const p = await startPostfixDovecot();
  try {
    const sample: CpuSampler = async () => ({ 'postfix+dovecot': p.pids.reduce((n, pid) => n + treeMs(pid), 0) });
    await run(p.port, 'postfix+dovecot-lmtp', 1, () => p.stored(), sample);
    await run(p.port, 'postfix+dovecot-lmtp', 50, () => p.stored(), sample);
  } finally {
    await p.stop();
  }
}

/**
 * CPU of the PostgreSQL backends serving the bench's database (pg_stat_activity), summed over
 * every backend seen so far: a backend's time is kept after it is last seen (the pool closes
 * idle connections), so what it spent after the last sample before it exited is missed.
 */
function postgresCpu(url: string) {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  const seen = new Map<number, number>();
  return {
    async sample(): Promise<number> {
      await connected;
      const r = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      for (const { pid } of r.rows) seen.set(pid, Math.max(seen.get(pid) ?? 0, processMs(pid)));
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
    close: () => client.end(),
  };
}

const started = new Date();
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
if (ONLY.includes('sqlite')) await hearth('hearth sqlite', undefined);
if (ONLY.includes('postgres')) {
  const skip = await postgresSkipReason();
  if (skip) notes.push(`Hearth on PostgreSQL: not run: ${skip}`);
  else {
    const db = await freshPostgresUrl();
    try { await hearth('hearth postgres', db.url); } finally { await db.drop(); }
  }
}
if (ONLY.includes('postfix')) await postfix();
console.log(`${started.toISOString()}, ${TOTAL} messages of ${BODY.length + 120} bytes per run to ${USERS} mailboxes, load average before ${loadBefore}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
console.log('| side | connections | messages | accepted (250) | durably stored | p50 | p99 | CPU ms per message |\n| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.side} | ${r.connections} | ${r.messages} | ${r.accepted} | ${r.stored} | ${r.p50} | ${r.p99} | ${r.cpu} |`);
for (const n of notes) console.log(`\n${n}`);
