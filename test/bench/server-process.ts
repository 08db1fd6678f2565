// A bench's server in a process of its own, so its CPU is measured apart from the bench's client.
// The child answers messages with one-key objects ({ base }, { cpu }, ...); `ask` sends a message and
// waits for the answer under that key, or fails when the child exits.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  ask: <T>(message: string, key: string) => Promise<T>;
  close: () => Promise<void>;
}

/**
 * BENCH_DIST=1 runs the server from the compiled JavaScript (`npm run build` first: dist/ of this
 * checkout), as it is deployed, instead of through tsx, whose transform names every function
 * expression at run time (esbuild keepNames) and so adds work to each closure made.
 */
export function forkServer(script: URL, env: Record<string, string>, name: string): ServerProcess {
  const dist = process.env.BENCH_DIST === '1';
  const path = dist ? fileURLToPath(new URL(`../../dist/test/bench/${basename(script.pathname).replace(/\.ts$/, '.js')}`, import.meta.url)) : script.pathname;
  if (dist && !existsSync(path)) throw new Error(`BENCH_DIST: ${path} is missing (npm run build)`);
  const child = fork(path, [], {
    execArgv: dist ? [] : ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise((res) => child.once('exit', res));
  const died = new Promise<never>((_, rej) => child.once('exit', () => rej(new Error(`${name}: the server process exited`))));
  died.catch(() => {});
  const ask = <T>(m: string, key: string) => Promise.race([died, new Promise<T>((res) => {
    const on = (r: Record<string, T>) => { if (key in r) { child.off('message', on); res(r[key]); } };
    child.on('message', on);
    if (m) child.send(m);
  })]);
  return { ask, close: async () => { child.send('close'); await exited; } };
}
