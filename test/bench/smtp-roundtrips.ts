/**
 * Counts PostgreSQL round trips per SMTP delivery (issue 10): one message to one mailbox over
 * the MX listener into the real store, with every pg query call counted (one call is one round
 * trip: a prepared statement's Parse/Bind/Execute travel together, a multi-statement simple query
 * is one message), and the waits: queries sent together (in parallel, from one command) share
 * one. Prints both per transaction and per SMTP command phase (MAIL, RCPT, DATA).
 * Run: node --import tsx test/bench/smtp-roundtrips.ts
 */
import pg from 'pg';
import pino from 'pino';
import { startHarness } from '../protocols/smtp/harness.js';
import { storeDelivery } from '../../src/server/smtp-delivery.js';
import { freshPostgresUrl } from '../helpers/stores.js';
import { Wire } from '../protocols/smtp/wire.js';

const log: string[] = [];
/** Waits: a query sent while none of ours is in flight starts one; queries sent while one is in flight share it. */
let waits = 0;
let inFlight = 0;
let counting = false;
const original = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const r = (original as (...a: unknown[]) => unknown).apply(this, args);
  if (counting) {
    const q = args[0] as string | { text: string; name?: string };
    log.push(typeof q === 'string' ? q : `${q.name ? `[${q.name}] ` : ''}${q.text}`);
    if (inFlight++ === 0) waits++;
    const done = () => { inFlight--; };
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(done, done);
  }
  return r;
} as never;

const db = await freshPostgresUrl();
const holder: { d?: ReturnType<typeof storeDelivery> } = {};
const h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) }, context: { database: db.url } });
holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
try {
  const d = await h.domain('bench.test');
  await h.store.createAccount({ domainId: d.id, email: 'user0@bench.test' });
  const { wire } = await Wire.open(h.mx);
  await wire.cmd('EHLO bench.example.net');
  // A warm-up transaction (prepared statements, caches), then the counted ones.
  for (let i = 0; i < 4; i++) {
    const phases: Record<string, string> = {};
    let w0 = 0;
    const mark = (name: string, from: number) => { phases[name] = `${log.length - from} queries in ${waits - w0} waits`; w0 = waits; };
    counting = i > 0;
    log.length = 0;
    waits = 0;
    await wire.cmd('MAIL FROM:<load@example.net>');
    mark('MAIL', 0);
    let at = log.length;
    await wire.cmd('RCPT TO:<user0@bench.test>');
    mark('RCPT', at);
    at = log.length;
    const r = await wire.data(`From: load@example.net\r\nTo: user0@bench.test\r\nSubject: t ${i}\r\nMessage-ID: <rt.${i}@bench>\r\n\r\nhello\r\n`);
    if (r.code !== 250) throw new Error(r.text);
    mark('DATA', at);
    if (i > 0) {
      console.log(`transaction ${i}: ${log.length} queries, ${waits} waits`, phases);
      if (i === 3) for (const q of log) console.log('  ', q.replace(/\s+/g, ' ').slice(0, 220));
    }
  }
  await wire.cmd('QUIT');
  wire.close();
} finally {
  counting = false;
  await h.close();
  await db.drop();
}
