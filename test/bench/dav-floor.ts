/**
 * The fixed cost of a DAV request in Hearth: server CPU per request over many requests in a row
 * (after a warm-up) for a trivial authenticated request and for calendar-multigets of 1 and 100
 * hrefs, Hearth in its own process (dav-server.ts) as in dav.bench.ts. Not a benchmark of the suite;
 * run by hand: node --import tsx test/bench/dav-floor.ts [requests], or built: node
 * dist/test/bench/dav-floor.js. DAV_FLOOR_PROF=DIR writes a
 * CPU profile of the server (node --cpu-prof) into DIR. DAV_BENCH_DATABASE: PostgreSQL.
 */
import { fork } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { basic } from '../protocols/dav/harness.js';
import { BENCH_PASSWORD as PW, BENCH_USER as USER } from './dav-events.js';

const N = Number(process.argv[2] ?? 2000);
const prof = process.env.DAV_FLOOR_PROF;
// Built (dist/, for a profile with line numbers) it runs the built server, from source through tsx.
const built = import.meta.url.endsWith('.js');
const child = fork(new URL(built ? './dav-server.js' : './dav-server.ts', import.meta.url).pathname, [], {
  execArgv: [...(built ? [] : ['--import', 'tsx']), ...(prof ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${prof}`] : [])],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, DAV_BENCH_EVENTS: process.env.DAV_BENCH_EVENTS ?? '10000' },
});
const ask = <T>(m: string, key: string) => new Promise<T>((res) => {
  const on = (r: Record<string, T>) => { if (key in r) { child.off('message', on); res(r[key]); } };
  child.on('message', on);
  if (m) child.send(m);
});
const base = await ask<string>('', 'base');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const auth = basic(USER, PW);
const cal = `/dav/calendars/${USER}/bench/`;
const req = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => new Promise<number>((res, rej) => {
  const u = new URL(base + path);
  const r = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, agent, headers: { authorization: auth, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (m) => {
    m.on('data', () => {}); m.on('end', () => res(m.statusCode ?? 0)); m.on('error', rej);
  });
  r.on('error', rej); r.end(body);
});
const XML = { 'content-type': 'application/xml; charset=utf-8' };
const multiget = (hrefs: string[]) => `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${h}</d:href>`).join('')}</c:calendar-multiget>`;
const hrefs = Array.from({ length: 100 }, (_, i) => `${cal}bench-${i * 97}.ics`);
const ops: [string, () => Promise<number>][] = [
  ['OPTIONS (no body)', () => req('OPTIONS', cal)],
  ['PROPFIND Depth 0 getetag on the calendar', () => req('PROPFIND', cal, '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>', { ...XML, depth: '0' })],
  ['GET one event', () => req('GET', `${cal}bench-5.ics`)],
  ['calendar-multiget, 1 href', () => req('REPORT', cal, multiget(hrefs.slice(0, 1)), { ...XML, depth: '1' })],
  ['calendar-multiget, 100 hrefs', () => req('REPORT', cal, multiget(hrefs), { ...XML, depth: '1' })],
];
const only = process.env.DAV_FLOOR_ONLY;
for (const [name, fn] of ops) {
  if (only && !name.includes(only)) continue;
  for (let i = 0; i < 200; i++) { const s = await fn(); if (s >= 300) throw new Error(`${name}: ${s}`); }
  const c0 = await ask<number>('cpu', 'cpu');
  const w0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  const cpu = (await ask<number>('cpu', 'cpu')) - c0;
  console.log(`${name}: ${(cpu / N * 1000).toFixed(0)} µs CPU, ${((performance.now() - w0) / N * 1000).toFixed(0)} µs wall per request (${N})`);
}
child.send('close');
await new Promise((r) => child.once('exit', r));
