// A bench's server in a process of its own, so its CPU is measured apart from the bench's client.
// The child answers messages with one-key objects ({ base }, { cpu }, ...); `ask` sends a message and
// waits for the answer under that key, or fails when the child exits.
import { fork } from 'node:child_process';

export interface ServerProcess {
  ask: <T>(message: string, key: string) => Promise<T>;
  close: () => Promise<void>;
}

export function forkServer(script: URL, env: Record<string, string>, name: string): ServerProcess {
  const child = fork(script.pathname, [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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
