import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Folder, FolderKind, FolderRole, Item } from '../model/types.js';
import type { Changes, FolderChanges, TogetherRead, ItemPatch, ListedField, ListedItem, ListFieldsOptions, ListItemsOptions, NewFolder, NewItem, WriteOptions } from './store.js';
import { StoreError, conflict, notFound } from './errors.js';
import type { ItemRow, TombstoneRow } from './schema.js';
import { json, toFolder, toItem, toPimSyncItem, toTombstone } from './rows.js';
import { ItemWriter } from './item-writer.js';
import { nextUidValidity } from './uid-validity-schema.js';
import { ITEM_COLUMNS, now, type BlobRefs, type ReadPlan, type Trx, type WriteScope } from './sql-store-base.js';
import { DirectoryStore } from './directory.js';
import { QueryShape } from './query-shape.js';
import { hashInto, type BlobRange, type BlobReadStream, type BlobStreamOptions, type StoredBlob } from './blob-stream.js';

/** Folders, items (writes in ItemWriter) and blobs. */
export abstract class ContentStore extends DirectoryStore {
  protected readonly items = new ItemWriter(this);

  // The reads every IMAP command makes (the change check, SELECT's lookup), compiled once (query-shape.ts).
  private readonly folderById = new QueryShape(this.db as never, 1, (id: number) =>
    this.db.selectFrom('folders').selectAll().where('id', '=', id));
  private readonly foldersOf = new QueryShape(this.db as never, 1, (accountId: number) =>
    this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).orderBy('id'));
  private readonly foldersOfKind = new QueryShape(this.db as never, 2, (accountId: number, kind: FolderKind) =>
    this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).orderBy('id').where('kind', '=', kind));
  /**
   * The change feed of a folder as one statement (one round trip and one snapshot, where it was
   * three queries on three pooled connections): the items changed after a modseq and the
   * tombstones after it (each by modseq, at most `limit`), and a row for the folder itself with
   * its content modseq (none when the folder is gone). `row_kind` tells them apart: 1, 2, 3 (numbers, so that the
   * statement has no quote and can travel inside a transaction's group, pg-driver.ts `inlineQuery`);
   * tombstones and the folder row fill the item columns they have (`id` is the tombstone's
   * item_id, the folder row's `modseq` its content modseq) and leave the others null (outside any
   * subquery: PostgreSQL types a null inside one as text, which no bigint column unites with).
   */
  private readonly feed = (['all', 'withoutContent', 'pim'] as const).map((variant) => {
    const columns = variant === 'pim' ? PIM_SYNC_COLUMNS : ITEM_COLUMNS.filter((c) => !(variant === 'withoutContent' && c === 'content'));
    const ident = (c: string) => sql.ref(c);
    const list = (pick: (c: string) => ReturnType<typeof sql.ref> | ReturnType<typeof sql.raw>) => sql.join(columns.map((c) => sql`${pick(c)} as ${ident(c)}`));
    const TOMBSTONE = new Set(['folder_id', 'name', 'uid', 'imap_uid', 'modseq']);
    return new QueryShape(this.db as never, 3, (folderId: number, modseq: number, limit: number) => {
      const q = sql<Record<string, unknown>>`
        select * from (select 1 as row_kind, ${list(ident)} from items where folder_id = ${folderId} and modseq > ${modseq} order by modseq limit ${limit}) changed
        union all
        select 2 as row_kind, ${list((c) => (c === 'id' ? ident('item_id') : TOMBSTONE.has(c) ? ident(c) : sql.raw('null')))}
          from (select * from tombstones where folder_id = ${folderId} and modseq > ${modseq} order by modseq limit ${limit}) gone
        union all
        select 3 as row_kind, ${list((c) => (c === 'id' ? ident('id') : c === 'modseq' ? ident('content_modseq') : sql.raw('null')))}
          from folders where id = ${folderId}`;
      return { compile: () => q.compile(this.db) };
    });
  });

  // Folders

  async createFolder(f: NewFolder): Promise<Folder> {
    return this.write(async (scope) => {
      const { trx } = scope;
      if (f.parentId != null) {
        const parent = await trx.selectFrom('folders').select('account_id').where('id', '=', f.parentId).executeTakeFirst();
        if (!parent || Number(parent.account_id) !== f.accountId) throw notFound('parent folder');
      }
      const modseq = await this.nextModseq(trx, f.accountId);
      if (await this.siblingNamed(trx, f.accountId, f.parentId ?? null, f.name)) throw conflict(`folder ${f.name} exists`);
      const created = now();
      // Never a value given out before, even within the same second (RFC 9051 §2.3.1.1); the
      // account row is locked by nextModseq, so concurrent creations are serialized here.
      const account = await trx.selectFrom('accounts').select('uid_validity_last').where('id', '=', f.accountId).executeTakeFirst();
      const uidValidity = nextUidValidity(created, Number(account?.uid_validity_last ?? 0));
      await trx.updateTable('accounts').set({ uid_validity_last: uidValidity }).where('id', '=', f.accountId).execute();
      const row = await trx.insertInto('folders').values({
        account_id: f.accountId, parent_id: f.parentId ?? null, name: f.name, kind: f.kind, role: f.role ?? null,
        props: JSON.stringify(f.props ?? {}), uid_validity: uidValidity, uid_next: 1, modseq,
        content_modseq: modseq, created_at: created,
      } as never).returningAll().executeTakeFirstOrThrow();
      scope.events.push({ accountId: f.accountId, folderId: Number(row.id), modseq });
      return toFolder(row);
    });
  }

  private async siblingNamed(trx: Trx, accountId: number, parentId: number | null, name: string) {
    let q = trx.selectFrom('folders').select('id').where('account_id', '=', accountId).where('name', '=', name);
    q = parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId);
    return q.executeTakeFirst();
  }

  async getFolder(id: number): Promise<Folder | null> {
    const [row] = await this.folderById.run(id);
    return row ? toFolder(row) : null;
  }

  async listFolders(accountId: number, kind?: FolderKind): Promise<Folder[]> {
    const rows = kind ? await this.foldersOfKind.run(accountId, kind) : await this.foldersOf.run(accountId);
    return rows.map(toFolder);
  }

  async findFolderByRole(accountId: number, role: FolderRole): Promise<Folder | null> {
    const row = await this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).where('role', '=', role)
      .orderBy('id').executeTakeFirst();
    return row ? toFolder(row) : null;
  }

  async findFolderByName(accountId: number, parentId: number | null, name: string): Promise<Folder | null> {
    const found = await this.siblingNamed(this.db as unknown as Trx, accountId, parentId, name);
    return found ? this.getFolder(Number(found.id)) : null;
  }

  async updateFolder(id: number, patch: Partial<Pick<Folder, 'name' | 'parentId' | 'props' | 'role'>>): Promise<Folder> {
    return this.write(async (scope) => {
      const { trx } = scope;
      const current = await trx.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound('folder');
      const accountId = Number(current.account_id);
      const modseq = await this.nextModseq(trx, accountId);
      const name = patch.name ?? current.name;
      const parentId = patch.parentId !== undefined ? patch.parentId : current.parent_id === null ? null : Number(current.parent_id);
      if (name !== current.name || parentId !== (current.parent_id === null ? null : Number(current.parent_id))) {
        if (parentId !== null) {
          // A folder cannot move below itself or its own descendants.
          for (let p: number | null = parentId; p !== null;) {
            if (p === id) throw new StoreError('Invalid', 'a folder cannot move into itself');
            const parent = await trx.selectFrom('folders').select(['parent_id', 'account_id']).where('id', '=', p).executeTakeFirst();
            if (!parent || Number(parent.account_id) !== accountId) throw notFound('parent folder');
            p = parent.parent_id === null ? null : Number(parent.parent_id);
          }
        }
        const other = await this.siblingNamed(trx, accountId, parentId, name);
        if (other && Number(other.id) !== id) throw conflict(`folder ${name} exists`);
      }
      const row = await trx.updateTable('folders').set({
        name, parent_id: parentId, props: patch.props ? JSON.stringify(patch.props) : current.props,
        role: patch.role !== undefined ? patch.role : current.role, modseq, content_modseq: modseq,
      }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      scope.events.push({ accountId, folderId: id, modseq });
      return toFolder(row);
    });
  }

  async deleteFolder(id: number): Promise<void> {
    await this.write(async (scope) => {
      const { trx } = scope;
      const root = await trx.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
      if (!root) throw notFound('folder');
      const accountId = Number(root.account_id);
      // Collect the subtree breadth-first.
      const ids = [id];
      for (let i = 0; i < ids.length; i++) {
        const kids = await trx.selectFrom('folders').select('id').where('parent_id', '=', ids[i]).execute();
        ids.push(...kids.map((k) => Number(k.id)));
      }
      const modseq = await this.nextModseq(trx, accountId, ids.length);
      const usage = await trx.selectFrom('items')
        .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'),
          eb.fn.countAll<number>().as('n')])
        .where('folder_id', 'in', ids).executeTakeFirstOrThrow();
      const mail = await trx.selectFrom('items').innerJoin('folders', 'folders.id', 'items.folder_id')
        .select((eb) => eb.fn.countAll<number>().as('n')).where('items.folder_id', 'in', ids).where('folders.kind', '=', 'mail')
        .executeTakeFirstOrThrow();
      const blobs = await trx.selectFrom('items').select('blob_hash').where('folder_id', 'in', ids).where('blob_hash', 'is not', null).execute();
      for (const b of blobs) await this.releaseBlobIn(scope, b.blob_hash!);
      await trx.deleteFrom('tombstones').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('items').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('grants').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('folders').where('id', 'in', ids).execute();
      await trx.updateTable('accounts').set({
        used_bytes: sql`used_bytes - ${Number(usage.bytes)}`, used_messages: sql`used_messages - ${Number(mail.n)}`,
      }).where('id', '=', accountId).execute();
      await trx.insertInto('folder_tombstones')
        .values(ids.map((folderId, i) => ({ account_id: accountId, folder_id: folderId, modseq: modseq + i })) as never).execute();
      scope.events.push({ accountId, folderId: id, modseq: modseq + ids.length - 1 });
    });
  }

  async folderChangesSince(accountId: number, modseq: number): Promise<FolderChanges> {
    const [changed, deleted, current] = await Promise.all([
      this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).where('modseq', '>', modseq).orderBy('modseq').execute(),
      this.db.selectFrom('folder_tombstones').selectAll().where('account_id', '=', accountId).where('modseq', '>', modseq).orderBy('modseq').execute(),
      this.accountModseq(accountId),
    ]);
    return {
      changed: changed.map(toFolder),
      deleted: deleted.map((r) => ({ accountId: Number(r.account_id), folderId: Number(r.folder_id), modseq: Number(r.modseq) })),
      modseq: current,
    };
  }

  // Items: the writes live in ItemWriter (item-writer.ts); reads here.

  createItem(item: NewItem): Promise<Item> { return this.items.create([item]).then((r) => r[0]); }
  createItems(items: NewItem[]): Promise<Item[]> { return this.items.create(items); }
  updateItem(id: number, patch: ItemPatch, opts?: WriteOptions): Promise<Item> { return this.items.update(id, patch, opts); }
  deleteItem(id: number, opts?: WriteOptions): Promise<void> { return this.items.delete(id, opts); }
  moveItem(id: number, toFolderId: number, newName?: string): Promise<Item> { return this.items.move(id, toFolderId, newName); }

  async getItem(id: number): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemByName(folderId: number, name: string): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId).where('name', '=', name).executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemByUid(folderId: number, uid: string): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId).where('uid', '=', uid)
      .orderBy('id').executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemsByNames(folderId: number, names: string[]): Promise<Item[]> {
    if (names.length === 0) return [];
    const out: Item[] = [];
    // Bounded IN lists (SQLite's default variable limit is 32766; stay well below).
    for (let i = 0; i < names.length; i += 500) {
      const rows = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId)
        .where('name', 'in', names.slice(i, i + 500)).execute();
      out.push(...rows.map(toItem));
    }
    return out;
  }

  async listItems(folderId: number, opts: ListItemsOptions = {}): Promise<Item[]> {
    const columns = ITEM_COLUMNS.filter((c) => !(opts.withoutContent && c === 'content'));
    let q = this.db.selectFrom('items').select(columns).where('folder_id', '=', folderId);
    // Overlap test: starts before `to` and ends after `from`; unknown bounds never exclude.
    if (opts.to !== undefined) q = q.where((eb) => eb.or([eb('start_at', 'is', null), eb('start_at', '<', opts.to!)]));
    if (opts.from !== undefined) q = q.where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', opts.from!)]));
    if (opts.componentType) q = q.where('component_type', '=', opts.componentType);
    if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
    q = q.orderBy('id');
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map((r) => toItem({ content: null, ...(r as object) } as ItemRow));
  }

  /**
   * Items by name with the listed columns (multiget), one compiled query per column set: the
   * names go as one parameter (a JSON array read by json_each on SQLite, a text[] for
   * `= any` on PostgreSQL), so the SQL text does not change with their number and is neither
   * rebuilt by Kysely nor parsed again by the database with a parameter per name.
   */
  private readonly byNames = new Map<string, QueryShape<[number, unknown], Record<string, unknown>>>();

  private byNamesShape(fields: readonly ListedField[]): QueryShape<[number, unknown], Record<string, unknown>> {
    const key = fields.join(',');
    let shape = this.byNames.get(key);
    if (!shape) {
      const columns = listedColumns(fields);
      const inNames = (names: unknown) => (this.dialect === 'postgres' ? sql<boolean>`name = any(${names}::text[])` : sql<boolean>`name in (select value from json_each(${names}))`);
      shape = new QueryShape(this.db as never, 2, (folderId: number, names: unknown) =>
        this.db.selectFrom('items').select(columns as never[]).where('folder_id', '=', folderId).where(inNames(names)) as never);
      this.byNames.set(key, shape);
    }
    return shape;
  }

  async listItemFields<F extends ListedField>(folderId: number, fields: readonly F[], opts: ListFieldsOptions = {}): Promise<ListedItem<F>[]> {
    const columns = listedColumns(fields);
    // Ordered in SQL only when a limit needs it: with a name or date filter the planner must stay
    // free to use the (folder, name) or (folder, start) index rather than walk (folder, modseq).
    const filtered = opts.names !== undefined || opts.from !== undefined || opts.to !== undefined;
    const part = async (names: string[] | undefined, startless: boolean) => {
      let q = this.db.selectFrom('items').select(columns as never[]).where('folder_id', '=', folderId);
      if (opts.afterModseq !== undefined) q = q.where('modseq', '>', opts.afterModseq);
      if (names) q = q.where('name', 'in', names);
      if (opts.to !== undefined) q = startless ? q.where('start_at', 'is', null) : q.where('start_at', '<', opts.to);
      if (opts.from !== undefined) q = q.where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', opts.from!)]));
      if (opts.componentType) q = q.where('component_type', '=', opts.componentType);
      if (!filtered || opts.limit !== undefined) q = q.orderBy('modseq');
      if (opts.limit !== undefined) q = q.limit(opts.limit);
      return (await q.execute()) as unknown as Record<string, unknown>[];
    };
    // "start_at IS NULL OR start_at < to" in one query keeps SQLite off the (folder, start) index:
    // it walked the whole folder (10,000 rows for a month of 459). Two queries, each on the index;
    // the rows are sorted by modseq (and cut to the limit) below as for any filtered listing.
    const run = async (names?: string[]) => (opts.to === undefined ? part(names, false) : [...await part(names, false), ...await part(names, true)]);
    let rows: Record<string, unknown>[];
    if (!opts.names) rows = await run();
    else if (opts.afterModseq === undefined && opts.to === undefined && opts.from === undefined && opts.componentType === undefined) {
      rows = opts.names.length === 0 ? [] : await this.byNamesShape(fields).run(folderId, this.dialect === 'postgres' ? opts.names : JSON.stringify(opts.names));
    } else {
      rows = [];
      // Bounded IN lists, as getItemsByNames.
      for (let i = 0; i < opts.names.length; i += 500) for (const r of await run(opts.names.slice(i, i + 500))) rows.push(r);
    }
    if (filtered) rows.sort((a, b) => Number(a.modseq) - Number(b.modseq));
    if (opts.limit !== undefined && rows.length > opts.limit) rows.length = opts.limit;
    const props = fields.includes('props' as F);
    const recurring = fields.includes('recurring' as F);
    if (props || recurring) for (const r of rows) {
      if (props) r.props = json(r.props as string | null, {});
      if (recurring) r.recurring = !!r.recurring;
    }
    return rows as unknown as ListedItem<F>[];
  }

  async countItems(folderId: number): Promise<{ count: number; size: number }> {
    const row = await this.db.selectFrom('items')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('size')])
      .where('folder_id', '=', folderId).executeTakeFirstOrThrow();
    return { count: Number(row.n), size: Number(row.size) };
  }

  async changesSince(folderId: number, modseq: number, limit = 10_000, opts: { withoutContent?: boolean; pimSync?: boolean } = {}): Promise<Changes> {
    return this.changesFrom(await this.feed[feedVariant(opts)].run(folderId, modseq, limit + 1), modseq, limit, opts.pimSync ?? false);
  }

  override planRead(r: TogetherRead): ReadPlan | null {
    switch (r.read) {
      case 'getFolder': return { query: this.folderById.compile(r.args[0]), decode: (rows) => (rows[0] ? toFolder(rows[0] as never) : null) };
      case 'listFolders': {
        const [accountId, kind] = r.args;
        return { query: kind ? this.foldersOfKind.compile(accountId, kind) : this.foldersOf.compile(accountId), decode: (rows) => rows.map((f) => toFolder(f as never)) };
      }
      case 'changesSince': {
        const [folderId, modseq, limit = 10_000, opts = {}] = r.args;
        return { query: this.feed[feedVariant(opts)].compile(folderId, modseq, limit + 1), decode: (rows) => this.changesFrom(rows as Record<string, unknown>[], modseq, limit, opts.pimSync ?? false) };
      }
      default: return super.planRead(r);
    }
  }

  /** The change feed's rows (`feed`, fetched with limit + 1) as changesSince answers them. */
  private changesFrom(rows: Record<string, unknown>[], modseq: number, limit: number, pimSync: boolean): Changes {
    const byModseq = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.modseq) - Number(b.modseq);
    const changedRows = rows.filter((r) => Number(r.row_kind) === 1).sort(byModseq);
    const deletedRows = rows.filter((r) => Number(r.row_kind) === 2).sort(byModseq)
      .map((r) => ({ folder_id: r.folder_id, item_id: r.id, name: r.name, uid: r.uid, imap_uid: r.imap_uid, modseq: r.modseq }) as unknown as TombstoneRow);
    const f = rows.find((r) => Number(r.row_kind) === 3);
    if (!f) throw notFound('folder');
    const folder = { content_modseq: f.modseq };
    // toItem reads the columns by name (row_kind is ignored, a missing content is null): no copy of each row.
    const changed = changedRows.map(pimSync ? (r) => toPimSyncItem(r as unknown as ItemRow) : (r) => toItem(r as unknown as ItemRow));
    const deleted = deletedRows.map(toTombstone);
    if (changed.length + deleted.length <= limit) {
      const last = Math.max(modseq, Number(folder.content_modseq), ...changed.map((c) => c.modseq), ...deleted.map((d) => d.modseq));
      return { changed, deleted, modseq: last, more: false };
    }
    // Merge by modseq and cut at `limit`; the cut modseq is where the next call starts.
    const merged = [...changed.map((c) => ({ m: c.modseq, c })), ...deleted.map((d) => ({ m: d.modseq, d }))]
      .sort((a, b) => a.m - b.m).slice(0, limit);
    const cut = merged[merged.length - 1].m;
    return {
      changed: changed.filter((c) => c.modseq <= cut), deleted: deleted.filter((d) => d.modseq <= cut), modseq: cut, more: true,
    };
  }

  // Blobs

  async putBlob(data: Uint8Array): Promise<string> {
    return this.write((scope) => this.putBlobIn(scope, data));
  }

  /** putBlob inside a write: one more reference, or the new blob (its row and bytes) in this transaction. */
  async putBlobIn({ trx }: WriteScope, data: Uint8Array): Promise<string> {
    const hash = createHash('sha256').update(data).digest('hex');
    const updated = await trx.updateTable('blobs').set({ ref_count: sql`ref_count + 1` }).where('hash', '=', hash).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await this.blobs.write(trx, hash, data);
    return hash;
  }

  /**
   * Inside a write: each blob gains `refs` references, its row and bytes created when it is not
   * stored yet; the blobs of a delivery batch in one statement where the backend can.
   */
  async addBlobsIn({ trx }: WriteScope, blobs: BlobRefs[]): Promise<void> {
    if (blobs.length) await this.blobs.addOrCreate(trx, blobs);
  }

  /** addBlobsIn as a query to run as a CTE of the caller's next statement, when the backend can (BlobBackend). */
  addBlobsQuery({ trx }: WriteScope, blobs: BlobRefs[]) {
    return this.blobs.addOrCreateQuery?.(trx, blobs);
  }

  getBlob(hash: string): Promise<Buffer | null> {
    return /^[0-9a-f]{64}$/.test(hash) ? this.blobs.read(this.db, hash) : Promise.resolve(null);
  }

  async releaseBlob(hash: string): Promise<void> {
    await this.write((scope) => this.releaseBlobIn(scope, hash));
  }

  async putBlobStream(source: Readable, opts: BlobStreamOptions): Promise<StoredBlob> {
    const staged = await this.blobs.stage(this.db);
    try {
      // Bytes go to staging outside any transaction: a long upload holds no lock.
      const blob = await hashInto(source, opts.maxBytes, (chunk) => staged.append(chunk));
      await staged.seal();
      await this.write(async ({ trx }) => {
        const updated = await trx.updateTable('blobs').set({ ref_count: sql`ref_count + 1` }).where('hash', '=', blob.hash).executeTakeFirst();
        if (Number(updated.numUpdatedRows) > 0) return;
        await this.blobs.adopt(trx, staged, blob.hash, blob.size);
      });
      return blob;
    } finally {
      await staged.discard();
    }
  }

  async getBlobStream(hash: string, range?: BlobRange): Promise<BlobReadStream | null> {
    return /^[0-9a-f]{64}$/.test(hash) ? this.blobs.readStream(this.db, hash, range) : null;
  }
}

/** Which of `feed`'s three statements a changesSince with these options reads. */
const feedVariant = (opts: { withoutContent?: boolean; pimSync?: boolean }) => (opts.pimSync ? 2 : opts.withoutContent ? 1 : 0);

/**
 * The columns of changesSince's `pimSync` feed: what a sync of contacts, events, tasks and notes
 * reads (ids, name, UID, content, the filter's fields, modseq). Every item column is a string or
 * number built per row: the ActiveSync window reads 100 rows, and the seven left out (flags,
 * summary, props, content type, blob hash, times) were about a third of its read.
 */
const PIM_SYNC_COLUMNS = ['id', 'account_id', 'folder_id', 'name', 'uid', 'content', 'size', 'imap_uid', 'component_type', 'start_at', 'end_at', 'recurring', 'modseq'] as const;

/** The column of each field a lean listing may select. */
/**
 * The select list of a lean listing. Columns come out under the model's names: the rows need no
 * second object each. Empty props (nearly every row) come as NULL: cheaper to read than 10,000
 * copies of '{}'.
 */
function listedColumns(fields: readonly ListedField[]): unknown[] {
  return ['id', 'name', 'modseq', ...fields.map((f) => (f === 'props' ? sql`nullif(props, '{}')`.as('props') : LISTED_COLUMNS[f] === f ? f : `${LISTED_COLUMNS[f]} as ${f}`))];
}

const LISTED_COLUMNS: Record<ListedField, string> = {
  contentType: 'content_type', size: 'size', props: 'props', createdAt: 'created_at', updatedAt: 'updated_at', blobHash: 'blob_hash',
  content: 'content', componentType: 'component_type', startAt: 'start_at', endAt: 'end_at', recurring: 'recurring',
};
