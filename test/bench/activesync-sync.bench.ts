/**
 * ActiveSync Sync engine benchmark.
 *   node --import tsx --expose-gc test/bench/activesync-sync.bench.ts [--postgres]
 *
 * 1. Initial sync of 5,000 contacts and 2,000 events by one device, WindowSize 100 per collection
 *    (both collections in each request): seconds, requests, bytes.
 * 2. 2,000 Pings held at once over real loopback sockets (1,000 users x 2 devices; the client runs
 *    in a child process so that its objects are not in the server's heap): server heap per held
 *    Ping (heapUsed after gc, before/after), and wake-up latency after a store write
 *    (write -> the client has the answer), p50/p99.
 * Credentials are checked by a stub (the benchmark measures the engine, not scrypt); the domain
 * does not require provisioning.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { activesyncPlugin } from '../../protocols/activesync/plugin.js';
import { decodeWbxml, encodeWbxml } from '../../protocols/activesync/wbxml/index.js';
import { child, childText, children, el } from '../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../protocols/activesync/sync/push.js';
import { SETTINGS } from '../protocols/activesync/harness.js';
import { freshPostgresUrl } from '../helpers/stores.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 5000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const PINGS = Number(process.env.BENCH_PINGS ?? 2000);
const DEVICES_PER_USER = 2;
const AS = 'AirSync';
const gc = (globalThis as { gc?: () => void }).gc;

function vcf(i: number): string {
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-contact-${i}\r\nFN:Person ${i} Example\r\nN:Example;Person ${i};;;\r\n` +
    `TEL;TYPE=CELL:+49 170 ${String(1000000 + i)}\r\nTEL;TYPE=WORK:+49 30 ${String(2000000 + i)}\r\nEMAIL;TYPE=INTERNET:person${i}@example.org\r\n` +
    `ADR;TYPE=WORK:;;Street ${i};Berlin;;10${String(i % 1000).padStart(3, '0')};Germany\r\nORG:Company ${i % 97}\r\nTITLE:Engineer\r\n` +
    `NOTE:Met at conference ${i % 31}.\r\nX-CUSTOM-FIELD:keep ${i}\r\nEND:VCARD\r\n`;
}

function ics(i: number): string {
  const day = new Date(Date.now() - 365 * 86_400_000 + (i % 730) * 86_400_000 + (i % 10) * 3_600_000);
  const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const rrule = i % 50 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=20\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-event-${i}\r\nDTSTAMP:20250101T000000Z\r\n` +
    `DTSTART:${f(day)}\r\nDTEND:${f(new Date(day.getTime() + 3_600_000))}\r\n${rrule}SUMMARY:Event ${i}\r\nLOCATION:Room ${i % 12}\r\n` +
    `DESCRIPTION:Benchmark event number ${i} with some text to make it realistic.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

const stubAuth = (store: Store): Authenticator => ({
  async verify(login) {
    const account = await store.getAccount(login);
    return account ? { ok: true, account } : { ok: false, reason: 'invalid' };
  },
  hashPassword: async () => 'x',
  forget() {},
});

async function server(store: Store): Promise<FastifyInstance> {
  const ctx: ProtocolContext = {
    store, auth: stubAuth(store), log: pino({ level: 'silent' }), now: () => Date.now(),
    settings: { ...SETTINGS, activesync: { ...SETTINGS.activesync, maxHeartbeat: 3540 } },
  };
  const app = Fastify({ logger: false });
  await app.register(activesyncPlugin, { ctx });
  await app.ready();
  return app;
}

const auth = (user: string) => 'Basic ' + Buffer.from(`${user}:x`).toString('base64');

async function initialSync(store: Store, domainId: number): Promise<void> {
  const account = await store.createAccount({ domainId, email: 'sync@bench.test' });
  const contacts = (await store.findFolderByRole(account.id, 'contacts'))!.id;
  const calendar = (await store.findFolderByRole(account.id, 'calendar'))!.id;
  const t0 = performance.now();
  for (let i = 0; i < CONTACTS; i += 500) {
    await store.createItems(Array.from({ length: Math.min(500, CONTACTS - i) }, (_, j) => ({ folderId: contacts, name: `c${i + j}.vcf`, ...ITEM_CLASSES.Contacts.fields(vcf(i + j)) })));
  }
  for (let i = 0; i < EVENTS; i += 500) {
    await store.createItems(Array.from({ length: Math.min(500, EVENTS - i) }, (_, j) => ({ folderId: calendar, name: `e${i + j}.ics`, ...ITEM_CLASSES.Calendar.fields(ics(i + j)) })));
  }
  console.log(`  loaded ${CONTACTS} contacts + ${EVENTS} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = await server(store);
  let requests = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  const send = async (body: ReturnType<typeof el>) => {
    const payload = encodeWbxml(body);
    const r = await app.inject({
      method: 'POST', url: '/Microsoft-Server-ActiveSync?Cmd=Sync&User=sync&DeviceId=BENCHSYNC1&DeviceType=iPhone', payload,
      headers: { authorization: auth('sync@bench.test'), 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml' },
    });
    requests++;
    bytesOut += payload.length;
    bytesIn += r.rawPayload.length;
    if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`);
    return decodeWbxml(r.rawPayload);
  };
  const col = (key: string, id: number, window = false) => el(AS, 'Collection', [el(AS, 'SyncKey', key), el(AS, 'CollectionId', String(id)),
    ...(window ? [el(AS, 'WindowSize', '100'), el(AS, 'Options', [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'TruncationSize', '32768')])])] : [])]);
  const start = performance.now();
  let doc = await send(el(AS, 'Sync', [el(AS, 'Collections', [col('0', contacts), col('0', calendar)])]));
  const keys = new Map<number, string>();
  const pending = new Set([contacts, calendar]);
  const counts = new Map<number, number>([[contacts, 0], [calendar, 0]]);
  for (const c of children(child(doc, 'Collections', AS)!, 'Collection', AS)) keys.set(Number(childText(c, 'CollectionId', AS)), childText(c, 'SyncKey', AS)!);
  while (pending.size) {
    doc = await send(el(AS, 'Sync', [el(AS, 'Collections', [...pending].map((id) => col(keys.get(id)!, id, true)))]));
    for (const c of children(child(doc, 'Collections', AS)!, 'Collection', AS)) {
      const id = Number(childText(c, 'CollectionId', AS));
      keys.set(id, childText(c, 'SyncKey', AS)!);
      const cmds = child(c, 'Commands', AS);
      counts.set(id, counts.get(id)! + (cmds ? cmds.children.length : 0));
      if (!child(c, 'MoreAvailable', AS)) pending.delete(id);
    }
  }
  const secs = (performance.now() - start) / 1000;
  if (counts.get(contacts) !== CONTACTS || counts.get(calendar) !== EVENTS) throw new Error(`got ${counts.get(contacts)} contacts, ${counts.get(calendar)} events`);
  console.log(`  initial sync: ${secs.toFixed(2)} s, ${requests} requests, ${(bytesIn / 1e6).toFixed(2)} MB down, ${(bytesOut / 1e3).toFixed(1)} KB up` +
    ` (${(CONTACTS + EVENTS) / secs | 0} items/s)`);
  await app.close();
}

const CLIENT = `
const http = require('node:http');
const bodies = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));
const port = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let round = 0;
function fire() {
  round++;
  const r0 = round;
  for (const b of bodies) {
    const payload = Buffer.from(b.body, 'base64');
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent,
      path: '/Microsoft-Server-ActiveSync?Cmd=Ping&User=u&DeviceId=' + b.device + '&DeviceType=Android',
      headers: { authorization: b.auth, 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml', 'content-length': payload.length } },
      (res) => { const parts = []; res.on('data', (d) => parts.push(d)); res.on('end', () => {
        process.stdout.write(JSON.stringify({ round: r0, i: b.i, at: performance.timeOrigin + performance.now(), status: res.statusCode, len: Buffer.concat(parts).length }) + '\\n'); }); });
    req.on('error', (e) => process.stdout.write(JSON.stringify({ round: r0, i: b.i, error: e.message }) + '\\n'));
    req.end(payload);
  }
}
process.stdin.on('data', () => fire());
`;

async function heldPings(store: Store, domainId: number): Promise<void> {
  const users = Math.ceil(PINGS / DEVICES_PER_USER);
  const folders: number[] = [];
  const t0 = performance.now();
  for (let u = 0; u < users; u++) {
    const a = await store.createAccount({ domainId, email: `p${u}@bench.test` });
    folders.push((await store.findFolderByRole(a.id, 'contacts'))!.id);
  }
  console.log(`  created ${users} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = await server(store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const bodies = Array.from({ length: PINGS }, (_, i) => {
    const u = i % users;
    const body = encodeWbxml(el('Ping', 'Ping', [el('Ping', 'HeartbeatInterval', '900'), el('Ping', 'Folders', [el('Ping', 'Folder', [el('Ping', 'Id', String(folders[u])), el('Ping', 'Class', 'Contacts')])])]));
    return { i, device: `BENCHPING${i}`, auth: auth(`p${u}@bench.test`), body: Buffer.from(body).toString('base64') };
  });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  writeFileSync(join(dir, 'bodies.json'), JSON.stringify(bodies));
  const client = spawn(process.execPath, ['-e', CLIENT, join(dir, 'bodies.json'), String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: { round: number; i: number; at: number; status?: number; error?: string }[] = [];
  let buf = '';
  client.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) { answers.push(JSON.parse(buf.slice(0, nl))); buf = buf.slice(nl + 1); }
  });
  const hub = pushHubFor(store);
  const waitFor = async (cond: () => boolean, what: string, ms = 120_000) => {
    const end = Date.now() + ms;
    while (!cond()) { if (Date.now() > end) throw new Error(`timeout waiting for ${what}`); await new Promise((r) => setTimeout(r, 20)); }
  };
  const heap = () => { gc?.(); gc?.(); return process.memoryUsage().heapUsed; };

  const round = async (r: number) => {
    const before = heap();
    client.stdin.write('go\n');
    await waitFor(() => hub.size === PINGS, `${PINGS} held pings (have ${hub.size})`);
    await new Promise((res) => setTimeout(res, 300));
    const held = heap();
    // Wake every user: one store write per user, as CalDAV or another device would make it.
    const writeAt = new Map<number, number>();
    for (let u = 0; u < users; u++) {
      writeAt.set(u, performance.timeOrigin + performance.now());
      await store.createItem({ folderId: folders[u], name: `r${r}-${u}.vcf`, ...ITEM_CLASSES.Contacts.fields(vcf(1_000_000 + r * users + u)) });
    }
    await waitFor(() => answers.filter((a) => a.round === r).length === PINGS, 'answers');
    const mine = answers.filter((a) => a.round === r);
    const bad = mine.filter((a) => a.status !== 200 || a.error);
    const lat = mine.map((a) => a.at - writeAt.get(a.i % users)!).sort((x, y) => x - y);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
    return { before, held, lat, q, bad: bad.length };
  };
  await round(1); // warm-up (JIT, pools)
  const m = await round(2);
  const perPing = (m.held - m.before) / PINGS;
  console.log(`  ${PINGS} held Pings: ${(perPing / 1024).toFixed(1)} KB server heap per held Ping (heapUsed ${(m.before / 1e6).toFixed(1)} -> ${(m.held / 1e6).toFixed(1)} MB${gc ? '' : ', no --expose-gc: unreliable'})`);
  console.log(`  wake-up after a store write: p50 ${m.q(0.5).toFixed(1)} ms, p99 ${m.q(0.99).toFixed(1)} ms, max ${m.lat[m.lat.length - 1].toFixed(1)} ms; failed answers: ${m.bad}`);
  client.kill();
  rmSync(dir, { recursive: true, force: true });
  await app.close();
}

async function run(name: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>): Promise<void> {
  console.log(`${name}:`);
  const { store, dispose } = await open();
  try {
    const domain = await store.createDomain({ name: 'bench.test', settings: { activesyncPolicy: { requireProvisioning: false } } });
    await initialSync(store, domain.id);
    await heldPings(store, domain.id);
  } finally {
    await dispose();
  }
}

await run('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-store-'));
  const store = await openStore(undefined, dir);
  return { store, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
});
if (process.argv.includes('--postgres')) {
  await run('PostgreSQL', async () => {
    const db = await freshPostgresUrl();
    const store = await openStore(db.url, '/nonexistent');
    return { store, dispose: async () => { await store.close(); await db.drop(); } };
  });
}
