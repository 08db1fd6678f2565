/**
 * DAV benchmark: Hearth on SQLite and on PostgreSQL against Radicale (Debian `radicale`) started
 * beside it, all over HTTP on loopback, on the same 10,000-event calendar, in one run. Prints for
 * every operation the median milliseconds of each with their spread (min-max) and the ratios
 * (Radicale / Hearth), and the CPU time each server process used per run. Each operation repeats
 * until DAV_BENCH_RUNS runs (default 15) or its time budget (DAV_BENCH_BUDGET_MS, default 20 s, at
 * least 3 runs) is spent. The same rule for both servers: warm-up requests until WARMUP_COUNT were
 * made or WARMUP_MS spent (at least one), so that V8 has compiled the path as it would have on a
 * server in use (CPython has no such warm-up, but gets the same requests); and a run of a short
 * operation is REPS requests in a row (at most MAX_REPS), REPS chosen from the server's CPU during
 * the warm-up so that a run costs it about RUN_CPU_MS, the run's time and CPU divided by REPS (one
 * request per run when a request costs more). Each run reads the server's CPU twice (Hearth: over
 * IPC, which costs it a little; Radicale: /proc, in 10 ms ticks): several requests per run make
 * both small against the request.
 * Hearth runs in a process of its own (dav-server.ts), as Radicale does, so that neither server's
 * CPU includes the benchmark's HTTP client.
 * Run: npm run bench -- dav. PostgreSQL: HEARTH_TEST_POSTGRES (a fresh database, dropped after);
 * DAV_BENCH_PG=0 leaves it out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { forkServer } from './server-process.js';
import { request as httpRequest, Agent } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { basic } from '../protocols/dav/harness.js';
import { freshPostgresUrl, postgresSkipReason } from '../helpers/stores.js';
import { benchEvent as event, BENCH_PASSWORD as PW, BENCH_USER as USER } from './dav-events.js';

const EVENTS = Number(process.env.DAV_BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.DAV_BENCH_RUNS ?? 15);
const BUDGET_MS = Number(process.env.DAV_BENCH_BUDGET_MS ?? 20_000);
const MIN_RUNS = 3;
const WARMUP_COUNT = Number(process.env.DAV_BENCH_WARMUP ?? 30);
const WARMUP_MS = 3_000;
const RUN_CPU_MS = 100;
const MAX_REPS = 20;
/** DAV_BENCH_ONLY=hearth measures Hearth alone (profiling); the published table needs both. */
const ONLY_HEARTH = process.env.DAV_BENCH_ONLY === 'hearth';

const freePort = () => new Promise<number>((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });

/** `cpu`: CPU milliseconds the server process has used so far. */
interface Target { name: string; base: string; cal: string; auth: string; agent: Agent; cpu: () => Promise<number> }

/** utime + stime of a process from /proc (clock ticks of 10 ms: summed over the runs, divided after). */
const procCpu = (pid: number) => async () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

/**
 * node:http with keep-alive, no client timeouts. The answer's text is its first and last 600
 * characters (the status check and the sync-token need no more), `bytes` its length.
 */
function req(t: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; bytes: number }> {
  return new Promise((res, rej) => {
    const u = new URL(t.base + path);
    const r = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, agent: t.agent, headers: { authorization: t.auth, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (m) => {
      const chunks: Buffer[] = [];
      m.on('data', (c: Buffer) => chunks.push(c));
      m.on('end', () => {
        const all = Buffer.concat(chunks);
        res({ status: m.statusCode ?? 0, bytes: all.length, text: all.length <= 1200 ? all.toString('utf8') : `${all.subarray(0, 600).toString('utf8')}${all.subarray(-600).toString('utf8')}` });
      });
      m.on('error', rej);
    });
    r.on('error', rej);
    r.end(body);
  });
}

const XML = { 'content-type': 'application/xml; charset=utf-8' };
const propfindBody = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:getetag/><cs:getctag/></d:prop></d:propfind>';
const queryBody = '<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250601T000000Z" end="20250701T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>';
const multigetBody = (hrefs: string[]) => `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${h}</d:href>`).join('')}</c:calendar-multiget>`;
const syncBody = (token: string) => `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;

/** Wall milliseconds (median, min, max), the server's mean CPU milliseconds per run and the median of each run's (Hearth: exact clock; Radicale: 10 ms ticks, so its mean is the figure). */
interface Stat { median: number; min: number; max: number; runs: number; reps: number; cpu: number; cpuMedian: number }

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(t: Target, fn: () => Promise<void>): Promise<Stat> {
  const times: number[] = [];
  const cpus: number[] = [];
  const w0 = performance.now();
  const c0 = await t.cpu();
  let warm = 0;
  do { await fn(); warm++; } while (warm < WARMUP_COUNT && performance.now() - w0 < WARMUP_MS);
  // A request's server CPU while warming up (not its wall time, which on a loaded machine is
  // mostly the wait for a core): how many of them make a run of about RUN_CPU_MS.
  const per = ((await t.cpu()) - c0) / warm;
  const reps = Math.max(1, Math.min(MAX_REPS, Math.floor(RUN_CPU_MS / Math.max(per, 0.01))));
  const t0 = performance.now();
  while (times.length < RUNS && (times.length < MIN_RUNS || performance.now() - t0 < BUDGET_MS)) {
    const c = await t.cpu();
    const w = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    times.push((performance.now() - w) / reps);
    cpus.push(((await t.cpu()) - c) / reps);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: mid(times), min: sorted[0], max: sorted[sorted.length - 1], runs: times.length, reps, cpu: cpus.reduce((a, b) => a + b, 0) / cpus.length, cpuMedian: mid(cpus) };
}

async function measure(t: Target): Promise<Record<string, Stat>> {
  console.error(`measuring ${t.name} ...`);
  const out: Record<string, Stat> = {};
  const check = (r: { status: number; text: string }, what: string) => { if (r.status >= 300) throw new Error(`${t.name} ${what}: ${r.status} ${r.text.slice(0, 300)}`); return r; };
  out['PROPFIND Depth 1 (getetag+getctag)'] = await time(t, async () => { check(await req(t, 'PROPFIND', t.cal, propfindBody, { ...XML, depth: '1' }), 'propfind'); });
  out['calendar-query, one month'] = await time(t, async () => { check(await req(t, 'REPORT', t.cal, queryBody, { ...XML, depth: '1' }), 'query'); });
  const hrefs = Array.from({ length: 100 }, (_, i) => `${t.cal}bench-${i * 97}.ics`);
  out['calendar-multiget, 100 hrefs'] = await time(t, async () => { check(await req(t, 'REPORT', t.cal, multigetBody(hrefs), { ...XML, depth: '1' }), 'multiget'); });
  let token = '';
  out['sync-collection, initial'] = await time(t, async () => {
    const r = check(await req(t, 'REPORT', t.cal, syncBody(''), { ...XML }), 'sync');
    // The token closes the document: its tail is enough.
    token = /<[^>]*sync-token>([^<]+)</.exec(r.text.slice(-600))?.[1] ?? '';
  });
  let n = 0;
  out['PUT new event'] = await time(t, async () => { check(await req(t, 'PUT', `${t.cal}put-${n}.ics`, event(100_000 + n++).replace(/bench-(\d+)/, 'put-$1'), { 'content-type': 'text/calendar' }), 'put'); });
  // The delta lists the same 10 changes every run: its token is taken after the PUTs above (the
  // token a delta from the initial one answers), then 10 more events are put.
  const after = check(await req(t, 'REPORT', t.cal, syncBody(token), { ...XML }), 'delta');
  token = /<[^>]*sync-token>([^<]+)</.exec(after.text.slice(-600))?.[1] ?? '';
  for (let i = 0; i < 10; i++) check(await req(t, 'PUT', `${t.cal}put-${n}.ics`, event(100_000 + n++).replace(/bench-(\d+)/, 'put-$1'), { 'content-type': 'text/calendar' }), 'put');
  out['sync-collection, delta after 10 PUTs'] = await time(t, async () => { check(await req(t, 'REPORT', t.cal, syncBody(token), { ...XML }), 'delta'); });
  return out;
}

/** Hearth in its own process (dav-server.ts) over a store: SQLite in a temporary directory, or a PostgreSQL URL. */
async function hearthOn(name: string, database?: string): Promise<{ t: Target; close: () => Promise<void> }> {
  const { ask, close } = forkServer(new URL('./dav-server.ts', import.meta.url), { DAV_BENCH_EVENTS: String(EVENTS), ...(database ? { DAV_BENCH_DATABASE: database } : {}) }, name);
  const base = await ask<string>('', 'base');
  return {
    t: { name, base, cal: `/dav/calendars/${USER}/bench/`, auth: basic(USER, PW), agent: new Agent({ keepAlive: true, maxSockets: 1 }), cpu: () => ask<number>('cpu', 'cpu') },
    close,
  };
}

const fmt = (s: Stat) => `${s.median.toFixed(s.median < 10 ? 2 : 1)} (${s.min.toFixed(s.min < 10 ? 2 : 1)}-${s.max.toFixed(s.max < 10 ? 2 : 1)}, n=${s.runs}${s.reps > 1 ? `x${s.reps}` : ''})`;

async function main() {
  if (!ONLY_HEARTH && spawnSync('radicale', ['--version'], { stdio: 'ignore' }).error) { console.log('radicale is not installed: skipping the DAV benchmark'); return; }
  const events = Array.from({ length: EVENTS }, (_, i) => event(i));
  const pgSkip = process.env.DAV_BENCH_PG === '0' ? 'DAV_BENCH_PG=0' : await postgresSkipReason();
  if (pgSkip) console.log(`PostgreSQL left out: ${pgSkip}`);
  const pgDb = pgSkip ? null : await freshPostgresUrl();
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const targets: Target[] = [];
    const sqlite = await hearthOn('Hearth SQLite');
    cleanup.push(sqlite.close);
    targets.push(sqlite.t);
    if (pgDb) {
      const pg = await hearthOn('Hearth PostgreSQL', pgDb.url);
      cleanup.push(pg.close);
      targets.push(pg.t);
    }
    const results: Record<string, Stat>[] = [];
    const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
    const loadBefore = load();
    for (const t of targets) results.push(await measure(t));
    if (ONLY_HEARTH) {
      console.log(`load average ${loadBefore} before, ${load()} after`);
      console.log(`${EVENTS} events, Hearth only, median (min-max, runs x requests per run) after warm-up, milliseconds per request`);
      console.table(Object.keys(results[0]).map((k) => Object.fromEntries([['operation', k], ...targets.flatMap((t, i) => [[t.name, fmt(results[i][k])], [`${t.name} CPU mean`, results[i][k].cpu.toFixed(2)], [`${t.name} CPU median`, results[i][k].cpuMedian.toFixed(2)]])])));
      return;
    }
    // Radicale on the same events, written into its file system storage.
    const rdir = mkdtempSync(join(tmpdir(), 'radicale-bench-'));
    const calDir = join(rdir, 'collection-root', 'bench', 'bench');
    mkdirSync(calDir, { recursive: true });
    writeFileSync(join(rdir, 'collection-root', 'bench', '.Radicale.props'), '{}');
    writeFileSync(join(calDir, '.Radicale.props'), JSON.stringify({ tag: 'VCALENDAR', 'D:displayname': 'Bench' }));
    events.forEach((ics, i) => writeFileSync(join(calDir, `bench-${i}.ics`), ics));
    const port = await freePort();
    const rad: ChildProcess = spawn('radicale', ['--server-hosts', `127.0.0.1:${port}`, '--storage-filesystem-folder', rdir, '--auth-type', 'none', '--rights-type', 'owner_only', '--logging-level', 'warning'], { stdio: 'ignore' });
    const exited = new Promise((res) => rad.once('exit', res));
    cleanup.push(async () => { rad.kill(); await exited; rmSync(rdir, { recursive: true, force: true }); });
    const radicale: Target = { name: 'Radicale', base: `http://127.0.0.1:${port}`, cal: '/bench/bench/', auth: basic('bench', 'x'), agent: new Agent({ keepAlive: true, maxSockets: 1 }), cpu: procCpu(rad.pid!) };
    for (let i = 0; i < 600; i++) { try { await req(radicale, 'GET', '/.web/'); break; } catch { await new Promise((r) => setTimeout(r, 100)); } }
    const rad0 = await measure(radicale);
    console.log(`load average ${loadBefore} before Hearth, ${load()} after Radicale`);
    console.log(`${EVENTS} events, median (min-max, runs x requests per run) after warm-up, milliseconds per request; ratio = Radicale / Hearth medians`);
    console.table(Object.keys(rad0).map((k) => Object.fromEntries([
      ['operation', k], ...targets.map((t, i) => [t.name, fmt(results[i][k])]), ['Radicale', fmt(rad0[k])],
      ...targets.map((t, i) => [`ratio ${t.name.replace('Hearth ', '')}`, `${(rad0[k].median / results[i][k].median).toFixed(1)}x`]),
    ])));
    // On a loaded machine wall time mostly measures the wait for a core; CPU time per run does not.
    console.log('CPU milliseconds per request, mean over the runs (Hearth: and median); each server process alone; ratio = Radicale mean / Hearth mean (Hearth median)');
    console.table(Object.keys(rad0).map((k) => Object.fromEntries([
      ['operation', k], ...targets.map((t, i) => [t.name, `${results[i][k].cpu.toFixed(2)} (median ${results[i][k].cpuMedian.toFixed(2)})`]), ['Radicale', rad0[k].cpu.toFixed(1)],
      ...targets.map((t, i) => [`ratio ${t.name.replace('Hearth ', '')}`, `${(rad0[k].cpu / results[i][k].cpu).toFixed(1)}x (${(rad0[k].cpu / results[i][k].cpuMedian).toFixed(1)}x)`]),
    ])));
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: Error) => console.error(`cleanup: ${e.message}`));
    await pgDb?.drop();
  }
}

await main();
