import { join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite.js';
import { openPostgresStore } from './postgres.js';

/**
 * Opens the store named by a HEARTH_DATABASE value: `sqlite:PATH`, a `postgres://` URL, or
 * nothing for `DATA_DIR/hearth.db`. Migrates to the latest schema before returning.
 */
export async function openStore(database: string | undefined, dataDir: string, onError?: (e: Error) => void): Promise<Store> {
  if (database && /^postgres(ql)?:\/\//.test(database)) return openPostgresStore(database, onError);
  const file = database?.startsWith('sqlite:') ? resolve(database.slice('sqlite:'.length)) : join(resolve(dataDir), 'hearth.db');
  return openSqliteStore(file, join(resolve(dataDir), 'blobs'), (path) => new Sqlite(path));
}
