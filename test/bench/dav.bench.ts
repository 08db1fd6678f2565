/**
 * DAV benchmark: Hearth against Radicale (Debian `radicale`) started beside it, both over HTTP on
 * loopback, on the same 10,000-event calendar. Prints median milliseconds per operation for
 * both and the ratio (Radicale / Hearth). Run: npm run bench -- dav
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { extractCalendarFields } from '../../src/pim/extract.js';
import { createDavHarness, basic } from '../protocols/dav/harness.js';

const EVENTS = Number(process.env.DAV_BENCH_EVENTS ?? 10_000);
const RUNS = Number(process.env.DAV_BENCH_RUNS ?? 7);
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

interface Target { name: string; base: string; cal: string; auth: string }

async function req(t: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(t.base + path, { method, body, headers: { authorization: t.auth, ...headers } });
  return { status: r.status, text: await r.text() };
}

const XML = { 'content-type': 'application/xml; charset=utf-8' };
const propfindBody = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:getetag/><cs:getctag/></d:prop></d:propfind>';
const queryBody = '<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250601T000000Z" end="20250701T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>';
const multigetBody = (hrefs: string[]) => `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${h}</d:href>`).join('')}</c:calendar-multiget>`;
const syncBody = (token: string) => `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;

async function time(fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  await fn();
  for (let i = 0; i < RUNS; i++) { const t0 = performance.now(); await fn(); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function measure(t: Target): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const check = (r: { status: number; text: string }, what: string) => { if (r.status >= 300) throw new Error(`${t.name} ${what}: ${r.status} ${r.text.slice(0, 300)}`); return r; };
  out['PROPFIND Depth 1 (getetag+getctag)'] = await time(async () => { check(await req(t, 'PROPFIND', t.cal, propfindBody, { ...XML, depth: '1' }), 'propfind'); });
  out['calendar-query, one month'] = await time(async () => { check(await req(t, 'REPORT', t.cal, queryBody, { ...XML, depth: '1' }), 'query'); });
  const hrefs = Array.from({ length: 100 }, (_, i) => `${t.cal}bench-${i * 97}.ics`);
  out['calendar-multiget, 100 hrefs'] = await time(async () => { check(await req(t, 'REPORT', t.cal, multigetBody(hrefs), { ...XML, depth: '1' }), 'multiget'); });
  let token = '';
  out['sync-collection, initial'] = await time(async () => {
    const r = check(await req(t, 'REPORT', t.cal, syncBody(''), { ...XML }), 'sync');
    token = /<[^>]*sync-token>([^<]+)</.exec(r.text)?.[1] ?? '';
  });
  let n = 0;
  out['PUT new event'] = await time(async () => { check(await req(t, 'PUT', `${t.cal}put-${n}.ics`, event(100_000 + n++).replace(/bench-(\d+)/, 'put-$1'), { 'content-type': 'text/calendar' }), 'put'); });
  out['sync-collection, delta'] = await time(async () => { check(await req(t, 'REPORT', t.cal, syncBody(token), { ...XML }), 'delta'); });
  return out;
}

async function main() {
  if (!ONLY_HEARTH && spawnSync('radicale', ['--version'], { stdio: 'ignore' }).error) { console.log('radicale is not installed: skipping the DAV benchmark'); return; }
  const events = Array.from({ length: EVENTS }, (_, i) => event(i));

  // Hearth on a temporary SQLite store, the calendar filled through the store in one transaction.
  const h = await createDavHarness();
  const account = await h.addUser(USER, PW);
  const folder = await h.store.createFolder({ accountId: account.id, name: 'Bench', kind: 'calendar', props: { davSegment: 'bench' } });
  await h.store.createItems(events.map((ics, i) => { const f = extractCalendarFields(ics); return { folderId: folder.id, name: `bench-${i}.ics`, uid: f.uid, content: ics, contentType: 'text/calendar; charset=utf-8; component=vevent', size: Buffer.byteLength(ics), componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring }; }));
  const hearth: Target = { name: 'Hearth', base: await h.listen(), cal: `/dav/calendars/${USER}/bench/`, auth: basic(USER, PW) };

  // Radicale on the same events, written into its file system storage.
  if (ONLY_HEARTH) {
    try {
      console.log(`${EVENTS} events, Hearth only, median of ${RUNS} runs after one warm-up, milliseconds`);
      const a = await measure(hearth);
      console.table(Object.keys(a).map((k) => ({ operation: k, hearth: a[k].toFixed(2) })));
    } finally { await h.close(); }
    return;
  }
  const rdir = mkdtempSync(join(tmpdir(), 'radicale-bench-'));
  const calDir = join(rdir, 'collection-root', 'bench', 'bench');
  mkdirSync(calDir, { recursive: true });
  writeFileSync(join(rdir, 'collection-root', 'bench', '.Radicale.props'), '{}');
  writeFileSync(join(calDir, '.Radicale.props'), JSON.stringify({ tag: 'VCALENDAR', 'D:displayname': 'Bench' }));
  events.forEach((ics, i) => writeFileSync(join(calDir, `bench-${i}.ics`), ics));
  const port = await freePort();
  const rad: ChildProcess = spawn('radicale', ['--server-hosts', `127.0.0.1:${port}`, '--storage-filesystem-folder', rdir, '--auth-type', 'none', '--rights-type', 'owner_only', '--logging-level', 'warning'], { stdio: 'ignore' });
  const radicale: Target = { name: 'Radicale', base: `http://127.0.0.1:${port}`, cal: '/bench/bench/', auth: basic('bench', 'x') };
  try {
    for (let i = 0; i < 100; i++) { try { await fetch(radicale.base + '/.web/'); break; } catch { await new Promise((r) => setTimeout(r, 100)); } }
    console.log(`${EVENTS} events, median of ${RUNS} runs after one warm-up, milliseconds`);
    const a = await measure(hearth);
    const b = await measure(radicale);
    const rows = Object.keys(a).map((k) => ({ operation: k, hearth: a[k].toFixed(1), radicale: b[k].toFixed(1), ratio: `${(b[k] / a[k]).toFixed(1)}x` }));
    console.table(rows);
  } finally {
    rad.kill();
    await h.close();
    rmSync(rdir, { recursive: true, force: true });
  }
}

await main();
