/**
 * Delivery benchmark on both backends: deliver() of a 4 KB multipart message (parse, one blob,
 * one committed transaction) one at a time, with 20 in flight, and fanned out to 10 mailboxes;
 * the parser alone for comparison. Messages per second and p50/p99 latency; asserts nothing.
 * Run: npm run bench -- mail
 */
import { performance } from 'node:perf_hooks';
import { storeFactories } from '../helpers/stores.js';
import type { Store } from '../../src/store/store.js';
import type { Account } from '../../src/model/types.js';
import { deliver } from '../../src/mail/deliver.js';
import { parseMessage } from '../../src/mail/parse.js';

const SEQUENTIAL = 300;
const CONCURRENT = 300;
const IN_FLIGHT = 20;
const FAN_OUT = 10;

interface Row { backend: string; op: string; figure: string }
const rows: Row[] = [];

function message(i: number): Buffer {
  const text = `Line ${i} of a message body that looks like ordinary mail.\r\n`.repeat(30);
  return Buffer.from([
    'From: Sender <sender@example.net>', 'To: rcpt@bench.example', `Subject: Bench message ${i}`,
    `Message-ID: <bench.${i}.${Date.now()}@example.net>`, 'Date: Thu, 03 Dec 2026 04:00:00 +0000', 'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=utf-8', '', text,
    '--b', 'Content-Type: text/html; charset=utf-8', '', `<html><body><pre>${text}</pre></body></html>`, '--b--', '',
  ].join('\r\n'));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

function report(backend: string, op: string, n: number, totalMs: number, latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  rows.push({ backend, op, figure: `${Math.round(n / (totalMs / 1000))} msg/s, p50 ${pct(s, 0.5).toFixed(1)} ms, p99 ${pct(s, 0.99).toFixed(1)} ms` });
}

async function timed(fn: () => Promise<unknown>, latencies: number[]) {
  const t = performance.now();
  await fn();
  latencies.push(performance.now() - t);
}

async function bench(name: string, store: Store): Promise<void> {
  const domain = await store.createDomain({ name: 'bench.example' });
  const users: Account[] = [];
  for (let i = 0; i < FAN_OUT; i++) users.push(await store.createAccount({ domainId: domain.id, email: `u${i}@bench.example` }));
  const env = { envelope: { mailFrom: 'sender@example.net' } };

  // 1. One delivery at a time (one SMTP connection).
  let lat: number[] = [];
  let t = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await timed(() => deliver(store, [users[0].email], message(i), env), lat);
  report(name, `deliver 1 recipient, sequential (${SEQUENTIAL})`, SEQUENTIAL, performance.now() - t, lat);

  // 2. IN_FLIGHT deliveries at once (many SMTP connections), to different mailboxes.
  lat = [];
  t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < CONCURRENT) {
      const i = next++;
      await timed(() => deliver(store, [users[i % FAN_OUT].email], message(10_000 + i), env), lat);
    }
  }));
  report(name, `deliver 1 recipient, ${IN_FLIGHT} in flight (${CONCURRENT})`, CONCURRENT, performance.now() - t, lat);

  // 3. Fan-out: one message, FAN_OUT inboxes, one transaction.
  lat = [];
  t = performance.now();
  const n = Math.floor(SEQUENTIAL / FAN_OUT);
  for (let i = 0; i < n; i++) await timed(() => deliver(store, users.map((u) => u.email), message(20_000 + i), env), lat);
  report(name, `deliver to ${FAN_OUT} recipients, sequential (${n})`, n, performance.now() - t, lat);

  // 4. The parser alone.
  lat = [];
  t = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await timed(() => parseMessage(message(i)), lat);
  report(name, `parseMessage alone (${SEQUENTIAL})`, SEQUENTIAL, performance.now() - t, lat);
}

for (const factory of await storeFactories()) {
  if (factory.skip) {
    console.log(`# ${factory.skip}`);
    continue;
  }
  const opened = await factory.open();
  try {
    await bench(factory.name, opened.store);
  } finally {
    await opened.dispose();
  }
}

const w = Math.max(...rows.map((r) => r.op.length));
console.log(`| backend  | ${'operation'.padEnd(w)} | figure |`);
console.log(`| -------- | ${'-'.repeat(w)} | ------ |`);
for (const r of rows) console.log(`| ${r.backend.padEnd(8)} | ${r.op.padEnd(w)} | ${r.figure} |`);
