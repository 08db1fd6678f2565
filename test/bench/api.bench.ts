/**
 * Admin API benchmark, on both backends: list the 10,000 users of one domain page by page
 * through the real fastify app (inject: routing, auth, validation, serialisation, the paged
 * query), and 100 concurrent user creations (POST), where scrypt (N=2^15, r=8: 32 MiB and tens of
 * milliseconds of CPU per hash, on 2 shared cores) dominates. Prints a table; asserts nothing.
 * Run: npm run bench -- api
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { freshPostgresUrl, postgresSkipReason } from '../helpers/stores.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { AuthService } from '../../src/auth/auth-service.js';
import { hashPassword } from '../../src/auth/password.js';
import { buildServer } from '../../src/server/app.js';
import { loadConfig, protocolSettings } from '../../src/server/config.js';

const USERS = 10_000;
const CREATIONS = 100;
const rows: { backend: string; op: string; figure: string }[] = [];

async function bench(name: string, store: Store, dataDir: string): Promise<void> {
  const settings = protocolSettings(loadConfig({ HEARTH_DATA_DIR: dataDir, HEARTH_HOSTNAME: 'bench.example' }));
  const auth = new AuthService(store, { lockout: { maxFailures: 100, windowMs: 60_000 }, cacheTtlMs: 60_000 });
  const app = await buildServer({ store, auth, log: pino({ level: 'silent' }), settings, now: Date.now });
  const domain = await store.createDomain({ name: 'big.example' });
  await store.createAccount({
    domainId: domain.id,
    email: 'root@big.example',
    passwordHash: await hashPassword('bench-pass-1'),
    isServerAdmin: true,
  });
  // The 10,000 listed users are inserted directly (rows only: listing reads no folders).
  const db = (store as unknown as { database: { insertInto(t: string): { values(v: unknown): { execute(): Promise<unknown> } } } })
    .database;
  const t0 = Date.now();
  for (let b = 0; b < USERS / 1000; b++) {
    await db
      .insertInto('accounts')
      .values(
        Array.from({ length: 1000 }, (_, i) => ({
          domain_id: domain.id,
          email: `user${String(b * 1000 + i).padStart(5, '0')}@big.example`,
          kind: 'user',
          display_name: `User ${b * 1000 + i}`,
          password_hash: null,
          quota_bytes: null,
          quota_messages: null,
          is_server_admin: 0,
          admin_domains: '[]',
          disabled: 0,
          modseq: 0,
          used_bytes: 0,
          used_messages: 0,
          created_at: t0 + b * 1000 + i,
        })),
      )
      .execute();
  }
  const token = (
    await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'root@big.example', password: 'bench-pass-1' } })
  ).json().token;
  const headers = { authorization: `Bearer ${token}` };

  for (const limit of [100, 1000]) {
    const pageMs: number[] = [];
    let seen = 0;
    const start = performance.now();
    for (let offset = 0; ; offset += limit) {
      const t = performance.now();
      const r = await app.inject({ method: 'GET', url: `/api/v1/domains/big.example/users?limit=${limit}&offset=${offset}`, headers });
      pageMs.push(performance.now() - t);
      const body = r.json();
      seen += body.items.length;
      if (offset + limit >= body.total) break;
    }
    const total = performance.now() - start;
    pageMs.sort((a, b) => a - b);
    rows.push({
      backend: name,
      op: `list ${seen} users, pages of ${limit}`,
      figure: `${(total / 1000).toFixed(2)} s (${pageMs.length} pages, p50 ${pageMs[Math.floor(pageMs.length / 2)].toFixed(1)} ms, slowest ${pageMs.at(-1)!.toFixed(1)} ms)`,
    });
  }

  const hashMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await hashPassword('bench-pass-x');
    hashMs.push(performance.now() - t);
  }
  rows.push({ backend: name, op: 'one scrypt hash alone (median of 5)', figure: `${hashMs.sort((a, b) => a - b)[2].toFixed(0)} ms` });

  const latencies: number[] = [];
  const start = performance.now();
  const results = await Promise.all(
    Array.from({ length: CREATIONS }, async (_, i) => {
      const t = performance.now();
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/domains/big.example/users',
        headers,
        payload: { email: `new${i}@big.example`, password: 'new-user-pass-1' },
      });
      latencies.push(performance.now() - t);
      return r.statusCode;
    }),
  );
  const total = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const created = results.filter((c) => c === 201).length;
  rows.push({
    backend: name,
    op: `${CREATIONS} concurrent user creations (POST)`,
    figure: `${(total / 1000).toFixed(2)} s, ${created} created (${(created / (total / 1000)).toFixed(1)}/s), p50 ${latencies[CREATIONS / 2].toFixed(0)} ms, p99 ${latencies[CREATIONS - 2].toFixed(0)} ms`,
  });
  await app.close();
}

const dir = mkdtempSync(join(tmpdir(), 'hearth-api-bench-'));
const sqlite = await openStore(undefined, dir);
try {
  await bench('sqlite', sqlite, dir);
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}
const skip = await postgresSkipReason();
if (skip) console.log(skip);
else {
  const db = await freshPostgresUrl();
  const pg = await openStore(db.url, '/nonexistent');
  const pgDir = mkdtempSync(join(tmpdir(), 'hearth-api-bench-'));
  try {
    await bench('postgres', pg, pgDir);
  } finally {
    await pg.close();
    await db.drop();
    rmSync(pgDir, { recursive: true, force: true });
  }
}
console.log('| backend | operation | figure |\n| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.backend} | ${r.op} | ${r.figure} |`);
