import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ChangeEvent } from '../model/types.js';
import type { ChangeListener } from './store.js';
import type { Database } from './schema.js';
import type { ChangeBus, Trx } from './sql-store-base.js';

/** Listeners per account; delivery is synchronous after commit. */
export class ListenerRegistry {
  private readonly byAccount = new Map<number, Set<ChangeListener>>();

  add(accountId: number, listener: ChangeListener): () => void {
    let set = this.byAccount.get(accountId);
    if (!set) this.byAccount.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0 && this.byAccount.get(accountId) === set) this.byAccount.delete(accountId);
    };
  }

  deliver(event: ChangeEvent): void {
    const set = this.byAccount.get(event.accountId);
    if (!set) return;
    for (const l of [...set]) {
      try { l(event); } catch { /* a listener must not break the writer */ }
    }
  }

  get size(): number { return this.byAccount.size; }
}

const SIGNAL_POLL_MS = 1000;
const SIGNAL_KEEP_MS = 60_000;
/**
 * How often a writer prunes old rows. The table has no index on `at`, so a prune reads the whole
 * table: done on every signal (a Ping writes one) it cost more than the rest of a Ping once a
 * minute of Pings had accumulated. Rows now live 60-65 s; readers go by id, never by age.
 */
const SIGNAL_PRUNE_MS = 5_000;

/**
 * The SQLite bus. One process serves the database, so data changes are delivered in-process.
 * Signals may come from another process (`hearth device wipe` while `hearth serve` runs): they
 * are also written to the `signals` table, which a serving process (one with subscribers) reads
 * every second; rows written by this process are skipped, rows older than a minute are removed
 * (by a writer, at most every SIGNAL_PRUNE_MS).
 */
export class LocalBus implements ChangeBus {
  private readonly listeners = new ListenerRegistry();
  private readonly origin = randomBytes(8).toString('hex');
  private db: Kysely<Database> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cursor: number | null = null;
  private polling = false;
  private prunedAt = 0;

  /** Called once the store's Kysely handle exists (after migrations). */
  async attach(db: Kysely<Database>): Promise<void> {
    this.db = db;
    // From now on: signals written before this process opened the store are not for it.
    const row = await db.selectFrom('signals').select((eb) => eb.fn.max<number>('id').as('max')).executeTakeFirst();
    this.cursor = Number(row?.max ?? 0);
  }

  async inTransaction(trx: Trx, events: ChangeEvent[]): Promise<void> {
    const signals = events.filter((e) => e.signal !== undefined);
    if (signals.length === 0) return;
    const at = Date.now();
    await trx.insertInto('signals').values(signals.map((e) => ({ account_id: e.accountId, signal: e.signal!, origin: this.origin, at })) as never).execute();
    if (at - this.prunedAt < SIGNAL_PRUNE_MS) return;
    this.prunedAt = at;
    await trx.deleteFrom('signals').where('at', '<', at - SIGNAL_KEEP_MS).execute();
  }

  committed(events: ChangeEvent[]): void { for (const e of events) this.listeners.deliver(e); }

  subscribe(accountId: number, listener: ChangeListener): () => void {
    this.startPolling();
    return this.listeners.add(accountId, listener);
  }

  private startPolling(): void {
    if (this.timer || !this.db) return;
    this.timer = setInterval(() => void this.poll(), SIGNAL_POLL_MS);
    this.timer.unref();
  }

  /** Reads signals other processes wrote since the last look. */
  async poll(): Promise<void> {
    if (!this.db || this.polling) return;
    this.polling = true;
    try {
      const rows = await this.db.selectFrom('signals').selectAll().where('id', '>', this.cursor ?? 0).orderBy('id').execute();
      for (const r of rows) {
        this.cursor = Math.max(this.cursor ?? 0, Number(r.id));
        if (r.origin !== this.origin) this.listeners.deliver({ accountId: Number(r.account_id), folderId: null, modseq: 0, signal: r.signal });
      }
    } catch {
      // The database is closing or busy: the next tick tries again.
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.db = null;
  }
}
