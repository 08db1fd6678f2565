import { sql } from 'kysely';
import type {
  DeliveryResult, DeliveryTarget, FlagChange, MailChanges, MailMessage, MailboxStatus, MessageState, NewMessage, ParsedMessage, QuotaUsage,
  UidMapping,
} from '../model/mail.js';
import type { Folder, FolderRole } from '../model/types.js';
import { StoreError, conflict, notFound } from './errors.js';
import { ContentStore } from './content.js';
import type { DeliverMessageOptions, FlagOperation, ListMessagesOptions, MailStore } from './mail-store.js';
import { MESSAGE_COLUMNS, toMailMessage, type JoinedRow, type MailDb } from './mail-rows.js';
import { MailWriter } from './mail-writer.js';
import type { FlagResult } from './mail-flags.js';
import { quotaUsage } from './mail-quota.js';
import { json } from './rows.js';
import { QueryShape } from './query-shape.js';
import type { TogetherRead } from './store.js';
import type { ReadPlan } from './sql-store-base.js';

/** The MailStore over the SQL store (both backends): reads here, writes in MailWriter. */
export abstract class MailContentStore extends ContentStore implements MailStore {
  protected readonly mail = new MailWriter(this);

  private get mdb(): MailDb { return this.db as unknown as MailDb; }

  /** FETCH's and SEARCH's read of message states, compiled once (query-shape.ts); `range` with both UID bounds. */
  private readonly states = ([false, true] as const).map((range) => new QueryShape(this.db as never, range ? 3 : 1,
    (folderId: number, uidFrom?: number, uidTo?: number) => {
      let q = this.mdb.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id')
        .select(['items.id', 'items.account_id', 'items.folder_id', 'items.imap_uid', 'items.modseq', 'items.flags', 'items.size',
          'items.blob_hash', 'messages.internal_date', 'messages.thread_id'])
        .where('items.folder_id', '=', folderId);
      if (range) q = q.where('items.imap_uid', '>=', uidFrom!).where('items.imap_uid', '<=', uidTo!);
      return q.orderBy('items.imap_uid');
    }));

  private joined() {
    return this.mdb.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id').selectAll('items').select(MESSAGE_COLUMNS);
  }

  appendMessages(folderId: number, messages: NewMessage[]): Promise<MailMessage[]> {
    return this.mail.append(folderId, messages);
  }

  deliverMessage(targets: DeliveryTarget[], bytes: Uint8Array, parsed: ParsedMessage,
    opts: DeliverMessageOptions = {}): Promise<DeliveryResult> {
    return this.mail.deliver(targets, bytes, parsed, opts);
  }

  async getMessage(itemId: number): Promise<MailMessage | null> {
    const row = await this.joined().where('items.id', '=', itemId).executeTakeFirst();
    return row ? toMailMessage(row as unknown as JoinedRow) : null;
  }

  async getMessageByUid(folderId: number, uid: number): Promise<MailMessage | null> {
    const row = await this.joined().where('items.folder_id', '=', folderId).where('items.imap_uid', '=', uid).executeTakeFirst();
    return row ? toMailMessage(row as unknown as JoinedRow) : null;
  }

  async listMessages(folderId: number, opts: ListMessagesOptions = {}): Promise<MailMessage[]> {
    let q = this.joined().where('items.folder_id', '=', folderId);
    if (opts.uidFrom !== undefined) q = q.where('items.imap_uid', '>=', opts.uidFrom);
    if (opts.uidTo !== undefined) q = q.where('items.imap_uid', '<=', opts.uidTo);
    q = q.orderBy('items.imap_uid');
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map((r) => toMailMessage(r as unknown as JoinedRow));
  }

  /** The compiled read of listMessageStates, when the options are the compiled cases (all, or a UID range). */
  private statesQuery(folderId: number, opts: ListMessagesOptions) {
    const whole = opts.uidFrom === undefined && opts.uidTo === undefined;
    const ranged = opts.uidFrom !== undefined && opts.uidTo !== undefined;
    if (opts.limit !== undefined || !(whole || ranged)) return null;
    return ranged ? this.states[1].compile(folderId, opts.uidFrom, opts.uidTo) : this.states[0].compile(folderId);
  }

  override planRead(r: TogetherRead): ReadPlan | null {
    if (r.read !== 'listMessageStates') return super.planRead(r);
    const query = this.statesQuery(r.args[0], r.args[1] ?? {});
    return query && { query, decode: (rows) => (rows as StateRow[]).map(toMessageState) };
  }

  async listMessageStates(folderId: number, opts: ListMessagesOptions = {}): Promise<MessageState[]> {
    const compiled = this.statesQuery(folderId, opts);
    if (compiled) return (await this.db.executeQuery(compiled)).rows.map((r) => toMessageState(r as StateRow));
    let q = this.mdb.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id')
      .select(['items.id', 'items.account_id', 'items.folder_id', 'items.imap_uid', 'items.modseq', 'items.flags', 'items.size',
        'items.blob_hash', 'messages.internal_date', 'messages.thread_id'])
      .where('items.folder_id', '=', folderId);
    if (opts.uidFrom !== undefined) q = q.where('items.imap_uid', '>=', opts.uidFrom);
    if (opts.uidTo !== undefined) q = q.where('items.imap_uid', '<=', opts.uidTo);
    q = q.orderBy('items.imap_uid');
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map(toMessageState);
  }

  async readMessageBytes(itemId: number, range?: { start: number; end: number }): Promise<Buffer | null> {
    const row = await this.mdb.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id')
      .select('items.blob_hash').where('items.id', '=', itemId).executeTakeFirst();
    if (!row?.blob_hash) return null;
    const bytes = await this.getBlob(row.blob_hash);
    if (!bytes) throw new StoreError('NotFound', 'message bytes missing');
    if (!range) return bytes;
    const start = Math.max(0, Math.min(range.start, bytes.length));
    return bytes.subarray(start, Math.max(start, Math.min(range.end, bytes.length)));
  }

  storeFlags(folderId: number, uids: number[], op: FlagOperation, flags: string[], opts: { unchangedSince?: number; changesSince?: number } = {}):
    Promise<FlagResult> {
    return this.mail.storeFlags(folderId, uids, op, flags, opts);
  }

  copyMessages(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping> {
    return this.mail.copy(fromFolderId, uids, toFolderId);
  }

  moveMessages(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping> {
    return this.mail.move(fromFolderId, uids, toFolderId);
  }

  expungeMessages(folderId: number, uids?: number[]): Promise<number[]> {
    return this.mail.expunge(folderId, uids);
  }

  async mailChangesSince(folderId: number, modseq: number): Promise<MailChanges> {
    const [changed, vanished, folder] = await Promise.all([
      this.joined().where('items.folder_id', '=', folderId).where('items.modseq', '>', modseq).orderBy('items.modseq').execute(),
      this.mdb.selectFrom('tombstones').select('imap_uid').where('folder_id', '=', folderId).where('modseq', '>', modseq)
        .where('imap_uid', 'is not', null).execute(),
      this.mdb.selectFrom('folders').select('content_modseq').where('id', '=', folderId).executeTakeFirst(),
    ]);
    if (!folder) throw notFound('folder');
    const live = new Set(changed.map((c) => Number(c.imap_uid)));
    return {
      changed: changed.map((r) => toMailMessage(r as unknown as JoinedRow)),
      vanished: [...new Set(vanished.map((v) => Number(v.imap_uid)))].filter((u) => !live.has(u)).sort((a, b) => a - b),
      modseq: Math.max(modseq, Number(folder.content_modseq)),
    };
  }

  async mailboxStatus(folderId: number): Promise<MailboxStatus> {
    const folder = await this.mdb.selectFrom('folders').select(['uid_next', 'uid_validity', 'content_modseq', 'kind'])
      .where('id', '=', folderId).executeTakeFirst();
    if (!folder) throw notFound('folder');
    const row = await this.mdb.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('items.size'), sql<number>`0`).as('bytes'),
        eb.fn.coalesce(eb.fn.sum<number>(sql`1 - messages.seen`), sql<number>`0`).as('unseen')])
      .where('items.folder_id', '=', folderId).executeTakeFirstOrThrow();
    return {
      messages: Number(row.n), unseen: Number(row.unseen), bytes: Number(row.bytes), uidNext: Number(folder.uid_next),
      uidValidity: Number(folder.uid_validity), highestModseq: Number(folder.content_modseq),
    };
  }

  quotaUsage(accountId: number): Promise<QuotaUsage> {
    return quotaUsage(this.mdb, accountId);
  }

  async createMailFolder(accountId: number, name: string, opts: { parentId?: number | null; role?: FolderRole | null } = {}): Promise<Folder> {
    if (!name || name.includes('/')) throw new StoreError('Invalid', 'a folder name is not empty and has no "/"');
    if (opts.role && await this.findFolderByRole(accountId, opts.role)) throw conflict(`the account has a ${opts.role} folder`);
    return this.createFolder({ accountId, parentId: opts.parentId ?? null, name, kind: 'mail', role: opts.role ?? null });
  }

  async renameMailFolder(folderId: number, name: string, parentId?: number | null): Promise<Folder> {
    const f = await this.getFolder(folderId);
    if (!f) throw notFound('folder');
    if (f.kind !== 'mail') throw new StoreError('Invalid', 'not a mail folder');
    if (!name || name.includes('/')) throw new StoreError('Invalid', 'a folder name is not empty and has no "/"');
    return this.updateFolder(folderId, { name, ...(parentId !== undefined ? { parentId } : {}) });
  }

  async deleteMailFolder(folderId: number): Promise<void> {
    const f = await this.getFolder(folderId);
    if (!f) throw notFound('folder');
    if (f.kind !== 'mail') throw new StoreError('Invalid', 'not a mail folder');
    if (f.role === 'inbox') throw new StoreError('Invalid', 'the inbox cannot be deleted');
    await this.deleteFolder(folderId);
  }
}

interface StateRow {
  id: number | string; account_id: number | string; folder_id: number | string; imap_uid: number | string | null;
  modseq: number | string; flags: string; size: number | string; blob_hash: string | null; internal_date: number | string;
  thread_id: string;
}

function toMessageState(r: StateRow): MessageState {
  return {
    itemId: Number(r.id), accountId: Number(r.account_id), folderId: Number(r.folder_id), uid: Number(r.imap_uid),
    modseq: Number(r.modseq), flags: json<string[]>(r.flags, []), internalDate: Number(r.internal_date), size: Number(r.size),
    blobHash: r.blob_hash!, threadId: r.thread_id,
  };
}
