import { Migrator, sql, type CompiledQuery, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import type { ChangeEvent } from '../model/types.js';
import type { ChangeListener, TogetherRead, TogetherResults } from './store.js';
import { StoreError, notFound } from './errors.js';
import { migrations, type Database } from './schema.js';
import type { BlobRange, BlobReadStream, StagedBlob } from './blob-stream.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Where blob bytes live: files for SQLite, a table column for PostgreSQL (shared by every node). */
export interface BlobBackend {
  /** Called inside the transaction that creates the blob row. */
  write(trx: Trx, hash: string, data: Uint8Array): Promise<void>;
  /**
   * Inside a write: `refs` more references to each blob, its row (and bytes) created when it is
   * not stored yet, in as few statements as the backend can (a delivery batch's blobs in one
   * INSERT ... ON CONFLICT instead of an UPDATE and an INSERT each). Hashes are distinct.
   */
  addOrCreate(trx: Trx, blobs: BlobRefs[]): Promise<void>;
  /**
   * addOrCreate as one INSERT query to run as a data-modifying CTE of another statement (one
   * round trip fewer), when the backend keeps these blobs in their rows and they fit one
   * statement; undefined otherwise (and on SQLite, which has no data-modifying CTEs).
   */
  addOrCreateQuery?(trx: Trx, blobs: BlobRefs[]): ReturnType<typeof inlineBlobUpsert> | undefined;
  read(db: Db, hash: string): Promise<Buffer | null>;
  /** The bytes as a stream, or null when the blob is not stored; `range` as in clampRange. */
  readStream(db: Db, hash: string, range?: BlobRange): Promise<BlobReadStream | null>;
  /** Somewhere for an upload's bytes while its hash is not yet known (outside any transaction). */
  stage(db: Db): Promise<StagedBlob>;
  /**
   * Inside the transaction that creates the blob row: the staged bytes become the blob `hash`
   * and the row is inserted (with ref_count 1).
   */
  adopt(trx: Trx, staged: StagedBlob, hash: string, size: number): Promise<void>;
  /** Inside the transaction that deletes the blob row (bytes that live in the database go with it). */
  deleteIn(trx: Trx, hash: string): Promise<void>;
  /**
   * Called after the transaction that removed the last reference has committed: bytes kept
   * outside the database go, unless the blob was stored again meanwhile.
   */
  removed(db: Db, hash: string): Promise<void>;
}

/** One blob of a batch: its hash, bytes, and how many references the batch adds (at least 1). */
export interface BlobRefs { hash: string; data: Uint8Array; refs: number }

/**
 * Rows of inline blobs (bytes in `blobs.data`) as one multi-row upsert per slice of at most
 * `maxBytes` (one row when a single blob is larger): an existing row only gains the references.
 */
export async function upsertInlineBlobs(trx: Trx, blobs: BlobRefs[]): Promise<void> {
  for (let i = 0; i < blobs.length;) {
    const j = i + inlineSlice(blobs.slice(i));
    await inlineBlobUpsert(trx, blobs.slice(i, j)).execute();
    i = j;
  }
}

const SLICE_BYTES = 8 * 1024 * 1024;
const SLICE_ROWS = 100;

/** How many of `blobs`, from the first, go in one upsert (at least one). */
export function inlineSlice(blobs: BlobRefs[]): number {
  let bytes = 0;
  let j = 0;
  while (j < blobs.length && j < SLICE_ROWS && (j === 0 || bytes + blobs[j].data.byteLength <= SLICE_BYTES)) bytes += blobs[j++].data.byteLength;
  return j;
}

/** The upsert of inline blob rows, as a query (PostgreSQL may run it as a CTE of another statement). */
export function inlineBlobUpsert(db: QueryCreator<Database>, blobs: BlobRefs[]) {
  return db.insertInto('blobs').values(blobs.map((b) => ({
    hash: b.hash, size: b.data.byteLength, ref_count: b.refs, data: Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  })) as never).onConflict((oc) => oc.column('hash').doUpdateSet({ ref_count: sql`blobs.ref_count + excluded.ref_count` }));
}

/** A read as one compiled statement and what its rows mean (SqlStoreBase.readTogether). */
export interface ReadPlan { query: CompiledQuery; decode(rows: unknown[]): unknown }

/** How change events leave a committed transaction: in-process, or NOTIFY to every node. */
export interface ChangeBus {
  /** Inside the transaction, before commit (PostgreSQL NOTIFY is delivered on commit). */
  inTransaction(trx: Trx, events: ChangeEvent[]): Promise<void>;
  /** After commit. */
  committed(events: ChangeEvent[]): void;
  subscribe(accountId: number, listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** A write in progress: the events it will publish once committed. */
export interface WriteScope {
  trx: Trx;
  events: ChangeEvent[];
  releasedBlobs: string[];
}

export const now = () => Date.now();
export const lower = (s: string) => s.trim().toLowerCase();

/**
 * What every part of the SQL store shares: the Kysely handle, migrations, the write transaction
 * that publishes change events after commit, and modseq allocation. The store's methods are
 * layered on top by area: DirectoryStore (domains, accounts, aliases, groups), ContentStore
 * (folders, items, blobs), SqlStore (devices, sync state, grants, settings, lockout, audit).
 */
export abstract class SqlStoreBase {
  constructor(
    readonly dialect: 'sqlite' | 'postgres',
    protected readonly db: Db,
    protected readonly blobs: BlobBackend,
    protected readonly bus: ChangeBus,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async migrate(): Promise<void> {
    const all = migrations(this.dialect);
    const migrator = new Migrator({
      db: this.db as Kysely<any>,
      provider: { getMigrations: async () => all },
      migrationTableName: 'hearth_migrations',
      migrationLockTableName: 'hearth_migrations_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  async close(): Promise<void> {
    await this.bus.close();
    await this.db.destroy();
    await this.onClose();
  }

  /** Runs `fn` in a transaction and publishes its change events only after the commit. */
  async write<T>(fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    let scope!: WriteScope;
    const result = await this.db.transaction().execute(async (trx) => {
      scope = { trx, events: [], releasedBlobs: [] };
      const value = await fn(scope);
      if (scope.events.length) await this.bus.inTransaction(trx, scope.events);
      return value;
    });
    if (scope.events.length) this.bus.committed(scope.events);
    for (const hash of scope.releasedBlobs) await this.blobs.removed(this.db, hash);
    return result;
  }

  /**
   * Takes `count` consecutive modseqs of the account and returns the first. This UPDATE also
   * locks the account row, so that concurrent writers of one account serialize (PostgreSQL) and
   * every later read in the transaction sees the winner's committed data.
   */
  async nextModseq(trx: Trx, accountId: number, count = 1): Promise<number> {
    const row = await trx.updateTable('accounts').set({ modseq: sql`modseq + ${count}` })
      .where('id', '=', accountId).returning('modseq').executeTakeFirst();
    if (!row) throw notFound('account');
    return Number(row.modseq) - count + 1;
  }

  get database(): Db { return this.db; }

  /**
   * A write of the transaction whose result is not needed, run at the latest with its commit:
   * on PostgreSQL it travels with the COMMIT (one round trip fewer while the transaction holds
   * its locks); here, at once. An error it raises fails the transaction either way. Nothing of
   * the transaction may read what it writes.
   */
  async deferToCommit(trx: Trx, query: CompiledQuery): Promise<void> {
    await trx.executeQuery(query);
  }

  /**
   * Statements of a transaction run in order, each seeing what the ones before it did (and
   * what other transactions committed meanwhile, as separate statements would); on PostgreSQL
   * in one round trip where they can be. The rows of each.
   */
  async together(trx: Trx, queries: CompiledQuery[]): Promise<unknown[][]> {
    const out: unknown[][] = [];
    for (const q of queries) out.push((await trx.executeQuery(q)).rows);
    return out;
  }

  /**
   * One read of `readTogether` as a single statement and the decoding of its rows, or null when
   * it is not one statement (then the method itself runs). The areas of the store add theirs.
   */
  planRead(_read: TogetherRead): ReadPlan | null {
    return null;
  }

  /** Store.readTogether: the reads' statements sent together (`readsInOrder`) when every read is one. */
  async readTogether<const R extends readonly TogetherRead[]>(...reads: R): Promise<TogetherResults<R>> {
    const plans = reads.map((r) => this.planRead(r));
    if (plans.every((p): p is ReadPlan => p !== null)) {
      const rows = await this.readsInOrder(plans.map((p) => p.query));
      return plans.map((p, i) => p.decode(rows[i])) as TogetherResults<R>;
    }
    const out: unknown[] = [];
    let failure: { error: unknown } | null = null;
    for (const r of reads) {
      try {
        out.push(await (this as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[r.read](...r.args));
      } catch (error) {
        failure ??= { error };
        out.push(undefined);
      }
    }
    if (failure) throw failure.error;
    return out as TogetherResults<R>;
  }

  /**
   * Statements outside any transaction, one after another, each in its own snapshot; the rows of
   * each, the first error thrown after all have run. Here one by one; PostgreSQL pipelines them.
   */
  protected async readsInOrder(queries: CompiledQuery[]): Promise<unknown[][]> {
    const out: unknown[][] = [];
    let failure: { error: unknown } | null = null;
    for (const q of queries) {
      try {
        out.push((await this.db.executeQuery(q)).rows);
      } catch (error) {
        failure ??= { error };
        out.push([]);
      }
    }
    if (failure) throw failure.error;
    return out;
  }

  /** Drops one reference inside a write; the bytes go after commit when none is left. */
  async releaseBlobIn(scope: WriteScope, hash: string): Promise<void> {
    const row = await scope.trx.updateTable('blobs').set({ ref_count: sql`ref_count - 1` }).where('hash', '=', hash)
      .returning('ref_count').executeTakeFirst();
    if (row && Number(row.ref_count) <= 0) {
      await scope.trx.deleteFrom('blobs').where('hash', '=', hash).execute();
      await this.blobs.deleteIn(scope.trx, hash);
      scope.releasedBlobs.push(hash);
    }
  }

  async signal(accountId: number, signal: string): Promise<void> {
    if (signal.length > 1000) throw new StoreError('Invalid', 'a signal has at most 1,000 characters');
    const event: ChangeEvent = { accountId, folderId: null, modseq: 0, signal };
    // Outside a transaction: PostgreSQL delivers a NOTIFY outside one at once.
    await this.bus.inTransaction(this.db as unknown as Trx, [event]);
    this.bus.committed([event]);
  }

  subscribe(accountId: number, listener: ChangeListener): () => void {
    return this.bus.subscribe(accountId, listener);
  }
}

export const ITEM_COLUMNS = [
  'id', 'account_id', 'folder_id', 'name', 'uid', 'content', 'blob_hash', 'content_type', 'size', 'imap_uid', 'flags', 'component_type',
  'summary', 'start_at', 'end_at', 'recurring', 'props', 'modseq', 'created_at', 'updated_at',
] as const;
