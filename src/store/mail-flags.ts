/**
 * Flag changes of messages of one folder (IMAP STORE, RFC 9051 §6.4.6, with UNCHANGEDSINCE, RFC
 * 7162 §3.1.3; ActiveSync Read and Flag), in as few statements as each backend allows, every one
 * built and compiled once (query-shape.ts). One transaction: the folder's account is locked first
 * (its modseq row, the lock that orders the account's writes, as everywhere in the store), then
 * the messages are read, then the changes are written. On PostgreSQL the transaction is two
 * round trips (pg-driver.ts): BEGIN, the lock and the read; then the writes (one statement), the
 * NOTIFY and the COMMIT. So the account stays locked for about one round trip; it was ten.
 */
import { sql, type Compilable, type RawBuilder } from 'kysely';
import type { FlagChange } from '../model/mail.js';
import { StoreError, notFound } from './errors.js';
import type { FlagOperation } from './mail-store.js';
import { applyFlags, flagColumns, sameFlags, type MailDb } from './mail-rows.js';
import { QueryShape } from './query-shape.js';
import type { SqlStoreBase, Trx } from './sql-store-base.js';
import type { Changes } from './store.js';

/** How many changes `changesSince` reads with a STORE (more: the caller reads on from the page's modseq). */
const FEED_LIMIT = 1000;

interface FlagRow { id: number | string; imap_uid: number | string; modseq: number | string; flags: string; folder_modseq: number | string }

export interface FlagResult {
  changed: FlagChange[];
  modified: number[];
  /** When `changed` is not empty: the folder's content modseq just before this change (mail-store.ts). */
  priorModseq?: number;
  /** With `changesSince`: the folder's changes after it, read under the lock before this change (mail-store.ts). */
  changes?: Changes;
}

export class FlagWriter {
  /** Locks the folder's account, when the folder is a mail folder; its id and modseq. */
  private readonly lock: QueryShape<[number], { id: number | string; modseq: number | string }>;
  /** The messages by UID, read after the lock (a statement of its own: it sees every commit before the lock). */
  private readonly rows: QueryShape<[number, string], FlagRow>;
  /** PostgreSQL: every change of one STORE as one statement (data-modifying CTEs). */
  private readonly writeAll: QueryShape<[string, number, number, number, number], never>;
  /** SQLite: the same, statement by statement (no round trips to save; compiled once all the same). */
  private readonly itemFlags: QueryShape<[string, number, number, number], never>;
  private readonly messageFlags: QueryShape<[number, number, number, number], never>;
  private readonly folderModseq: QueryShape<[number, number], never>;
  private readonly accountModseq: QueryShape<[number, number], never>;

  constructor(private readonly store: SqlStoreBase) {
    const db = store.database as unknown as MailDb;
    const shape = <A extends unknown[], R>(arity: number, build: (...args: A) => Compilable<R>) => new QueryShape<A, R>(db as never, arity, build);
    const raw = <R>(q: RawBuilder<R>): Compilable<R> => ({ compile: () => q.compile(db) });
    const postgres = store.dialect === 'postgres';
    this.lock = shape(1, (folderId: number) => db.updateTable('accounts').set({ modseq: sql`modseq` })
      .where('id', '=', (eb) => eb.selectFrom('folders').select('account_id').where('id', '=', folderId).where('kind', '=', 'mail'))
      .returning(['id', 'modseq']));
    this.rows = shape(2, (folderId: number, uids: string) => db.selectFrom('items')
      .select(['id', 'imap_uid', 'modseq', 'flags', (eb) => eb.selectFrom('folders').select('content_modseq').where('id', '=', folderId).as('folder_modseq')])
      .where('folder_id', '=', folderId)
      // One parameter for any number of UIDs: an array literal on PostgreSQL, a JSON array on SQLite.
      .where(postgres ? sql<boolean>`imap_uid = any(${uids}::bigint[])` : sql<boolean>`imap_uid in (select value from json_each(${uids}))`)
      .orderBy('imap_uid') as never);
    this.writeAll = shape(5, (changes: string, now: number, last: number, folderId: number, accountId: number) => raw(sql<never>`
      with v as (select * from json_to_recordset(${changes}::json) as r(id bigint, flags text, modseq bigint, seen integer, flagged integer, deleted integer)),
      i as (update items set flags = v.flags, modseq = v.modseq, updated_at = ${now} from v where items.id = v.id),
      m as (update messages set seen = v.seen, flagged = v.flagged, deleted = v.deleted from v where messages.item_id = v.id),
      f as (update folders set content_modseq = ${last} where id = ${folderId})
      update accounts set modseq = ${last} where id = ${accountId}`));
    this.itemFlags = shape(4, (flags: string, modseq: number, now: number, id: number) =>
      db.updateTable('items').set({ flags, modseq, updated_at: now }).where('id', '=', id) as never);
    this.messageFlags = shape(4, (seen: number, flagged: number, deleted: number, id: number) =>
      db.updateTable('messages').set({ seen, flagged, deleted }).where('item_id', '=', id) as never);
    this.folderModseq = shape(2, (modseq: number, id: number) => db.updateTable('folders').set({ content_modseq: modseq }).where('id', '=', id) as never);
    this.accountModseq = shape(2, (modseq: number, id: number) => db.updateTable('accounts').set({ modseq }).where('id', '=', id) as never);
  }

  storeFlags(folderId: number, uids: number[], op: FlagOperation, flags: string[], opts: { unchangedSince?: number; changesSince?: number }): Promise<FlagResult> {
    return this.store.write(async (scope) => {
      const trx = scope.trx;
      const wanted = [...new Set(uids)];
      // The lock, then the read in a statement of its own, then the change feed when asked
      // (PostgreSQL: all in one round trip).
      const list = this.store.dialect === 'postgres' ? `{${wanted.map(Number).join(',')}}` : JSON.stringify(wanted);
      const feed = opts.changesSince === undefined ? null
        : this.store.planRead({ read: 'changesSince', args: [folderId, opts.changesSince, FEED_LIMIT, { withoutContent: true }] });
      const [[account], rows, feedRows] = await this.store.together(trx, [this.lock.compile(folderId), this.rows.compile(folderId, list), ...(feed ? [feed.query] : [])]) as
        [Array<{ id: number | string; modseq: number | string }>, FlagRow[], unknown[] | undefined];
      if (!account) return this.folderError(trx, folderId);
      const changes = feed ? feed.decode(feedRows!) as Changes : undefined;
      const accountId = Number(account.id);
      const modified: number[] = [];
      const updates: { row: FlagRow; flags: string[] }[] = [];
      for (const row of rows) {
        if (opts.unchangedSince !== undefined && Number(row.modseq) > opts.unchangedSince) { modified.push(Number(row.imap_uid)); continue; }
        const current: string[] = JSON.parse(row.flags);
        const next = applyFlags(current, op, flags);
        if (!sameFlags(current, next)) updates.push({ row, flags: next });
      }
      const feedResult = changes ? { changes } : {};
      if (updates.length === 0) return { changed: [], modified, ...feedResult };
      // Each changed message gets its own modseq, after the account's (locked, so it is current).
      const first = Number(account.modseq) + 1;
      const last = first + updates.length - 1;
      const now = Date.now();
      const changed: FlagChange[] = updates.map((u, i) => ({ uid: Number(u.row.imap_uid), itemId: Number(u.row.id), flags: u.flags, modseq: first + i }));
      if (this.store.dialect === 'postgres') {
        const values = changed.map((c) => ({ id: c.itemId, flags: JSON.stringify(c.flags), modseq: c.modseq, ...flagColumns(c.flags) }));
        await this.store.deferToCommit(trx, this.writeAll.compile(JSON.stringify(values), now, last, folderId, accountId));
      } else {
        for (const c of changed) {
          const f = flagColumns(c.flags);
          await this.itemFlags.on(trx, JSON.stringify(c.flags), c.modseq, now, c.itemId);
          await this.messageFlags.on(trx, f.seen, f.flagged, f.deleted, c.itemId);
        }
        await this.folderModseq.on(trx, last, folderId);
        await this.accountModseq.on(trx, last, accountId);
      }
      scope.events.push({ accountId, folderId, modseq: last });
      return { changed, modified, priorModseq: Number(rows[0].folder_modseq), ...feedResult };
    });
  }

  /** Why the lock found no account: the folder is missing or not a mail folder (or its account is gone). */
  private async folderError(trx: Trx, folderId: number): Promise<never> {
    const f = await trx.selectFrom('folders').select('kind').where('id', '=', folderId).executeTakeFirst();
    if (!f) throw notFound('folder');
    if (f.kind !== 'mail') throw new StoreError('Invalid', 'not a mail folder');
    throw notFound('account');
  }
}
