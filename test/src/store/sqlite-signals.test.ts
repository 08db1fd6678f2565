import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { Kysely } from 'kysely';
import type { ChangeEvent } from '../../../src/model/types.js';
import type { Database } from '../../../src/store/schema.js';

// On SQLite the serving process and the CLI are two processes on one database: a signal the CLI
// sends (a wipe request) must reach the server's subscribers. Two connections stand for the two.
test('a signal from another connection to the SQLite database reaches this one within seconds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-signals-'));
  const server = await openStore(undefined, dir);
  const cli = await openStore(undefined, dir);
  try {
    const d = await server.createDomain({ name: 'sig.example' });
    const a = await server.createAccount({ domainId: d.id, email: 'a@sig.example' });
    const got: ChangeEvent[] = [];
    const off = server.subscribe(a.id, (e) => got.push(e));
    await server.signal(a.id, 'own');
    await cli.signal(a.id, 'device:wipe:PHONE1');
    const end = Date.now() + 60_000;
    while (!got.some((e) => e.signal === 'device:wipe:PHONE1') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got.map((e) => e.signal), ['own', 'device:wipe:PHONE1'], 'own signal once (in-process), the other process\'s once (polled)');
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(got.length, 2, 'nothing is delivered twice');
    off();
  } finally {
    await cli.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Pruning moved off the per-signal path (at most every few seconds, local-bus.ts): rows older
// than a minute must still go, and fresh ones stay for other processes to read.
test('a signal prunes the SQLite signals older than a minute and keeps the fresh ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-signals-'));
  const store = await openStore(undefined, dir);
  try {
    const d = await store.createDomain({ name: 'prune.example' });
    const a = await store.createAccount({ domainId: d.id, email: 'a@prune.example' });
    const db = (store as unknown as { db: Kysely<Database> }).db;
    await db.insertInto('signals').values({ account_id: a.id, signal: 'old', origin: 'elsewhere', at: Date.now() - 120_000 } as never).execute();
    await db.insertInto('signals').values({ account_id: a.id, signal: 'recent', origin: 'elsewhere', at: Date.now() - 10_000 } as never).execute();
    await store.signal(a.id, 'now');
    const left = (await db.selectFrom('signals').select('signal').orderBy('id').execute()).map((r) => r.signal);
    assert.deepEqual(left, ['recent', 'now']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
