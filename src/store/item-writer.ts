import { sql } from 'kysely';
import type { Item } from '../model/types.js';
import type { ItemPatch, NewItem, WriteOptions } from './store.js';
import type { FolderRow, ItemRow } from './schema.js';
import { StoreError, conflict, notFound } from './errors.js';
import { toItem } from './rows.js';
import type { SqlStoreBase, Trx, WriteScope } from './sql-store-base.js';

const PIM_KINDS = new Set(['calendar', 'contacts', 'tasks', 'notes']);

/**
 * Item writes: every one takes the account's next modseq(s), moves the folder's content modseq,
 * keeps the account's usage counters and quota, and leaves a tombstone where an item leaves a folder.
 */
export class ItemWriter {
  constructor(private readonly store: SqlStoreBase) {}

  async create(items: NewItem[]): Promise<Item[]> {
    if (items.length === 0) return [];
    return this.store.write(async (scope) => {
      const { trx } = scope;
      const folders = new Map<number, FolderRow>();
      for (const it of items) {
        if (!folders.has(it.folderId)) folders.set(it.folderId, await this.folder(trx, it.folderId));
      }
      const accountId = Number(folders.values().next().value!.account_id);
      if ([...folders.values()].some((f) => Number(f.account_id) !== accountId)) {
        throw new StoreError('Invalid', 'one batch writes to one account');
      }
      let modseq = await this.store.nextModseq(trx, accountId, items.length);
      const bytes = items.reduce((n, it) => n + (it.size ?? byteLength(it.content)), 0);
      const messages = items.filter((it) => folders.get(it.folderId)!.kind === 'mail').length;
      await this.chargeQuota(trx, accountId, bytes, messages);
      // Uniqueness of UIDs inside PIM folders (RFC 4791 §5.3.2.1 no-uid-conflict); names by index.
      const uidsByFolder = new Map<number, string[]>();
      for (const it of items) {
        if (!it.uid || !PIM_KINDS.has(folders.get(it.folderId)!.kind)) continue;
        const list = uidsByFolder.get(it.folderId) ?? [];
        uidsByFolder.set(it.folderId, list);
        list.push(it.uid);
      }
      for (const [folderId, uids] of uidsByFolder) {
        if (new Set(uids).size !== uids.length) throw conflict('one UID twice in the batch');
        for (let i = 0; i < uids.length; i += 500) {
          const dup = await trx.selectFrom('items').select('uid').where('folder_id', '=', folderId)
            .where('uid', 'in', uids.slice(i, i + 500)).executeTakeFirst();
          if (dup) throw conflict(`uid ${dup.uid} exists in the folder`);
        }
      }
      const t = Date.now();
      const rows: ItemRow[] = [];
      for (const it of items) {
        const folder = folders.get(it.folderId)!;
        const imapUid = folder.kind === 'mail' ? await this.takeUid(trx, folder) : null;
        rows.push({
          account_id: accountId, folder_id: it.folderId, name: it.name, uid: it.uid ?? null, content: it.content ?? null,
          blob_hash: it.blobHash ?? null, content_type: it.contentType ?? null, size: it.size ?? byteLength(it.content),
          imap_uid: imapUid, flags: JSON.stringify(it.flags ?? []), component_type: it.componentType ?? null,
          summary: it.summary ?? null, start_at: it.startAt ?? null, end_at: it.endAt ?? null, recurring: it.recurring ? 1 : 0,
          props: JSON.stringify(it.props ?? {}), modseq: modseq++, created_at: t, updated_at: t,
        } as ItemRow);
      }
      const out: Item[] = [];
      // Multi-row inserts in chunks; a duplicate name fails the whole batch (unique index).
      for (let i = 0; i < rows.length; i += 200) {
        try {
          const inserted = await trx.insertInto('items').values(rows.slice(i, i + 200) as never).returningAll().execute();
          out.push(...inserted.map(toItem));
        } catch (e) {
          if (isUniqueViolation(e)) throw conflict('an item of that name exists in the folder');
          throw e;
        }
      }
      for (const f of folders.values()) {
        const last = Math.max(...out.filter((o) => o.folderId === Number(f.id)).map((o) => o.modseq));
        await trx.updateTable('folders').set({ content_modseq: last }).where('id', '=', f.id).execute();
        scope.events.push({ accountId, folderId: Number(f.id), modseq: last });
      }
      return out.sort((a, b) => a.modseq - b.modseq);
    });
  }

  async update(id: number, patch: ItemPatch, opts: WriteOptions = {}): Promise<Item> {
    return this.store.write(async (scope) => {
      const { trx } = scope;
      const before = await this.checked(trx, id, {});
      const modseq = (await this.store.nextModseq(trx, Number(before.account_id)));
      // Re-read after the account lock so that a concurrent writer's commit is seen (no lost update).
      const current = await this.checked(trx, id, opts);
      const set: Record<string, unknown> = { modseq, updated_at: Date.now() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.uid !== undefined) set.uid = patch.uid;
      if (patch.content !== undefined) set.content = patch.content;
      if (patch.blobHash !== undefined) set.blob_hash = patch.blobHash;
      if (patch.contentType !== undefined) set.content_type = patch.contentType;
      if (patch.flags !== undefined) set.flags = JSON.stringify(patch.flags);
      if (patch.componentType !== undefined) set.component_type = patch.componentType;
      if (patch.summary !== undefined) set.summary = patch.summary;
      if (patch.startAt !== undefined) set.start_at = patch.startAt;
      if (patch.endAt !== undefined) set.end_at = patch.endAt;
      if (patch.recurring !== undefined) set.recurring = patch.recurring ? 1 : 0;
      if (patch.props !== undefined) set.props = JSON.stringify(patch.props);
      const newSize = patch.size ?? (patch.content !== undefined ? byteLength(patch.content) : Number(current.size));
      set.size = newSize;
      await this.chargeQuota(trx, Number(current.account_id), newSize - Number(current.size), 0);
      if (patch.uid && patch.uid !== current.uid) {
        const folder = await this.folder(trx, Number(current.folder_id));
        if (PIM_KINDS.has(folder.kind)) {
          const dup = await trx.selectFrom('items').select('id').where('folder_id', '=', current.folder_id).where('uid', '=', patch.uid)
            .where('id', '!=', id).executeTakeFirst();
          if (dup) throw conflict(`uid ${patch.uid} exists in the folder`);
        }
      }
      let row: ItemRow;
      try {
        row = await trx.updateTable('items').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('an item of that name exists in the folder');
        throw e;
      }
      if (patch.name !== undefined && patch.name !== current.name) {
        // A renamed resource is gone under its old name for sync-collection clients.
        await this.tombstone(trx, current, modseq);
      }
      if (patch.blobHash !== undefined && current.blob_hash && current.blob_hash !== patch.blobHash) {
        await this.store.releaseBlobIn(scope, current.blob_hash);
      }
      await trx.updateTable('folders').set({ content_modseq: modseq }).where('id', '=', current.folder_id).execute();
      scope.events.push({ accountId: Number(current.account_id), folderId: Number(current.folder_id), modseq });
      return toItem(row);
    });
  }

  async delete(id: number, opts: WriteOptions = {}): Promise<void> {
    await this.store.write(async (scope) => {
      const { trx } = scope;
      const before = await this.checked(trx, id, {});
      const modseq = await this.store.nextModseq(trx, Number(before.account_id));
      const current = await this.checked(trx, id, opts);
      const folder = await this.folder(trx, Number(current.folder_id));
      await trx.deleteFrom('items').where('id', '=', id).execute();
      await this.tombstone(trx, current, modseq);
      await this.chargeQuota(trx, Number(current.account_id), -Number(current.size), folder.kind === 'mail' ? -1 : 0);
      if (current.blob_hash) await this.store.releaseBlobIn(scope, current.blob_hash);
      await trx.updateTable('folders').set({ content_modseq: modseq }).where('id', '=', current.folder_id).execute();
      scope.events.push({ accountId: Number(current.account_id), folderId: Number(current.folder_id), modseq });
    });
  }

  async move(id: number, toFolderId: number, newName?: string): Promise<Item> {
    return this.store.write(async (scope) => {
      const { trx } = scope;
      const before = await this.checked(trx, id, {});
      const accountId = Number(before.account_id);
      const target = await this.folder(trx, toFolderId);
      if (Number(target.account_id) !== accountId) throw new StoreError('Invalid', 'items move within one account');
      const modseq = await this.store.nextModseq(trx, accountId, 2);
      const current = await this.checked(trx, id, {});
      const source = await this.folder(trx, Number(current.folder_id));
      const name = newName ?? current.name;
      const imapUid = target.kind === 'mail' ? await this.takeUid(trx, target) : null;
      await this.tombstone(trx, current, modseq);
      let row: ItemRow;
      try {
        row = await trx.updateTable('items').set({ folder_id: toFolderId, name, imap_uid: imapUid, modseq: modseq + 1, updated_at: Date.now() })
          .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('an item of that name exists in the target folder');
        throw e;
      }
      const messages = (target.kind === 'mail' ? 1 : 0) - (source.kind === 'mail' ? 1 : 0);
      if (messages) await this.chargeQuota(trx, accountId, 0, messages);
      await trx.updateTable('folders').set({ content_modseq: modseq }).where('id', '=', source.id).execute();
      await trx.updateTable('folders').set({ content_modseq: modseq + 1 }).where('id', '=', target.id).execute();
      scope.events.push({ accountId, folderId: Number(source.id), modseq }, { accountId, folderId: toFolderId, modseq: modseq + 1 });
      return toItem(row);
    });
  }

  private async folder(trx: Trx, id: number): Promise<FolderRow> {
    const f = await trx.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
    if (!f) throw notFound('folder');
    return f;
  }

  private async checked(trx: Trx, id: number, opts: WriteOptions): Promise<ItemRow> {
    const row = await trx.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('item');
    if (opts.ifModseq !== undefined && Number(row.modseq) !== opts.ifModseq) {
      throw new StoreError('PreconditionFailed', 'the item changed since it was read');
    }
    return row;
  }

  private async takeUid(trx: Trx, folder: FolderRow): Promise<number> {
    const r = await trx.updateTable('folders').set({ uid_next: sql`uid_next + 1` }).where('id', '=', folder.id)
      .returning('uid_next').executeTakeFirstOrThrow();
    return Number(r.uid_next) - 1;
  }

  private async tombstone(trx: Trx, item: ItemRow, modseq: number): Promise<void> {
    await trx.insertInto('tombstones').values({
      folder_id: item.folder_id, item_id: item.id, name: item.name, uid: item.uid, imap_uid: item.imap_uid, modseq,
    } as never).execute();
  }

  /** Adds to the account's usage, refusing growth beyond its quota (bytes and messages). */
  private async chargeQuota(trx: Trx, accountId: number, bytes: number, messages: number): Promise<void> {
    if (bytes === 0 && messages === 0) return;
    const row = await trx.updateTable('accounts')
      .set({ used_bytes: sql`used_bytes + ${bytes}`, used_messages: sql`used_messages + ${messages}` })
      .where('id', '=', accountId).returning(['used_bytes', 'used_messages', 'quota_bytes', 'quota_messages']).executeTakeFirstOrThrow();
    if (bytes > 0 && row.quota_bytes !== null && Number(row.used_bytes) > Number(row.quota_bytes)) {
      throw new StoreError('QuotaExceeded', 'the account is over its storage quota');
    }
    if (messages > 0 && row.quota_messages !== null && Number(row.used_messages) > Number(row.quota_messages)) {
      throw new StoreError('QuotaExceeded', 'the account is over its message quota');
    }
  }
}

function byteLength(s: string | null | undefined): number {
  return s ? Buffer.byteLength(s, 'utf8') : 0;
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message ?? '');
}
