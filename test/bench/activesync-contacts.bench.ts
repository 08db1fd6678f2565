/**
 * ActiveSync contacts benchmark (issue 14): Hearth and, when ZPUSH_DIR is set, Z-Push 2.7.1 with
 * its BackendVCardDir, each a server process of its own over HTTP on loopback, driven by the same
 * test device (our WBXML codec, in this process) on the same 1,000 vCard 3.0 contacts:
 *   npm run bench -- activesync-contacts
 * 1. Initial sync at WindowSize 100: a first device (Hearth converts every item), then a second
 *    device of the same user (Hearth's converted versions come from its cache; Z-Push has none).
 * 2. Ping held, a store write wakes it, then the Sync that returns the one changed item.
 * 3. Ping round trip with a change pending (answered at once).
 * Median (min-max) of BENCH_RUNS (default 5) after one warm-up. Server time is the CPU time of
 * the server process alone (Hearth: process.cpuUsage over IPC, activesync-server.ts; Z-Push:
 * utime + stime of the php process from /proc, 10 ms ticks, summed over a run and divided), so
 * the device's own WBXML codec is not counted for either. Requests per second per core = 1000 /
 * server CPU ms per request. On a loaded machine wall time is mostly the wait for a core.
 * BENCH_CPU_PROF=DIR writes V8 CPU profiles of Hearth's server during the measured spans only.
 *
 * Z-Push is not in Debian; to get it (nothing of it is kept in this repository):
 *   - its source tree at tag 2.7.1 (github Z-Hub/Z-Push; `git archive 2.7.1 | tar x -C /work/zpush`),
 *   - `apt-get install php-cli php-mbstring php-xml php-intl php-soap` (PHP 8.2 in bookworm;
 *     php-cli brings OPcache, which is enabled for the CLI server as php-fpm has it),
 *   - `ZPUSH_DIR=/work/zpush npm run bench -- activesync-contacts` (the tree's root or its src/).
 * The benchmark copies src/ to a temporary directory and sets there: BACKEND_PROVIDER
 * 'BackendVCardDir', STATE_DIR and LOGFILEDIR in the temporary directory, LOGLEVEL_ERROR (less
 * logging than its default INFO), PING_INTERVAL 1 (Z-Push polls a DiffBackend for changes while a
 * Ping is held, every PING_INTERVAL seconds: 30 by default), TIMEZONE UTC, VCARDDIR_DIR the
 * directory of the 1,000 .vcf files. One code change in that copy: BackendVCardDir inherits
 * GetSupportedASVersion() = '2.5' from Backend, which Z-Push 2.7 no longer accepts (ZP-604: only
 * 12.0-14.1), so every request fails with "AS version '2.5' reported by the backend is not
 * supported"; the copy returns '14.1' instead (the version the device speaks). Z-Push runs under
 * `php -S` (one process, requests in turn, as this device sends them); as root it runs as
 * www-data, since Z-Push refuses state and log directories owned by root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { forkServer } from './server-process.js';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { childText, el } from '../../protocols/activesync/wbxml/types.js';
import { collection, commands, keyOf, phone, primed, sync } from '../protocols/activesync/sync/helpers.js';
import { benchContact, BENCH_CONTACT_PASSWORD as PW, BENCH_CONTACT_USER as USER } from './activesync-contacts-data.js';
import { httpApp } from './eas-http.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const P = 'Ping';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], d = 1) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
const freePort = () => new Promise<number>((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => res(p)); }); });

interface Target {
  name: string;
  app: FastifyInstance;
  /** CPU milliseconds the server process has used so far. */
  cpu(): Promise<number>;
  /** Make every contact a new version, so that the next device converts all of them again. */
  touch(): Promise<void>;
  /** Change the nth contact. */
  change(n: number): Promise<void>;
  /** Profile the server from start(); stop(name) writes it (BENCH_CPU_PROF, Hearth only). */
  prof?: { start(): Promise<void>; stop(name: string): Promise<void> };
  /** Ping round trips per run (Z-Push's are slow). */
  pings: number;
  close(): Promise<void>;
}

/** Hearth in its own process (activesync-server.ts). BENCH_CPU_PROF=DIR writes CPU profiles of the measured spans there. */
async function hearth(): Promise<Target> {
  const prof = process.env.BENCH_CPU_PROF;
  const { ask, close } = forkServer(new URL('./activesync-server.ts', import.meta.url), { BENCH_CONTACTS: String(CONTACTS) }, 'Hearth');
  const base = await ask<string>('', 'base');
  return {
    name: 'Hearth', app: httpApp(base), pings: 200,
    prof: prof ? { start: async () => { await ask('prof:start', 'prof'); }, stop: async (name) => { await ask(`prof:stop:${name}`, 'prof'); } } : undefined,
    cpu: () => ask<number>('cpu', 'cpu'),
    touch: async () => { await ask('touch', 'touched'); },
    change: async (n) => { await ask(`change:${n}`, 'changed'); },
    close,
  };
}

/** Z-Push from ZPUSH_DIR (see the header), or the reason it cannot run. */
async function zpush(dir: string): Promise<Target | string> {
  const src = existsSync(join(dir, 'src', 'index.php')) ? join(dir, 'src') : dir;
  if (!existsSync(join(src, 'backend', 'vcarddir', 'vcarddir.php'))) return `${dir} holds no Z-Push source tree (src/backend/vcarddir/vcarddir.php)`;
  if (spawnSync('php', ['-v'], { stdio: 'ignore' }).error) return 'php is not installed (apt-get install php-cli php-mbstring php-xml php-intl php-soap)';
  const tmp = mkdtempSync(join(tmpdir(), 'zpush-bench-'));
  const root = join(tmp, 'zpush');
  cpSync(src, root, { recursive: true });
  for (const d of ['state', 'log', 'vc']) mkdirSync(join(tmp, d));
  const edit = (file: string, edits: [RegExp, string][]) => {
    let text = readFileSync(join(root, file), 'utf8');
    for (const [re, to] of edits) { if (!re.test(text)) throw new Error(`Z-Push ${file}: ${re} not found`); text = text.replace(re, to); }
    writeFileSync(join(root, file), text);
  };
  const define = (name: string, value: string): [RegExp, string] => [new RegExp(`define\\('${name}',[^;]*\\);`), `define('${name}', ${value});`];
  edit('config.php', [
    define('BACKEND_PROVIDER', "'BackendVCardDir'"), define('STATE_DIR', `'${tmp}/state/'`), define('LOGFILEDIR', `'${tmp}/log/'`),
    define('LOGLEVEL', 'LOGLEVEL_ERROR'), define('PING_INTERVAL', '1'), define('TIMEZONE', "'UTC'"),
  ]);
  edit('backend/vcarddir/config.php', [define('VCARDDIR_DIR', `'${tmp}/vc'`)]);
  if (!/function GetSupportedASVersion/.test(readFileSync(join(root, 'backend/vcarddir/vcarddir.php'), 'utf8'))) {
    edit('backend/vcarddir/vcarddir.php', [[/class BackendVCardDir extends BackendDiff \{/, '$&\n    public function GetSupportedASVersion() { return ZPush::ASV_141; }']]);
  }
  for (let i = 0; i < CONTACTS; i++) writeFileSync(join(tmp, 'vc', `c${i}.vcf`), benchContact(i));
  // Z-Push refuses root-owned state and log directories when run as root: run it as www-data.
  let ids: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).stdout);
    const gid = Number(spawnSync('id', ['-g', 'www-data'], { encoding: 'utf8' }).stdout);
    if (!uid) return 'running as root and there is no www-data user to run Z-Push as';
    ids = { uid, gid };
    spawnSync('chown', ['-R', `${uid}:${gid}`, tmp]);
  }
  const port = await freePort();
  const php: ChildProcess = spawn('php', ['-d', 'opcache.enable_cli=1', '-d', 'memory_limit=512M', '-S', `127.0.0.1:${port}`, 'index.php'], { cwd: root, stdio: 'ignore', ...ids });
  const exited = new Promise((res) => php.once('exit', res));
  const app = httpApp(`http://127.0.0.1:${port}`);
  for (let i = 0; ; i++) {
    try { await app.inject({ method: 'GET', url: '/', headers: {} }); break; } catch (e) { if (i > 100) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  let mtime = Math.floor(Date.now() / 1000) + 10;
  const cpu = async () => { const f = readFileSync(`/proc/${php.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  return {
    name: 'Z-Push', app, pings: 30, cpu,
    touch: async () => {},
    // BackendVCardDir versions a contact by its file's mtime, in seconds: give each change its own.
    change: async (n) => {
      const file = join(tmp, 'vc', `c${n}.vcf`);
      writeFileSync(file, benchContact(n, `changed ${mtime}`));
      if (ids.uid !== undefined) chownSync(file, ids.uid, ids.gid!);
      utimesSync(file, mtime, mtime++);
    },
    close: async () => { php.kill(); await exited; rmSync(tmp, { recursive: true, force: true }); },
  };
}

interface Result { wall: Record<string, number[]>; cpu: Record<string, number[]>; pingStatuses: string }

async function measure(t: Target): Promise<Result> {
  console.error(`measuring ${t.name} ...`);
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const add = (k: string, w: number, c: number) => { (wall[k] ??= []).push(w); (cpu[k] ??= []).push(c); };
  // primed(): one SyncKey 0 request, then one request per window.
  const requests = 1 + Math.ceil(CONTACTS / 100);
  let id = '';
  for (let r = 0; r <= RUNS; r++) {
    await t.touch();
    for (const label of ['first device', 'second device']) {
      const p = await phone({ app: t.app } as never, USER, PW, `B${r}${label.length}`, '14.1');
      id = p.folders['9'];
      await t.prof?.start();
      const t0 = performance.now();
      const c0 = await t.cpu();
      const { items } = await primed(p, id);
      const c = (await t.cpu()) - c0;
      await t.prof?.stop(`${label.replace(' ', '-')}-${r}`);
      const ms = performance.now() - t0;
      if (items.length !== CONTACTS) throw new Error(`${t.name}: synced ${items.length} of ${CONTACTS}`);
      if (r > 0) add(`initial sync, ${label}: ms per window`, ms / requests, c / requests);
    }
  }
  // 2. Ping, write, wake, Sync of one item.
  const p = await phone({ app: t.app } as never, USER, PW, 'BPING', '14.1');
  let { key } = await primed(p, id);
  const pingBody = el(P, 'Ping', [
    el(P, 'HeartbeatInterval', '300'),
    el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Contacts')])]),
  ]);
  await t.prof?.start();
  for (let r = 0; r <= RUNS; r++) {
    const c0 = await t.cpu();
    const ping = p.dev.send('Ping', pingBody);
    await new Promise((res) => setTimeout(res, 200)); // let the Ping be held before the write
    const t0 = performance.now();
    await t.change(r);
    const answer = await ping;
    const s = await sync(p, { key, id, windowSize: 100 });
    const ms = performance.now() - t0;
    const c = collection(s.doc, id);
    if (commands(c).length !== 1 || answer.status !== 200 || childText(answer.doc!, 'Status') !== '2') throw new Error(`${t.name}: expected one change`);
    key = keyOf(c);
    if (r > 0) add('Ping held, woken by a write + Sync of the one change: ms per cycle', ms, (await t.cpu()) - c0);
  }
  await t.prof?.stop('ping-wake');
  // 3. Ping round trips answered at once (a change is pending and stays pending). Z-Push's loop
  // detection answers Status 7 (FolderSync required) from the third such Ping without a Sync on:
  // those answers count as its round trips (they skip its look for changes) and are reported.
  const statuses: Record<string, number> = {};
  await t.change(RUNS + 1);
  await t.prof?.start();
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    const c0 = await t.cpu();
    for (let i = 0; i < t.pings; i++) {
      const a = await p.dev.send('Ping', pingBody);
      const status = childText(a.doc!, 'Status')!;
      if (status !== '2' && !(t.name === 'Z-Push' && status === '7')) throw new Error(`${t.name}: Ping status ${status}`);
      if (r > 0) statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const c = (await t.cpu()) - c0;
    if (r > 0) add('Ping round trip, change pending: ms per request', (performance.now() - t0) / t.pings, c / t.pings);
  }
  await t.prof?.stop('ping');
  return { wall, cpu, pingStatuses: Object.entries(statuses).map(([k, v]) => `${v} x Status ${k}`).join(', ') };
}

async function main(): Promise<void> {
  const targets: Target[] = [];
  const results: Result[] = [];
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  try {
    targets.push(await hearth());
    const dir = process.env.ZPUSH_DIR;
    const z = dir ? await zpush(dir) : 'ZPUSH_DIR is not set (see the header of this file)';
    if (typeof z === 'string') console.log(`Z-Push left out: ${z}`);
    else targets.push(z);
    const before = load();
    for (const t of targets) results.push(await measure(t));
    console.log(`${CONTACTS} contacts, WindowSize 100, median (min-max) of ${RUNS} runs after a warm-up; load average ${before} before, ${load()} after`);
    console.log('Server CPU ms (the server process alone) and wall ms; Initial sync per request (SyncKey 0 + 10 windows); Ping cycle: Ping + write + Sync');
    const keys = Object.keys(results[0].cpu);
    console.table(keys.flatMap((k) => [
      Object.fromEntries([['measure', `${k}, server CPU`], ...targets.map((t, i) => [t.name, spread(results[i].cpu[k], 2)]),
        ...(targets.length > 1 ? [['Z-Push / Hearth', `${(median(results[1].cpu[k]) / median(results[0].cpu[k])).toFixed(1)}x`]] : [])]),
      Object.fromEntries([['measure', `${k}, wall`], ...targets.map((t, i) => [t.name, spread(results[i].wall[k], 2)]),
        ...(targets.length > 1 ? [['Z-Push / Hearth', `${(median(results[1].wall[k]) / median(results[0].wall[k])).toFixed(1)}x`]] : [])]),
    ]));
    const perCore = (i: number, k: string, n = 1) => (1000 * n / median(results[i].cpu[k])).toFixed(0);
    console.table(targets.map((t, i) => ({
      server: t.name,
      'Ping wake + Sync cycles per second per core': perCore(i, keys[2]),
      'Ping round trips per second per core': perCore(i, keys[3]),
      'Ping round trip answers': results[i].pingStatuses,
    })));
  } finally {
    for (const t of targets.reverse()) await t.close().catch((e: Error) => console.error(`close ${t.name}: ${e.message}`));
  }
}

await main();
