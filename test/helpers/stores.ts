import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

export interface OpenedStore {
  store: Store;
  /** A second store on the same data, as a second node (PostgreSQL) or process (SQLite) would open it. */
  peer(): Promise<Store>;
  dispose(): Promise<void>;
  /** SQLite: the data directory (blob files live in its blobs/). */
  dataDir?: string;
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** null when the backend is not available here (the reason is in `skip`). */
  skip: string | null;
  open(): Promise<OpenedStore>;
}

/**
 * The PostgreSQL server for tests: HEARTH_TEST_POSTGRES (a URL of a database we may create
 * databases from), else the local default. .ci/run sets HEARTH_REQUIRE_POSTGRES=1 so that an
 * unreachable server fails the run instead of skipping.
 */
export const PG_ADMIN_URL = process.env.HEARTH_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgAvailable: Promise<string | null> | null = null;
export function postgresSkipReason(): Promise<string | null> {
  pgAvailable ??= (async () => {
    // The test runner has already said (once) that PostgreSQL is absent.
    if (process.env.HEARTH_SKIP_POSTGRES) return process.env.HEARTH_SKIP_POSTGRES;
    // A generous connect deadline: on a loaded 2-core CI machine (load average above 20) a new
    // PostgreSQL backend has taken over 2 s to start; the runner already checked the port is open.
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 60_000 });
    try { await c.connect(); await c.end(); return null; } catch (e) {
      if (process.env.HEARTH_REQUIRE_POSTGRES) throw new Error(`PostgreSQL required but unreachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
      return `PostgreSQL not reachable at ${PG_ADMIN_URL} (set HEARTH_TEST_POSTGRES): skipping the PostgreSQL suite`;
    }
  })();
  return pgAvailable;
}

/** A fresh, empty database per call, dropped on dispose. */
export async function freshPostgresUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hearth_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function storeFactories(): Promise<StoreFactory[]> {
  const pgSkip = await postgresSkipReason();
  return [
    {
      name: 'sqlite', skip: null,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
        const store = await openStore(undefined, dir);
        return {
          store, dataDir: dir,
          // better-sqlite3 is synchronous: a second connection in the same process would wait for
          // the lock by blocking the event loop that the first needs to finish. Another process
          // (the CLI) is the real second writer; in-process the peer is the serving connection.
          async peer() { return store; },
          async dispose() { await store.close(); rmSync(dir, { recursive: true, force: true }); },
        };
      },
    },
    {
      name: 'postgres', skip: pgSkip,
      async open() {
        const db = await freshPostgresUrl();
        const store = await openStore(db.url, '/nonexistent');
        const peers: Store[] = [];
        return {
          store,
          async peer() { const p = await openStore(db.url, '/nonexistent'); peers.push(p); return p; },
          async dispose() { for (const p of peers) await p.close(); await store.close(); await db.drop(); },
        };
      },
    },
  ];
}
