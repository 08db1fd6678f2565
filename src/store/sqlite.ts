import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompiledQuery, Kysely, SqliteAdapter, SqliteDriver, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type SqliteDatabase,
} from 'kysely';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { FileBlobs } from './file-blobs.js';
import { LocalBus } from './local-bus.js';

/** The driver comes in through Kysely's structural SqliteDatabase type; better-sqlite3 satisfies it. */
export type SqliteOpener = (path: string) => SqliteDatabase & { pragma(source: string): unknown };

/**
 * Write transactions start with BEGIN IMMEDIATE: a deferred transaction that later wants to
 * write can fail at once with SQLITE_BUSY when another process (the CLI) holds the write lock,
 * bypassing busy_timeout. IMMEDIATE waits instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely prepares every statement again on each call; a bounded cache of prepared statements by
 * SQL text saves that work (queries are built from a fixed set of shapes; parameters vary).
 * Safe because Kysely runs one statement at a time on this connection and streams only with
 * `iterate`, which we never use.
 */
function withStatementCache(database: SqliteDatabase, max = 500): SqliteDatabase {
  const cache = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        // LRU: move to the end.
        cache.delete(sql);
      } else {
        stmt = database.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

function dialect(database: SqliteDatabase): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database }),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

export async function openSqliteStore(file: string, blobDir: string, open: SqliteOpener): Promise<SqlStore> {
  mkdirSync(dirname(file), { recursive: true });
  const database = open(file);
  database.pragma('journal_mode = WAL');
  // FULL: a commit the client was told about survives power loss, not only a crash.
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: dialect(withStatementCache(database)) });
  const bus = new LocalBus();
  const store = new SqlStore('sqlite', db, new FileBlobs(blobDir), bus);
  await store.migrate();
  await bus.attach(db);
  return store;
}
