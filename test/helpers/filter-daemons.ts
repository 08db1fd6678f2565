/**
 * Real rspamd and ClamAV clamd for the filter tests, started by the tests themselves on loopback
 * with private configuration, directories and ports (never the system services). ClamAV ships no
 * signatures here: a one-line .ndb database that detects the EICAR test string is written for
 * it. rspamd gets a minimal configuration (no DNS lookups, a tiny TLD list so that it starts in
 * seconds), the GTUBE rule built into it, and a Bayes classifier for training kept in a private
 * redis-server (as rspamd recommends; its SQLite backend is shared by the scanning and the
 * controller worker and failed training under load with "database is locked"). Readiness is
 * polled with a generous deadline: the machine may be busy.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
/** The EICAR anti-virus test file (68 bytes), https://www.eicar.org/download-anti-malware-testfile/. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

const READY_DEADLINE_MS = 240_000;

function binary(name: string, dirs: string[]): string | null {
  for (const d of [...(process.env.PATH ?? '').split(':'), ...dirs]) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return null;
}

export const rspamdBinary = binary('rspamd', ['/usr/bin']);
export const redisBinary = binary('redis-server', ['/usr/bin']);
export const clamdBinary = binary('clamd', ['/usr/sbin']);
export const rspamdSkip = !rspamdBinary ? 'rspamd is not installed (apt-get install rspamd); CI installs it'
  : !redisBinary ? 'redis-server is not installed (apt-get install redis-server): rspamd keeps its Bayes data there; CI installs it' : false;
export const clamdSkip = clamdBinary ? false : 'clamd is not installed (apt-get install clamav-daemon); CI installs it';

/** A port nobody listens on right now (the daemon binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function pollUntil(what: string, ok: () => Promise<boolean>, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${tail(logFile)}`);
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready within ${READY_DEADLINE_MS / 1000} s: ${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-8).join(' | ');
  } catch {
    return '(no log)';
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface RunningRspamd {
  url: string;
  controllerUrl: string;
  password: string;
  /** How many messages the Bayes classifier has learned as spam and as ham (read from its redis). */
  learns(): Promise<{ spam: number; ham: number }>;
  stop(): Promise<void>;
}

/** A private redis-server for rspamd's statistics: nothing saved, a free port, gone on stop. */
async function startRedis(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  if (!redisBinary) throw new Error('redis-server is not installed');
  const port = await freePort();
  const child = spawn(redisBinary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no',
    '--dir', dir, '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
  const stop = () => stopChild(child);
  try {
    await pollUntil('redis-server', () => redisPing(port), child, join(dir, 'redis.log'));
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, stop };
}

/** One inline command (RESP), its first reply line and the bulk string that may follow, or null. */
function redisCommand(port: number, command: string): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(10_000, () => { s.destroy(); resolve(null); });
    s.once('error', () => resolve(null));
    s.on('data', (d) => {
      got += d.toString();
      const line = got.indexOf('\r\n');
      if (line < 0) return;
      const head = got.slice(0, line);
      if (head.startsWith('$') && head !== '$-1') {
        const body = got.slice(line + 2);
        if (body.length < Number(head.slice(1)) + 2) return;
        s.destroy();
        resolve(body.slice(0, Number(head.slice(1))));
        return;
      }
      s.destroy();
      resolve(head === '$-1' ? '' : head);
    });
    s.write(`${command}\r\n`);
  });
}

const redisPing = async (port: number) => (await redisCommand(port, 'PING')) === '+PONG';

export async function startRspamd(): Promise<RunningRspamd> {
  if (!rspamdBinary) throw new Error('rspamd is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-rspamd-'));
  const redis = await startRedis(dir).catch((e: Error) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  const [normal, controller] = [await freePort(), await freePort()];
  const password = 'hearth-test-learn';
  writeFileSync(join(dir, 'tld.dat'), 'com\nnet\norg\ntest\nexample\n');
  writeFileSync(
    join(dir, 'rspamd.conf'),
    `
options {
  pidfile = "${dir}/rspamd.pid";
  dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }
  filters = "";
  cache_file = "${dir}/symbols.cache";
  hs_cache_dir = "${dir}/";
  url_tld = "${dir}/tld.dat";
  control_socket = "${dir}/rspamd.sock mode=0600";
  local_addrs = [];
}
logging { type = "file"; filename = "${dir}/rspamd.log"; level = "info"; }
actions { reject = 15; add_header = 6; }
classifier "bayes" {
  backend = "redis";
  servers = "127.0.0.1:${redis.port}";
  tokenizer { name = "osb"; }
  min_learns = 1;
  min_tokens = 1;
  statfile { symbol = "BAYES_SPAM"; spam = true; }
  statfile { symbol = "BAYES_HAM"; spam = false; }
}
worker "normal" { bind_socket = "127.0.0.1:${normal}"; count = 1; }
worker "controller" { bind_socket = "127.0.0.1:${controller}"; count = 1; password = "${password}"; secure_ip = "192.0.2.1"; }
`,
  );
  // As root rspamd refuses to run its workers unless told (-i); as any other user it runs as that user.
  const child = spawn(rspamdBinary, ['-f', ...(isRoot ? ['-i'] : []), '-c', join(dir, 'rspamd.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${normal}`;
  const controllerUrl = `http://127.0.0.1:${controller}`;
  const stop = async () => {
    await stopChild(child);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil(
      'rspamd',
      async () => {
        const [a, b] = await Promise.all([fetch(`${url}/ping`), fetch(`${controllerUrl}/ping`)]);
        return a.ok && b.ok;
      },
      child,
      join(dir, 'rspamd.log'),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  // rspamd's redis statistics keep each class's count of lessons as the field "learns" of its key.
  const learns = async () => {
    const n = async (key: string) => Number((await redisCommand(redis.port, `HGET ${key} learns`)) || 0);
    return { spam: await n('BAYES_SPAM'), ham: await n('BAYES_HAM') };
  };
  return { url, controllerUrl, password, learns, stop };
}

export interface RunningClamd {
  address: string;
  socket: string;
  stop(): Promise<void>;
}

export async function startClamd(opts: { streamMaxLength?: string } = {}): Promise<RunningClamd> {
  if (!clamdBinary) throw new Error('clamd is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-clamd-'));
  const port = await freePort();
  const hex = Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE').toString('hex');
  // A body signature (target 0: any file, offset *: anywhere), so it matches inside a decoded
  // MIME attachment as well as in plain text (ClamAV "Creating signatures", .ndb format).
  writeFileSync(join(dir, 'hearth-test.ndb'), `Hearth.Test.EICAR:0:*:${hex}\n`);
  const socket = join(dir, 'clamd.sock');
  writeFileSync(
    join(dir, 'clamd.conf'),
    [
      'Foreground yes',
      `DatabaseDirectory ${dir}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${socket}`,
      `PidFile ${dir}/clamd.pid`,
      `LogFile ${dir}/clamd.log`,
      `TemporaryDirectory ${dir}`,
      'ScanMail yes',
      `StreamMaxLength ${opts.streamMaxLength ?? '10M'}`,
      ...(isRoot ? ['User root'] : []),
      '',
    ].join('\n'),
  );
  const child = spawn(clamdBinary, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil('clamd', () => ping(port), child, join(dir, 'clamd.log'));
  } catch (e) {
    await stop();
    throw e;
  }
  return { address: `127.0.0.1:${port}`, socket, stop };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (d) => {
      got += d;
      if (got.includes('PONG')) {
        s.destroy();
        resolve(true);
      }
    });
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(got.includes('PONG')));
    s.on('connect', () => s.write('zPING\0'));
    s.setTimeout(5000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** True when swaks is there (the SMTP end-to-end test drives it too). */
export const hasSwaks = spawnSync('swaks', ['--version']).status === 0;
