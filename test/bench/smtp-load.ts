/**
 * The SMTP bench's load generator, run in a worker thread so that the client does not share the
 * event loop of the Hearth server it measures (Postfix and Dovecot run as their own processes):
 * `connections` connections on 127.0.0.1:`port`, each sending its share of `total` messages one
 * transaction at a time (MAIL, RCPT, DATA; no pipelining, as smtp-source sends). Posts back the
 * latency of every transaction (ms, to the 250 after the final dot).
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Wire } from '../protocols/smtp/wire.js';

export interface LoadJob { port: number; connections: number; total: number; users: number; tag: string; body: string }
export type LoadResult = { ok: true; latencies: number[] } | { ok: false; error: string };

async function load(job: LoadJob): Promise<number[]> {
  const latencies: number[] = [];
  const per = Math.ceil(job.total / job.connections);
  await Promise.all(Array.from({ length: job.connections }, async (_, c) => {
    const { wire } = await Wire.open(job.port);
    await wire.cmd('EHLO bench.example.net');
    for (let i = 0; i < per; i++) {
      const t = performance.now();
      const m = await wire.cmd('MAIL FROM:<load@example.net>');
      const r1 = await wire.cmd(`RCPT TO:<user${(c * per + i) % job.users}@bench.test>`);
      const r = await wire.data(`From: load@example.net\r\nTo: user@bench.test\r\nSubject: bench ${c}-${i}\r\nMessage-ID: <${job.tag}.${c}.${i}@bench>\r\n\r\n${job.body}`);
      if (m.code !== 250 || r1.code !== 250 || r.code !== 250) throw new Error(`unexpected reply: ${m.text} / ${r1.text} / ${r.text}`);
      latencies.push(performance.now() - t);
    }
    await wire.cmd('QUIT');
    wire.close();
  }));
  return latencies;
}

// Ready first (the module is loaded), then one job: the bench's clock starts with the job.
if (parentPort) {
  const port = parentPort;
  port.once('message', (job: LoadJob) => {
    load(job).then(
      (latencies) => port.postMessage({ ok: true, latencies } satisfies LoadResult),
      (e: Error) => port.postMessage({ ok: false, error: e.message } satisfies LoadResult),
    );
  });
  port.postMessage('ready');
}
