/**
 * DAV benchmark: Hearth on SQLite and on PostgreSQL against Radicale (Debian `radicale`) started
 * beside it, all over HTTP on loopback, on the same 10,000-event calendar, in one run. Prints for
 * every operation the median milliseconds of each with their spread (min-max) and the ratios
 * (Radicale / Hearth). Each operation repeats until DAV_BENCH_RUNS runs (default 15) or its time
 * budget (DAV_BENCH_BUDGET_MS, default 20 s, at least 3 runs) is spent, after one warm-up.
 * Run: npm run bench -- dav. PostgreSQL: HEARTH_TEST_POSTGRES (a fresh database, dropped after);
 * DAV_BENCH_PG=0 leaves it out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { extractCalendarFields } from '../../src/pim/extract.js';
import { createDavHarness, basic, type DavHarness } from '../protocols/dav/harness.js';
import { freshPostgresUrl, postgresSkipReason } from '../helpers/stores.js';

const EVENTS = Number(process.env.DAV_BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.DAV_BENCH_RUNS ?? 15);
const BUDGET_MS = Number(process.env.DAV_BENCH_BUDGET_MS ?? 20_000);
const MIN_RUNS = 3;
const USER = 'bench@bench.test';
/** DAV_BENCH_ONLY=hearth measures Hearth alone (profiling); the published table needs both. */
const ONLY_HEARTH = process.env.DAV_BENCH_ONLY === 'hearth';
const PW = 'Bench-pass-1';

function event(i: number): string {
  const day = new Date(Date.UTC(2025, 0, 1) + (i % 730) * 86_400_000 + (i % 10) * 3_600_000);
  const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const rrule = i % 50 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=20\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-${i}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:${f(day)}\r\nDTEND:${f(new Date(day.getTime() + 3_600_000))}\r\n${rrule}SUMMARY:Event ${i}\r\nDESCRIPTION:Benchmark event number ${i} with some text to make it realistic.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

const freePort = () => new Promise<number>((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });

/** `cpu`: CPU milliseconds the server has used so far (Hearth: this whole process, client included; Radicale: its process). */
interface Target { name: string; base: string; cal: string; auth: string; agent: Agent; cpu: () => number }

const ownCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
/** utime + stime of a process from /proc (clock ticks of 10 ms: summed over the runs, divided after). */
const procCpu = (pid: number) => () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

/** node:http with keep-alive (leaner than fetch: the client shares the process with Hearth; no client timeouts). */
function req(t: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const u = new URL(t.base + path);
    const r = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, agent: t.agent, headers: { authorization: t.auth, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (m) => {
      const chunks: Buffer[] = [];
      m.on('data', (c: Buffer) => chunks.push(c));
      m.on('end', () => res({ status: m.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
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

/** Wall milliseconds (median, min, max) and the server's mean CPU milliseconds per run. */
interface Stat { median: number; min: number; max: number; runs: number; cpu: number }

async function time(t: Target, fn: () => Promise<void>): Promise<Stat> {
  const times: number[] = [];
  await fn();
  const c0 = t.cpu();
  const t0 = performance.now();
  while (times.length < RUNS && (times.length < MIN_RUNS || performance.now() - t0 < BUDGET_MS)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const cpu = (t.cpu() - c0) / times.length;
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], runs: times.length, cpu };
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
    // The token closes the document: search its tail only (the client shares the process with Hearth).
    token = /<[^>]*sync-token>([^<]+)</.exec(r.text.slice(-600))?.[1] ?? '';
  });
  let n = 0;
  out['PUT new event'] = await time(t, async () => { check(await req(t, 'PUT', `${t.cal}put-${n}.ics`, event(100_000 + n++).replace(/bench-(\d+)/, 'put-$1'), { 'content-type': 'text/calendar' }), 'put'); });
  out['sync-collection, delta'] = await time(t, async () => { check(await req(t, 'REPORT', t.cal, syncBody(token), { ...XML }), 'delta'); });
  return out;
}

/** Hearth over a store (SQLite in a temporary directory, or a PostgreSQL URL), the calendar filled through the store. */
async function hearthOn(name: string, events: string[], database?: string): Promise<{ t: Target; h: DavHarness }> {
  const h = await createDavHarness(database ? { database } : {});
  const account = await h.addUser(USER, PW);
  const folder = await h.store.createFolder({ accountId: account.id, name: 'Bench', kind: 'calendar', props: { davSegment: 'bench' } });
  for (let i = 0; i < events.length; i += 2000) {
    await h.store.createItems(events.slice(i, i + 2000).map((ics, j) => { const f = extractCalendarFields(ics); return { folderId: folder.id, name: `bench-${i + j}.ics`, uid: f.uid, content: ics, contentType: 'text/calendar; charset=utf-8; component=vevent', size: Buffer.byteLength(ics), componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring }; }));
  }
  return { h, t: { name, base: await h.listen(), cal: `/dav/calendars/${USER}/bench/`, auth: basic(USER, PW), agent: new Agent({ keepAlive: true, maxSockets: 1 }), cpu: ownCpu } };
}

const fmt = (s: Stat) => `${s.median.toFixed(s.median < 10 ? 2 : 1)} (${s.min.toFixed(s.min < 10 ? 2 : 1)}-${s.max.toFixed(s.max < 10 ? 2 : 1)}, n=${s.runs})`;

async function main() {
  if (!ONLY_HEARTH && spawnSync('radicale', ['--version'], { stdio: 'ignore' }).error) { console.log('radicale is not installed: skipping the DAV benchmark'); return; }
  const events = Array.from({ length: EVENTS }, (_, i) => event(i));
  const pgSkip = process.env.DAV_BENCH_PG === '0' ? 'DAV_BENCH_PG=0' : await postgresSkipReason();
  if (pgSkip) console.log(`PostgreSQL left out: ${pgSkip}`);
  const pgDb = pgSkip ? null : await freshPostgresUrl();
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const targets: Target[] = [];
    const sqlite = await hearthOn('Hearth SQLite', events);
    cleanup.push(() => sqlite.h.close());
    targets.push(sqlite.t);
    if (pgDb) {
      const pg = await hearthOn('Hearth PostgreSQL', events, pgDb.url);
      cleanup.push(() => pg.h.close());
      targets.push(pg.t);
    }
    const results: Record<string, Stat>[] = [];
    for (const t of targets) results.push(await measure(t));
    if (ONLY_HEARTH) {
      console.log(`${EVENTS} events, Hearth only, median (min-max, runs) after one warm-up, milliseconds`);
      console.table(Object.keys(results[0]).map((k) => Object.fromEntries([['operation', k], ...targets.flatMap((t, i) => [[t.name, fmt(results[i][k])], [`${t.name} CPU`, results[i][k].cpu.toFixed(2)]])])));
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
    console.log(`${EVENTS} events, median (min-max, runs) after one warm-up, milliseconds; ratio = Radicale / Hearth medians`);
    console.table(Object.keys(rad0).map((k) => Object.fromEntries([
      ['operation', k], ...targets.map((t, i) => [t.name, fmt(results[i][k])]), ['Radicale', fmt(rad0[k])],
      ...targets.map((t, i) => [`ratio ${t.name.replace('Hearth ', '')}`, `${(rad0[k].median / results[i][k].median).toFixed(1)}x`]),
    ])));
    // On a loaded machine wall time mostly measures the wait for a core; CPU time per run does not.
    console.log('CPU milliseconds per run (mean; Hearth: the whole bench process, its HTTP client included; Radicale: its process); ratio = Radicale / Hearth');
    console.table(Object.keys(rad0).map((k) => Object.fromEntries([
      ['operation', k], ...targets.map((t, i) => [t.name, results[i][k].cpu.toFixed(2)]), ['Radicale', rad0[k].cpu.toFixed(1)],
      ...targets.map((t, i) => [`ratio ${t.name.replace('Hearth ', '')}`, `${(rad0[k].cpu / results[i][k].cpu).toFixed(1)}x`]),
    ])));
  } finally {
    for (const c of cleanup.reverse()) await c().catch((e: Error) => console.error(`cleanup: ${e.message}`));
    await pgDb?.drop();
  }
}

await main();
