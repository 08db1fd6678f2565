/** Shared bits of the DAV interop tests: is a tool installed, run it, a server with a user. */
import { spawn, spawnSync } from 'node:child_process';
import { createDavHarness, type DavHarness } from '../../protocols/dav/harness.js';

export function missing(cmd: string, probe: string[] = ['--version']): string | false {
  const r = spawnSync(cmd, probe, { stdio: 'ignore' });
  return r.error || r.status === null ? `${cmd} is not installed: skipping` : false;
}

export function pythonCaldavMissing(): string | false {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import caldav'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? 'python3-caldav is not installed (/usr/bin/python3 -c "import caldav" failed): skipping' : false;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { out += b; });
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${cmd} timed out:\n${out}`)); }, opts.timeoutMs ?? 120_000);
    p.on('error', (e) => { clearTimeout(t); reject(e); });
    p.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? -1, out }); });
    p.stdin.end(opts.input ?? '');
  });
}

export interface Served { h: DavHarness; url: string; user: string; password: string }

export async function serve(): Promise<Served> {
  const h = await createDavHarness();
  const user = 'alice@interop.test';
  const password = 'Interop-alice-pass';
  await h.addUser(user, password, { displayName: 'Alice Interop' });
  await h.addUser('bob@interop.test', 'Interop-bob-pass');
  return { h, url: await h.listen(), user, password };
}
