/**
 * The IMAP server's own CPU per operation, steadier than the bench's on a shared machine: the
 * server runs on this process's main thread and the clients (TLS included) in a worker thread, and
 * only the main thread's CPU time (/proc/self/task/<pid>/stat, user + system) over the command loop
 * is counted, so neither the clients nor other processes' load are in it. Same loop as
 * imap.bench.ts (SELECT, FETCH 20 FLAGS ENVELOPE, UID SEARCH SUBJECT, STORE) with S sessions over
 * two accounts of 200 messages. ROOT=<another checkout> measures that checkout's server instead
 * (a before/after comparison in one session); PROF=<file> writes a CPU profile of the loop.
 * Run: node --import tsx test/bench/imap-server-cpu.ts   (BACKEND=sqlite|postgres, S=8, R=40)
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync, writeFileSync } from 'node:fs';
const root = process.env.ROOT ?? new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const backend = (process.env.BACKEND ?? 'sqlite') as 'sqlite' | 'postgres';
const S = Number(process.env.S ?? 8), R = Number(process.env.R ?? 40);
const BODY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(40);
function mainCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
if (isMainThread) {
  const { startImap } = await import(`${root}/test/protocols/imap/harness.ts`);
  const h = await startImap({ backend, limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } });
  for (let u = 0; u < 2; u++) await h.t.addUser(`u${u}@bench.test`, 'Bench-secret-1');
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(new URL(import.meta.url).href)}); });`;
  const w = new Worker(boot, { eval: true, workerData: { port: h.tlsPort }, env: process.env });
  let c0 = 0; let t0 = 0;
  const { Session } = await import('node:inspector/promises');
  const insp = process.env.PROF ? new Session() : null;
  await new Promise<void>((resolve, reject) => {
    w.on('error', reject);
    w.on('message', (m) => {
      if (m === 'start') { c0 = mainCpuMs(); t0 = performance.now(); if (insp) { insp.connect(); void insp.post('Profiler.enable').then(() => insp.post('Profiler.start')); } }
      if (m === 'end') {
        if (insp) void insp.post('Profiler.stop').then(({ profile }: any) => writeFileSync(process.env.PROF!, JSON.stringify(profile)));
        const ms = mainCpuMs() - c0; const ops = S * R * 4;
        console.log(`${root} ${backend}: ${ops} ops in ${((performance.now() - t0) / 1000).toFixed(1)} s, server thread CPU per op ${(ms / ops).toFixed(3)} ms`);
        resolve();
      }
    });
  });
  await w.terminate();
  await new Promise((r) => setTimeout(r, 500));
  await h.close();
  process.exit(0);
} else {
  const { RawClient } = await import(`${root}/test/protocols/imap/harness.ts`);
  const { port } = workerData as { port: number };
  const clients: any[] = [];
  for (let s = 0; s < S; s++) {
    const c = await RawClient.connect(port, true);
    await c.until((x: string) => x.includes('\r\n'));
    await c.command('l', `LOGIN u${s % 2}@bench.test Bench-secret-1`);
    clients.push(c);
  }
  for (let u = 0; u < 2; u++) for (let i = 0; i < 200; i++) { const m = `From: Sender ${i % 7} <s${i % 7}@example.net>\r\nTo: user@bench.test\r\nSubject: bench message ${i} ${i % 10 === 0 ? 'needle' : 'hay'}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <${i}@bench>\r\nContent-Type: text/plain\r\n\r\n${BODY}`; await clients[u].command('a', `APPEND INBOX {${m.length}+}\r\n${m}`); }
  parentPort!.postMessage('start');
  await Promise.all(clients.map(async (c: any, s: number) => {
    for (let r = 0; r < R; r++) {
      const first = 1 + ((s * 7 + r * 20) % 180);
      for (const text of ['SELECT INBOX', `FETCH ${first}:${first + 19} (FLAGS ENVELOPE)`, 'UID SEARCH SUBJECT needle', `STORE ${first} ${r % 2 ? '-' : '+'}FLAGS (\\Seen)`]) {
        const r = await c.command('x', text);
        if (!/^x OK/m.test(r)) throw new Error(r);
      }
    }
  }));
  parentPort!.postMessage('end');
}
