import pg from 'pg';
import { Kysely, sql, type CompiledQuery } from 'kysely';
import type { ChangeEvent } from '../model/types.js';
import type { ChangeListener } from './store.js';
import type { Database } from './schema.js';
import { SqlStore, type ChangeBus, type Trx } from './sql-store.js';
import { ChunkBlobs } from './chunk-blobs.js';
import { ListenerRegistry } from './local-bus.js';
import type { NotificationReadiness } from './capabilities.js';
import { postgresDialect, type PgConnection } from './pg-driver.js';

const CHANNEL = 'hearth_changes';

// int8 (bigserial ids, epoch ms, modseqs) as JS numbers: all stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Change events cross nodes with NOTIFY, sent inside the writing transaction so that PostgreSQL
 * delivers them only on commit. One dedicated connection per process LISTENs, opened on the
 * first subscription (CLI processes never open it). Payload: "accountId:folderId:modseq" and,
 * for a signal, ":" and the URI-encoded signal.
 */
class NotifyBus implements ChangeBus {
  private readonly listeners = new ListenerRegistry();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly connectionString: string, private readonly onError: (e: Error) => void) {}

  /**
   * In a transaction the notifications go with its COMMIT, in the same round trip (pg-driver.ts),
   * still inside the transaction, so PostgreSQL delivers them only if the COMMIT succeeds;
   * outside one (signal()) they are sent at once.
   */
  async inTransaction(trx: Trx, events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const payloads = events.map((e) => `${e.accountId}:${e.folderId ?? ''}:${e.modseq}${e.signal !== undefined ? `:${encodeURIComponent(e.signal)}` : ''}`);
    if (trx.isTransaction) {
      await trx.getExecutor().provideConnection(async (connection) => {
        (connection as PgConnection).notifications.push(...payloads.map((p): [string, string] => [CHANNEL, p]));
      });
      return;
    }
    for (const p of payloads) await sql`select pg_notify(${CHANNEL}, ${p})`.execute(trx);
  }

  committed(): void { /* delivered through LISTEN, to this node as to every other */ }

  subscribe(accountId: number, listener: ChangeListener): () => void {
    void this.ensureListening();
    return this.listeners.add(accountId, listener);
  }

  /** Resolves once this node's LISTEN connection is up (tests and Ping use it before writing). */
  ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('notification', (msg) => {
        const [a, f, m, signal] = (msg.payload ?? '').split(':');
        this.listeners.deliver({
          accountId: Number(a), folderId: f ? Number(f) : null, modseq: Number(m),
          ...(signal !== undefined ? { signal: decodeURIComponent(signal) } : {}),
        });
      });
      client.on('error', (e) => {
        this.onError(e);
        // Reconnect on the next subscription; held listeners stay registered.
        this.client = null;
        this.connecting = null;
        if (!this.closed && this.listeners.size > 0) setTimeout(() => void this.ensureListening().catch(() => {}), 1000).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    })().catch((e) => { this.connecting = null; this.onError(e as Error); });
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => {});
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}

export class PostgresStore extends SqlStore implements NotificationReadiness {
  constructor(db: Kysely<Database>, private readonly notify: NotifyBus, pool: pg.Pool) {
    super('postgres', db, new ChunkBlobs(), notify, async () => { /* pool ends with db.destroy() */ void pool; });
  }
  /** PostgreSQL: the write goes with the COMMIT, in its round trip (pg-driver.ts). */
  override async deferToCommit(trx: Trx, query: CompiledQuery): Promise<void> {
    if (!trx.isTransaction) { await trx.executeQuery(query); return; }
    await trx.getExecutor().provideConnection((connection) => (connection as PgConnection).deferToCommit(query));
  }

  /** PostgreSQL: in one round trip when every statement can travel as literals (pg-driver.ts). */
  override async together(trx: Trx, queries: CompiledQuery[]): Promise<unknown[][]> {
    return trx.getExecutor().provideConnection((connection) => (connection as PgConnection).executeTogether(queries));
  }

  /** PostgreSQL: the reads in one round trip over one pooled connection (pg-driver.ts). */
  protected override readsInOrder(queries: CompiledQuery[]): Promise<unknown[][]> {
    return this.database.getExecutor().provideConnection((connection) => (connection as PgConnection).executePipelined(queries));
  }

  /** Resolves when this node receives other nodes' (and its own) change notifications. */
  ready(): Promise<void> { return this.notify.ensureListening(); }
}

export async function openPostgresStore(url: string, onError: (e: Error) => void = () => {}): Promise<PostgresStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  pool.on('error', onError);
  const db = new Kysely<Database>({ dialect: postgresDialect(pool) });
  const store = new PostgresStore(db, new NotifyBus(url, onError), pool);
  await store.migrate();
  return store;
}
