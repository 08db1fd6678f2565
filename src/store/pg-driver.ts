/**
 * Kysely's driver for PostgreSQL over a pg.Pool, sending fewer round trips per transaction. A
 * transaction's BEGIN is not sent on its own: it goes with the transaction's first statement, and
 * writes whose result the caller does not need (`deferToCommit`) and the change NOTIFYs go with
 * its COMMIT, each group as one simple-protocol query (several statements, one round trip). The
 * IMAP bench showed why it matters: a STORE held its account's row lock across every round trip
 * of its transaction, each one a turn of a busy event loop, and the other sessions of the
 * account queued behind it.
 *
 * The simple protocol carries no parameters, so a statement goes in such a group only when its
 * parameters can be written as literals exactly (`inlineQuery`); otherwise the held statements
 * are sent first and the statement follows as usual. Statements run in the order they were
 * issued either way. If one statement of a group fails, PostgreSQL skips the rest of the group
 * (the COMMIT too) and the transaction is aborted; the error is thrown and Kysely rolls back.
 */
import pg from 'pg';
import {
  CompiledQuery, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type DatabaseConnection, type Dialect, type Driver,
  type QueryResult, type TransactionSettings,
} from 'kysely';
import { shapeNames } from './query-shape.js';

/**
 * The query's SQL with each parameter written as a literal, or null when that cannot be done
 * exactly. Every value becomes a quoted literal (`'42'`, `'text'`), which PostgreSQL types from
 * its context the way it types an untyped text parameter (what pg sends for strings, numbers and
 * booleans), so the statement means the same. Refused: arrays, buffers, objects (pg sends some
 * of them in other forms), SQL with a quote or a `$` that is no parameter marker.
 */
export function inlineQuery(q: { sql: string; parameters: readonly unknown[] }): string | null {
  if (q.sql.includes("'") || q.sql.includes(';')) return null;
  let exact = true;
  const text = q.sql.replace(/\$(\d*)/g, (marker, n: string) => {
    const v = n ? literal(q.parameters[Number(n) - 1], Number(n) <= q.parameters.length) : null;
    if (v === null) exact = false;
    return v ?? marker;
  });
  return exact ? text : null;
}

function literal(v: unknown, present: boolean): string | null {
  if (!present) return null;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return pg.escapeLiteral(v);
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint' || typeof v === 'boolean') return `'${String(v)}'`;
  return null;
}

/** One pooled client, with the statements of its transaction that are held back (see above). */
export class PgConnection implements DatabaseConnection {
  /** SQL not sent yet: the BEGIN, then writes deferred to the commit. */
  private held: string[] = [];
  /** Whether the server has seen this transaction's BEGIN (so a rollback has something to end). */
  private begun = false;
  /** Between begin() and the end of commit() or rollback(). */
  private inTransaction = false;
  /** NOTIFY payloads (channel, payload) to send with the commit. */
  readonly notifications: Array<[string, string]> = [];
  discarded = false;

  constructor(readonly client: pg.PoolClient) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.held.length) {
      const inline = inlineQuery(q);
      if (inline !== null) return result(last(await this.sendHeld([inline])));
      await this.sendHeld([]);
    }
    // A shape's text (query-shape.ts) is prepared once per connection and then only bound.
    const name = shapeNames.get(q.sql);
    if (!name) return result(await this.client.query(q.sql, [...q.parameters]));
    try {
      return result(await this.client.query({ name, text: q.sql, values: [...q.parameters] }));
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      // Another node changed the schema (a rolling upgrade's migration) after this connection
      // prepared the statement: PostgreSQL refuses every later run of it, so this connection
      // leaves the pool when released, and the next one prepares anew. Outside a transaction the
      // statement did not run and runs again unprepared; inside one the transaction is aborted,
      // so the error goes to the caller (once per pooled connection at most).
      this.discarded = true;
      if (this.inTransaction) throw e;
      return result(await this.client.query(q.sql, [...q.parameters]));
    }
  }

  /**
   * Several statements in one round trip when all can travel as literals (each in its own
   * snapshot, as if sent one by one: PostgreSQL takes a new one per statement of a simple query
   * in a READ COMMITTED transaction), else one by one; the rows of each. Inside a transaction.
   */
  async executeTogether(qs: CompiledQuery[]): Promise<unknown[][]> {
    const inline = qs.map(inlineQuery);
    if (inline.some((q) => q === null)) {
      const out: unknown[][] = [];
      for (const q of qs) out.push((await this.executeQuery(q)).rows);
      return out;
    }
    const results = await this.sendHeld(inline as string[]);
    return results.slice(-qs.length).map((r) => r.rows ?? []);
  }

  /**
   * Reads outside a transaction, one after another on this connection, each its own statement
   * in its own snapshot as if sent one by one, but written at once and answered in one round
   * trip (pg's pipeline mode, switched on for these only: each query still ends with its own
   * Sync, so one failing does not stop the others). Shapes stay prepared statements. The rows
   * of each; the first error is thrown once all have answered.
   */
  async executePipelined(qs: CompiledQuery[]): Promise<unknown[][]> {
    if (this.inTransaction) throw new Error('executePipelined runs outside a transaction');
    const client = this.client as pg.PoolClient & { pipeline?: boolean };
    const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
    const pending: Promise<pg.QueryResult>[] = [];
    let thrown: unknown = null;
    client.pipeline = true;
    stream?.cork?.();
    try {
      for (const q of qs) {
        const name = shapeNames.get(q.sql);
        pending.push(this.client.query(name ? { name, text: q.sql, values: [...q.parameters] } : { text: q.sql, values: [...q.parameters] }));
      }
    } catch (e) {
      thrown = e;
    } finally {
      stream?.uncork?.();
    }
    // Back to one query at a time only once every query sent has been answered.
    const settled = await Promise.allSettled(pending);
    client.pipeline = false;
    if (thrown) throw thrown;
    // A statement prepared before another node's migration (see executeQuery): this connection
    // leaves the pool, and that read and the ones after it run again unprepared, in order.
    const stale = settled.findIndex((s) => s.status === 'rejected' && isStalePlan(s.reason));
    if (stale >= 0) {
      this.discarded = true;
      for (let i = stale; i < qs.length; i++) {
        settled[i] = await this.client.query(qs[i].sql, [...qs[i].parameters]).then(
          (value): PromiseSettledResult<pg.QueryResult> => ({ status: 'fulfilled', value }),
          (reason): PromiseSettledResult<pg.QueryResult> => ({ status: 'rejected', reason }));
      }
    }
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return settled.map((s) => (s as PromiseFulfilledResult<pg.QueryResult>).value.rows ?? []);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not configured for PostgreSQL');
  }

  begin(sql: string): void {
    this.inTransaction = true;
    this.held = [sql];
    this.begun = false;
    this.notifications.length = 0;
  }

  /**
   * Runs `q` with the commit when it can travel as a literal statement, else now. Its result is
   * not returned, and an error it raises fails the commit (the whole transaction).
   */
  async deferToCommit(q: CompiledQuery): Promise<void> {
    const inline = inlineQuery(q);
    if (inline === null) await this.executeQuery(q);
    else this.held.push(inline);
  }

  async commit(): Promise<void> {
    this.inTransaction = false;
    const notify = this.notifications.splice(0).map(([channel, payload]) => `select pg_notify(${pg.escapeLiteral(channel)}, ${pg.escapeLiteral(payload)})`);
    // Nothing was sent and nothing is to be written: an empty transaction, nothing to send.
    if (!this.begun && this.held.length <= 1 && notify.length === 0) { this.held = []; return; }
    const r = last(await this.sendHeld([...notify, 'commit']));
    // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier error left the transaction aborted.
    if (r.command === 'ROLLBACK') throw new Error('the transaction was aborted; its commit was a rollback');
  }

  async rollback(): Promise<void> {
    this.inTransaction = false;
    this.held = [];
    this.notifications.length = 0;
    if (!this.begun) return;
    this.begun = false;
    try {
      await this.client.query('rollback');
    } catch (e) {
      this.discarded = true;
      throw e;
    }
  }

  /** The held statements and `more` as one simple-protocol query; the results of each. */
  private async sendHeld(more: string[]): Promise<pg.QueryResult[]> {
    const text = [...this.held, ...more].join('; ');
    this.held = [];
    this.begun = true;
    const r = await this.client.query(text) as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(r) ? r : [r];
  }
}

const last = <T>(xs: T[]): T => xs[xs.length - 1];

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was prepared (plancache.c, SQLSTATE 0A000). */
const isStalePlan = (e: unknown): boolean =>
  (e as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((e as Error).message);

function result<R>(r: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = r;
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
  return {
    numAffectedRows: ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command) ? BigInt(rowCount ?? 0) : undefined,
    rows: (rows ?? []) as R[],
  };
}

class PgDriver implements Driver {
  private readonly connections = new WeakMap<pg.PoolClient, PgConnection>();
  private pool: pg.Pool | null;

  constructor(pool: pg.Pool) { this.pool = pool; }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<PgConnection> {
    if (!this.pool) throw new Error('driver has already been destroyed');
    const client = await this.pool.connect();
    let c = this.connections.get(client);
    if (!c) this.connections.set(client, c = new PgConnection(client));
    return c;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = ['start transaction', settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '', settings.accessMode ?? ''].filter(Boolean).join(' ');
    }
    (connection as PgConnection).begin(sql);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> { await (connection as PgConnection).commit(); }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> { await (connection as PgConnection).rollback(); }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    c.client.release(c.discarded);
  }

  async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}

export function postgresDialect(pool: pg.Pool): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgDriver(pool),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
