/**
 * Two queue workers, each with its own store connection over ONE PostgreSQL database (as two
 * nodes run), draining the same queue at the same time: every message reaches the remote test
 * MX exactly once (leases claimed with FOR UPDATE SKIP LOCKED).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { openStore } from '../../../../src/store/open.js';
import type { Store } from '../../../../src/store/store.js';
import { QueueOutbound } from '../../../../src/mail/queue/outbound.js';
import { QueueRunner } from '../../../../src/mail/queue/runner.js';
import { DEFAULT_QUEUE_SETTINGS } from '../../../../src/mail/queue/settings.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/stores.js';
import { RemoteMx, testResolver } from './remote-mx.js';

const N = 30;

describe('two queue workers over one PostgreSQL database', async () => {
  const skip = await postgresSkipReason();
  let remote: RemoteMx;
  let stores: Store[] = [];
  let drop = async () => {};
  const log = pino({ level: 'silent' });

  before(async () => {
    if (skip) return;
    const db = await freshPostgresUrl();
    drop = db.drop;
    remote = await new RemoteMx().start();
    stores = [await openStore(db.url, '/nonexistent'), await openStore(db.url, '/nonexistent')];
  });
  after(async () => {
    if (skip) return;
    for (const s of stores) await s.close();
    await remote.close();
    await drop();
  });

  test(`${N} messages, two workers at once: each delivered exactly once`, { skip: skip ?? false }, async () => {
    const settings = { ...DEFAULT_QUEUE_SETTINGS, mxPort: remote.port, batchSize: 3, timeoutSeconds: 60, leaseSeconds: 600 };
    const workers = stores.map((store, i) => {
      const outbound = new QueueOutbound({ store, settings, hostname: `node${i}.example.test`, log, now: Date.now });
      return {
        outbound,
        runner: new QueueRunner({
          store,
          outbound,
          settings,
          hostname: `node${i}.example.test`,
          log,
          now: Date.now,
          resolver: testResolver,
        }),
      };
    });
    // Both nodes accept mail into the one queue.
    for (let i = 0; i < N; i++) {
      await workers[i % 2].outbound.send({
        mailFrom: 'ann@example.test',
        recipients: [`r${i}@remote.example`],
        bytes: Buffer.from(`Subject: message ${i}\r\nX-Seq: ${i}\r\n\r\nbody ${i}\r\n`),
      });
    }
    assert.equal((await stores[0].listQueue()).length, N);
    // Both drain at the same time, pass after pass, until the queue is empty (generous deadline, no timing assertion).
    const deadline = Date.now() + 300_000;
    const done = [0, 0];
    while ((await stores[0].queueStats()).messages > 0) {
      assert.ok(Date.now() < deadline, 'the queue drained');
      const counts = await Promise.all(workers.map((w) => w.runner.runOnce()));
      counts.forEach((c, i) => {
        done[i] += c;
      });
    }
    for (let i = 0; i < N; i++) {
      const copies = remote.received.filter((r) => r.bytes.includes(`X-Seq: ${i}\r\n`));
      assert.equal(copies.length, 1, `message ${i} was delivered ${copies.length} times`);
      assert.deepEqual(copies[0].to, [`r${i}@remote.example`]);
    }
    assert.equal(remote.received.length, N);
    console.log(`# attempts per worker: ${done.join(' and ')}`);
  });
});
