/**
 * SMTP benchmark: messages per second accepted and durably stored (each 250 is after the
 * commit), over the MX listener into the real mail store, with 1 and with 50 concurrent
 * connections, p50/p99 latency of a transaction (MAIL, RCPT, DATA to the 250), on SQLite and
 * PostgreSQL. The load generator is the test wire client (one transaction at a time per
 * connection, no pipelining), as smtp-source would send. Prints a table; asserts nothing about time.
 * Run: npm run bench -- smtp   (BENCH_SMTP_MESSAGES=N per run, default 1000)
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../protocols/smtp/harness.js';
import { Wire } from '../protocols/smtp/wire.js';
import { storeDelivery } from '../../src/server/smtp-delivery.js';
import { freshPostgresUrl, postgresSkipReason } from '../helpers/stores.js';

const TOTAL = Number(process.env.BENCH_SMTP_MESSAGES ?? 1000);
const BODY = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n'.repeat(50)}`; // ~4 KB

interface Row { backend: string; connections: number; messages: number; rate: string; p50: string; p99: string }
const rows: Row[] = [];

async function run(h: SmtpHarness, backend: string, connections: number): Promise<void> {
  const latencies: number[] = [];
  const per = Math.ceil(TOTAL / connections);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async (_, c) => {
    const { wire } = await Wire.open(h.mx);
    await wire.cmd('EHLO bench.example.net');
    for (let i = 0; i < per; i++) {
      const t = performance.now();
      await wire.cmd('MAIL FROM:<load@example.net>');
      await wire.cmd(`RCPT TO:<user${(c * per + i) % 20}@bench.test>`);
      const r = await wire.data(`From: load@example.net\r\nTo: user@bench.test\r\nSubject: bench ${c}-${i}\r\nMessage-ID: <${c}.${i}@bench>\r\n\r\n${BODY}`);
      if (r.code !== 250) throw new Error(`unexpected reply: ${r.text}`);
      latencies.push(performance.now() - t);
    }
    await wire.cmd('QUIT');
    wire.close();
  }));
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => `${latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1)} ms`;
  rows.push({ backend, connections, messages: latencies.length, rate: `${Math.round(latencies.length / secs)} msg/s`, p50: pct(0.5), p99: pct(0.99) });
}

async function bench(backend: string, database: string | undefined): Promise<void> {
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  const h = await startHarness({
    delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
    smtp: { maxConnectionsPerIp: 100, commandsPerMinute: 10_000_000, commandBurst: 10_000_000 },
    context: database ? { database } : {},
  });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
  try {
    const d = await h.domain('bench.test');
    for (let i = 0; i < 20; i++) await h.store.createAccount({ domainId: d.id, email: `user${i}@bench.test` });
    await run(h, backend, 1);
    await run(h, backend, 50);
  } finally {
    await h.close();
  }
}

await bench('sqlite', undefined);
const skip = await postgresSkipReason();
if (skip) console.log(skip);
else {
  const db = await freshPostgresUrl();
  try { await bench('postgres', db.url); } finally { await db.drop(); }
}
console.log('| backend | connections | messages | accepted and stored | p50 | p99 |\n| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.backend} | ${r.connections} | ${r.messages} | ${r.rate} | ${r.p50} | ${r.p99} |`);
