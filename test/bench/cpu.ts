/**
 * CPU time of processes and threads from /proc (Linux), for benches on a shared machine where
 * wall-clock rates are noisy: what one side spent per message is steadier than how fast it went.
 * Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime) are in clock ticks (1/100 s on
 * Linux), so a figure is meaningful over a run of seconds, not per message.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10;

/** utime + stime (+ cutime + cstime with `children`) of one /proc stat file, in ms; 0 when gone. */
function statMs(path: string, children: boolean): number {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return 0; }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks * TICK_MS;
}

/** This process's main thread (the event loop Hearth's server runs on; the load client is a worker). */
export const mainThreadMs = () => statMs(`/proc/${process.pid}/task/${process.pid}/stat`, false);

/** One process, its threads included. */
export const processMs = (pid: number) => statMs(`/proc/${pid}/stat`, false);

/**
 * A process and every descendant alive now, with the time of reaped children (cutime, cstime):
 * Postfix's master and Dovecot with the daemons they start and stop.
 */
export function treeMs(root: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited meanwhile */ }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let ms = 0;
  for (const pid of parent.keys()) if (inTree(pid)) ms += statMs(`/proc/${pid}/stat`, true);
  return ms;
}
