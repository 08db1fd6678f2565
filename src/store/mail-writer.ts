import { createHash, randomUUID } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import type {
  DeliveryResult, DeliveryTarget, MailMessage, NewMessage, ParsedMessage, UidMapping,
} from '../model/mail.js';
import type { FolderRow, ItemRow } from './schema.js';
import type { FolderRole } from '../model/types.js';
import { StoreError, notFound } from './errors.js';
import type { BlobRefs, SqlStoreBase, WriteScope, inlineBlobUpsert } from './sql-store-base.js';
import type { DeliverMessageOptions, FlagOperation } from './mail-store.js';
import {
  MESSAGE_COLUMNS, flagColumns, normalizeFlags, threadIdOf, toMailMessage,
  type JoinedRow, type MailTrx,
} from './mail-rows.js';
import { FlagWriter, type FlagResult } from './mail-flags.js';
import {
  crosses, fits, lockAccountQuery, lockedAccount, readDomainQuota, type DomainQuotaState, type LockRow, type QuotaState,
} from './mail-quota.js';

/** What one message copy needs besides its folder: the blob, the parse, flags and dates. */
interface CopySource {
  blobHash: string;
  size: number;
  parsed: ParsedMessage;
  flags: string[];
  internalDate: number;
  threadId?: string;
}

/** The blob API the writer uses: the store's public one (blob internals belong to the blob layer). */
interface BlobApi {
  putBlob(data: Uint8Array): Promise<string>;
  putBlobIn(scope: WriteScope, data: Uint8Array): Promise<string>;
  addBlobsIn(scope: WriteScope, blobs: BlobRefs[]): Promise<void>;
  addBlobsQuery(scope: WriteScope, blobs: BlobRefs[]): ReturnType<typeof inlineBlobUpsert> | undefined;
  releaseBlob(hash: string): Promise<void>;
}

const CHUNK = 500;
/** Deliveries per group commit: enough for 50 SMTP connections, few enough to keep a transaction short. */
const MAX_BATCH = 64;

/** One key per target folder of a batch: by id, or by account and role (resolved in the transaction). */
const folderKey = (t: DeliveryTarget) => ('folderId' in t ? `id ${t.folderId}` : `role ${t.accountId} ${t.role}`);

/** A copy a delivery batch has decided to write: its target, modseq, and (once taken) its UID. */
interface PlannedCopy { result: number; target: DeliveryTarget; modseq: number; src: CopySource; uid?: number }

/**
 * The thread of each message a delivery batch has placed so far, per account, by Message-ID: a
 * later delivery of the same batch that names one (References, In-Reply-To) joins its thread,
 * as it would had the first been committed before (threadOf reads only committed rows).
 */
class BatchThreads {
  private readonly byMessageId = new Map<string, string>();
  find(accountId: number, p: ParsedMessage): string | undefined {
    const named = [...p.references, ...(p.inReplyTo ? [p.inReplyTo] : [])];
    for (const id of named) {
      const hit = this.byMessageId.get(`${accountId} ${id}`);
      if (hit) return hit;
    }
    return undefined;
  }
  add(accountId: number, p: ParsedMessage, threadId: string) {
    if (p.messageId) this.byMessageId.set(`${accountId} ${p.messageId}`, threadId);
  }
}

interface PendingDelivery {
  targets: DeliveryTarget[];
  bytes: Uint8Array;
  parsed: ParsedMessage;
  opts: DeliverMessageOptions;
  resolve(result: DeliveryResult): void;
  reject(e: unknown): void;
}

/**
 * Mail writes. Each is one transaction that locks the accounts it touches (ascending id, through
 * the modseq UPDATE) and then their domains (ascending id), so that quota checks and UID
 * assignment are atomic on both backends and lock order never cycles.
 */
export class MailWriter {
  private readonly flags: FlagWriter;

  constructor(private readonly store: SqlStoreBase & BlobApi) {
    this.flags = new FlagWriter(store);
  }

  /**
   * Group commit (the SMTP bench's finding: each commit is one fsync, ~7 ms on the CI disk):
   * deliveries that arrive while a delivery transaction runs wait and then go together in the
   * next one, so that many SMTP transactions share one commit. Every caller still resolves only
   * after the commit that holds its copies (an SMTP 250 stays durable). When a batch fails, its
   * deliveries run again one by one, so that one bad delivery fails alone.
   */
  deliver(targets: DeliveryTarget[], bytes: Uint8Array, parsed: ParsedMessage,
    opts: DeliverMessageOptions): Promise<DeliveryResult> {
    if (targets.length === 0) return Promise.resolve({ delivered: [], overQuota: [], crossedWarning: [] });
    return new Promise((resolve, reject) => {
      this.pending.push({ targets, bytes, parsed, opts, resolve, reject });
      // One batch at a time per node: SQLite has one connection, and on PostgreSQL deliveries into
      // one domain serialize on its row lock (readDomainQuota) anyway; a waiting batch grows instead.
      if (!this.draining) void this.drain();
    });
  }

  private readonly pending: PendingDelivery[] = [];
  private draining = false;

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length) {
        // One turn of the event loop first: deliveries whose reads were queued behind the last
        // commit (SQLite has one connection) reach `pending` by then and join this batch.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const results = await this.store.write((scope) => this.deliverBatch(scope, batch));
          batch.forEach((d, i) => d.resolve(results[i]));
        } catch (e) {
          if (batch.length === 1) { batch[0].reject(e); continue; }
          for (const d of batch) {
            try { d.resolve((await this.store.write((scope) => this.deliverBatch(scope, [d])))[0]); } catch (e1) { d.reject(e1); }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * The deliveries of one transaction, in order. Every account they touch is locked first
   * (ascending), which also reads its usage, limits, modseq and domain, and the target folders'
   * rows are read (and on PostgreSQL locked) with them; then each copy is decided in memory
   * (quota, in batch order, as if the deliveries ran one after another) and the decided copies
   * are written together: one upsert of the batch's blobs, one multi-row INSERT of items and one
   * of messages rows, one UPDATE per folder (its UIDs and content_modseq) and one per account
   * (modseq and usage); the change events go with the COMMIT. A one-recipient delivery makes 6
   * statements between BEGIN and COMMIT on SQLite; on PostgreSQL 3 round trips in all (issue
   * 10): BEGIN with the locks and folder reads; the items INSERT with the blob upsert as its CTE;
   * the messages, folder and account writes (deferToCommit), the NOTIFY and the COMMIT.
   */
  private async deliverBatch(scope: WriteScope, batch: PendingDelivery[]): Promise<DeliveryResult[]> {
    const trx = mail(scope);
    const accountIds = [...new Set(batch.flatMap((d) => d.targets.map((t) => t.accountId)))].sort((a, b) => a - b);
    const targets = batch.flatMap((d) => d.targets);
    // The accounts' locks and the target folders' rows in one round trip (PostgreSQL, with BEGIN).
    const { quotas, domains, modseqs, folderRows } = await this.lockAll(scope, accountIds, targets);
    const out: DeliveryResult[] = batch.map(() => ({ delivered: [], overQuota: [], crossedWarning: [] }));
    const copies: PlannedCopy[] = [];
    const blobs = new Map<string, BlobRefs>();
    const usage = new Map<number, { bytes: number; messages: number }>();
    const threads = new BatchThreads();
    for (let i = 0; i < batch.length; i++) {
      const { targets, bytes, parsed, opts } = batch[i];
      const hash = createHash('sha256').update(bytes).digest('hex');
      const internalDate = opts.internalDate ?? Date.now();
      for (const accountId of [...new Set(targets.map((t) => t.accountId))].sort((a, b) => a - b)) {
        const mine = targets.filter((t) => t.accountId === accountId);
        const q = quotas.get(accountId)!;
        const d = domains.get(q.domainId)!;
        const addBytes = bytes.byteLength * mine.length;
        if (!opts.ignoreQuota && !fits(q, d, addBytes, mine.length)) { out[i].overQuota.push(accountId); continue; }
        if (crosses(q, addBytes, mine.length, opts.warnRatio ?? 0.9)) out[i].crossedWarning.push(accountId);
        // A reply to a message delivered earlier in this batch joins its thread as if that one were committed.
        const threadId = threads.find(accountId, parsed) ?? await this.threadOf(trx, accountId, parsed);
        threads.add(accountId, parsed, threadId);
        for (const t of mine) {
          const modseq = modseqs.get(accountId)! + 1;
          modseqs.set(accountId, modseq);
          copies.push({ result: i, target: t, modseq, src: { blobHash: hash, size: bytes.byteLength, parsed, flags: t.flags ?? [], internalDate, threadId } });
        }
        this.charge(q, d, addBytes, mine.length);
        const u = usage.get(accountId) ?? { bytes: 0, messages: 0 };
        usage.set(accountId, { bytes: u.bytes + addBytes, messages: u.messages + mine.length });
        const b = blobs.get(hash) ?? { hash, data: bytes, refs: 0 };
        b.refs += mine.length;
        blobs.set(hash, b);
      }
    }
    const { folders, updates } = this.takeFolderUids(scope, targets, copies, folderRows);
    // PostgreSQL: the blob upsert runs as a CTE of the items INSERT (one round trip for both).
    const blobList = [...blobs.values()];
    const blobQuery = this.store.addBlobsQuery(scope, blobList);
    if (!blobQuery) await this.store.addBlobsIn(scope, blobList);
    const items = await this.insertCopies(scope, copies.map((c) => ({ folder: folders.get(folderKey(c.target))!, src: c.src, uid: c.uid!, modseq: c.modseq })), blobQuery);
    copies.forEach((c, i) => {
      const folder = folders.get(folderKey(c.target))!;
      out[c.result].delivered.push({
        accountId: c.target.accountId, folderId: Number(folder.id), itemId: items[i].itemId, uid: items[i].uid, role: (folder.role ?? null) as FolderRole | null,
      });
    });
    // Nothing reads them back in this transaction: on PostgreSQL they travel with the COMMIT (after
    // the items INSERT, which cannot travel as literals: a held statement would go before it alone).
    for (const q of updates) await this.store.deferToCommit(scope.trx, q);
    for (const [accountId, u] of usage) {
      await this.store.deferToCommit(scope.trx, trx.updateTable('accounts').set({
        modseq: modseqs.get(accountId)!, used_bytes: sql`used_bytes + ${u.bytes}`, used_messages: sql`used_messages + ${u.messages}`,
      }).where('id', '=', accountId).compile());
    }
    return out;
  }

  /**
   * The target folders' rows of a delivery batch, read with its account locks (lockAll): one
   * SELECT per folder, by id or, for a role target, the account's first mail folder with the role,
   * else its inbox. On PostgreSQL each row is locked as an UPDATE of it would lock it (FOR NO KEY
   * UPDATE), so that its uid_next stays ours until the commit.
   */
  private folderQueries(trx: MailTrx, targets: DeliveryTarget[]): { keys: string[]; queries: CompiledQuery[] } {
    const keys = [...new Set(targets.map(folderKey))].sort();
    const byKey = new Map(targets.map((t) => [folderKey(t), t]));
    const queries = keys.map((key) => {
      const t = byKey.get(key)!;
      const q = trx.selectFrom('folders').selectAll().where('id', '=', 'folderId' in t ? t.folderId : (eb) => eb.selectFrom('folders as f').select('f.id')
        .where('f.account_id', '=', t.accountId).where('f.kind', '=', 'mail').where('f.role', 'in', [t.role, 'inbox'])
        .orderBy(sql`case when f.role = ${t.role} then 0 else 1 end`).orderBy('f.id').limit(1));
      return (this.store.dialect === 'postgres' ? q.forNoKeyUpdate() : q).compile();
    });
    return { keys, queries };
  }

  /**
   * Inside a delivery batch, after its accounts are locked and its folders read (lockAll): checks
   * each target folder (missing: NotFound; not a mail folder or not the target account's:
   * Invalid, which fails the transaction, also for targets that get no copy) and gives each
   * decided copy its UID from the folder's uid_next. Returns the folders' UPDATEs (their UIDs and
   * content_modseq, the folder's last new modseq), which nothing reads back: the caller defers
   * them to the COMMIT.
   * Every writer of a folder's uid_next holds its account's lock (and on PostgreSQL the row is
   * locked since the read), so the UIDs read are still free.
   */
  private takeFolderUids(scope: WriteScope, targets: DeliveryTarget[], copies: PlannedCopy[],
    rows: Map<string, FolderRow | undefined>): { folders: Map<string, FolderRow>; updates: CompiledQuery[] } {
    const trx = mail(scope);
    const folders = new Map<string, FolderRow>();
    for (const key of [...new Set(targets.map(folderKey))].sort()) {
      const row = rows.get(key);
      if (!row) throw notFound('folder');
      if (row.kind !== 'mail') throw new StoreError('Invalid', 'not a mail folder');
      folders.set(key, row);
    }
    for (const t of targets) {
      if (Number(folders.get(folderKey(t))!.account_id) !== t.accountId) throw new StoreError('Invalid', 'the folder is not the account\'s');
    }
    // By folder, not by target: two role targets may find the same folder (no Junk folder: the inbox).
    const byFolder = new Map<number, { row: FolderRow; copies: PlannedCopy[] }>();
    for (const c of copies) {
      const row = folders.get(folderKey(c.target))!;
      const f = byFolder.get(Number(row.id)) ?? { row, copies: [] };
      f.copies.push(c);
      byFolder.set(Number(row.id), f);
    }
    const updates = [...byFolder].sort(([a], [b]) => a - b).map(([id, f]) => {
      let uid = Number(f.row.uid_next);
      for (const c of f.copies) c.uid = uid++;
      const last = Math.max(...f.copies.map((c) => c.modseq));
      return trx.updateTable('folders').set({ uid_next: sql`uid_next + ${f.copies.length}`, content_modseq: last }).where('id', '=', id).compile();
    });
    return { folders, updates };
  }

  async append(folderId: number, messages: NewMessage[]): Promise<MailMessage[]> {
    if (messages.length === 0) return [];
    const hashes: string[] = [];
    try {
      for (const m of messages) hashes.push(await this.putBlob(m.bytes));
      return await this.store.write(async (scope) => {
        const trx = mail(scope);
        const folder = (await this.mailFolders(trx, [folderId])).get(folderId)!;
        const accountId = Number(folder.account_id);
        const { quotas, domains } = await this.lockAll(scope, [accountId]);
        const q = quotas.get(accountId)!;
        const d = domains.get(q.domainId)!;
        const bytes = messages.reduce((n, m) => n + m.bytes.byteLength, 0);
        if (!fits(q, d, bytes, messages.length)) throw new StoreError('QuotaExceeded', 'the mailbox is over its quota');
        const entries: { folder: FolderRow; src: CopySource }[] = [];
        for (let i = 0; i < messages.length; i++) {
          const m = messages[i];
          entries.push({ folder, src: {
            blobHash: hashes[i], size: m.bytes.byteLength, parsed: m.parsed, flags: m.flags ?? [],
            internalDate: m.internalDate ?? Date.now(), threadId: await this.threadOf(trx, accountId, m.parsed),
          } });
        }
        const out = await this.insertBatch(scope, entries);
        await this.saveUsage(trx, accountId, bytes, messages.length);
        await this.touchFolders(scope);
        return out;
      });
    } catch (e) {
      for (const h of hashes) await this.store.releaseBlob(h);
      throw e;
    }
  }

  /** STORE: mail-flags.ts (its statements compiled once, few round trips). */
  storeFlags(folderId: number, uids: number[], op: FlagOperation, flags: string[], opts: { unchangedSince?: number }): Promise<FlagResult> {
    return this.flags.storeFlags(folderId, uids, op, flags, opts);
  }

  async copy(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping> {
    return this.store.write(async (scope) => {
      const trx = mail(scope);
      const folders = await this.mailFolders(trx, [fromFolderId, toFolderId]);
      const target = folders.get(toFolderId)!;
      const accountId = this.sameAccount(folders.get(fromFolderId)!, target);
      const { quotas, domains } = await this.lockAll(scope, [accountId]);
      const rows = await this.byUids(trx, fromFolderId, uids);
      const q = quotas.get(accountId)!;
      const bytes = rows.reduce((n, r) => n + Number(r.size), 0);
      if (!fits(q, domains.get(q.domainId)!, bytes, rows.length)) throw new StoreError('QuotaExceeded', 'the mailbox is over its quota');
      const sources = rows.map(toMailMessage);
      for (const m of sources) await this.addRefs(trx, m.blobHash, 1);
      const copies = await this.insertBatch(scope, sources.map((m) => ({ folder: target, src: {
        blobHash: m.blobHash, size: m.size, parsed: m.parsed, flags: m.flags, internalDate: m.internalDate, threadId: m.threadId,
      } })));
      const pairs: [number, number][] = sources.map((m, i) => [m.uid, copies[i].uid]);
      await this.saveUsage(trx, accountId, bytes, rows.length);
      await this.touchFolders(scope);
      return { uidValidity: Number(target.uid_validity), pairs };
    });
  }

  async move(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping> {
    return this.store.write(async (scope) => {
      const trx = mail(scope);
      const folders = await this.mailFolders(trx, [fromFolderId, toFolderId]);
      const target = folders.get(toFolderId)!;
      const accountId = this.sameAccount(folders.get(fromFolderId)!, target);
      await this.store.nextModseq(scope.trx, accountId, 0);
      const rows = await this.byUids(trx, fromFolderId, uids);
      const pairs: [number, number][] = [];
      if (rows.length === 0) return { uidValidity: Number(target.uid_validity), pairs };
      let modseq = await this.store.nextModseq(scope.trx, accountId, rows.length * 2);
      const firstUid = await this.takeUids(trx, toFolderId, rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        await this.tombstone(trx, r, modseq++);
        await trx.updateTable('items').set({ folder_id: toFolderId, imap_uid: firstUid + i, modseq, updated_at: Date.now() })
          .where('id', '=', r.id).execute();
        pairs.push([Number(r.imap_uid), firstUid + i]);
        this.touched(scope, fromFolderId, accountId, modseq - 1);
        this.touched(scope, toFolderId, accountId, modseq++);
      }
      await this.touchFolders(scope);
      return { uidValidity: Number(target.uid_validity), pairs };
    });
  }

  async expunge(folderId: number, uids?: number[]): Promise<number[]> {
    return this.store.write(async (scope) => {
      const trx = mail(scope);
      const folder = (await this.mailFolders(trx, [folderId])).get(folderId)!;
      const accountId = Number(folder.account_id);
      await this.store.nextModseq(scope.trx, accountId, 0);
      let rows: JoinedRow[];
      if (uids) rows = (await this.byUids(trx, folderId, uids)).filter((r) => r.deleted);
      else {
        rows = await trx.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id').selectAll('items')
          .select(MESSAGE_COLUMNS).where('items.folder_id', '=', folderId).where('messages.deleted', '=', 1)
          .orderBy('items.imap_uid').execute() as unknown as JoinedRow[];
      }
      if (rows.length === 0) return [];
      let modseq = await this.store.nextModseq(scope.trx, accountId, rows.length);
      let bytes = 0;
      for (const r of rows) {
        await this.tombstone(trx, r, modseq++);
        await trx.deleteFrom('messages').where('item_id', '=', r.id).execute();
        await trx.deleteFrom('items').where('id', '=', r.id).execute();
        if (r.blob_hash) await this.store.releaseBlobIn(scope, r.blob_hash);
        bytes += Number(r.size);
      }
      await this.saveUsage(trx, accountId, -bytes, -rows.length);
      this.touched(scope, folderId, accountId, modseq - 1);
      await this.touchFolders(scope);
      return rows.map((r) => Number(r.imap_uid));
    });
  }

  // Helpers

  /**
   * putBlob, once more after a unique violation: two nodes storing the same new bytes at once
   * (one list post, two deliveries) both find no row and both insert; the loser's second try
   * finds the winner's row and takes a reference. (The race is in putBlob itself; reported.)
   */
  private async putBlob(bytes: Uint8Array): Promise<string> {
    try {
      return await this.store.putBlob(bytes);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code !== '23505' && !/UNIQUE constraint failed/.test(err.message ?? '')) throw e;
      return this.store.putBlob(bytes);
    }
  }

  /**
   * Inserts copies into folders of ONE account: one block of modseqs, one block of UIDs per
   * folder, one multi-row insert of items and one of messages rows (a fan-out or MULTIAPPEND
   * costs a handful of statements, not a handful per copy). Returns them in the given order.
   */
  private async insertBatch(scope: WriteScope, entries: { folder: FolderRow; src: CopySource }[]): Promise<MailMessage[]> {
    if (entries.length === 0) return [];
    const trx = mail(scope);
    const accountId = Number(entries[0].folder.account_id);
    let modseq = await this.store.nextModseq(scope.trx, accountId, entries.length);
    const nextUid = new Map<number, number>();
    for (const e of entries) {
      const id = Number(e.folder.id);
      if (!nextUid.has(id)) nextUid.set(id, await this.takeUids(trx, id, entries.filter((x) => Number(x.folder.id) === id).length));
    }
    return this.insertCopies(scope, entries.map(({ folder, src }) => {
      const uid = nextUid.get(Number(folder.id))!;
      nextUid.set(Number(folder.id), uid + 1);
      return { folder, src, uid, modseq: modseq++ };
    }));
  }

  /**
   * Writes copies whose UIDs and modseqs are already taken (their folders' and accounts' rows
   * locked by this transaction): one multi-row INSERT of items, one of messages rows (per 200).
   * Records each folder as touched; returns the copies in the given order.
   */
  private async insertCopies(scope: WriteScope, entries: { folder: FolderRow; src: CopySource; uid: number; modseq: number }[],
    blobQuery?: ReturnType<typeof inlineBlobUpsert>): Promise<MailMessage[]> {
    if (entries.length === 0) {
      if (blobQuery) await blobQuery.execute();
      return [];
    }
    const trx = mail(scope);
    const t = Date.now();
    const items = entries.map(({ folder, src, uid, modseq }) => {
      const p = src.parsed;
      return {
        account_id: Number(folder.account_id), folder_id: folder.id, name: `${randomUUID()}.eml`, uid: p.messageId, content: null,
        blob_hash: src.blobHash, content_type: 'message/rfc822', size: src.size, imap_uid: uid, flags: JSON.stringify(normalizeFlags(src.flags)),
        component_type: null, summary: p.subject, start_at: src.internalDate, end_at: null, recurring: 0, props: '{}', modseq,
        created_at: t, updated_at: t,
      };
    });
    const ids = new Map<string, number>();
    for (let i = 0; i < items.length; i += 200) {
      // Only the ids come back: every other column is what was just written.
      const into = i === 0 && blobQuery ? trx.with('new_blobs', () => blobQuery as never).insertInto('items') : trx.insertInto('items');
      const rows = await into.values(items.slice(i, i + 200) as never).returning(['id', 'name']).execute();
      for (const r of rows) ids.set(r.name, Number(r.id));
    }
    const out: MailMessage[] = [];
    const messages = entries.map(({ src }, i) => {
      const item = { ...items[i], id: ids.get(items[i].name)! } as unknown as ItemRow;
      const accountId = Number(item.account_id);
      const p = src.parsed;
      const msg = {
        item_id: item.id, account_id: accountId, internal_date: src.internalDate, message_id: p.messageId, in_reply_to: p.inReplyTo,
        refs: JSON.stringify(p.references), thread_id: src.threadId ?? threadIdOf(p.messageId ?? randomUUID()), subject: p.subject,
        from_addr: p.from, preview: p.preview, envelope: JSON.stringify(p.envelope), mime: JSON.stringify(p.mime), date_header: p.date,
        has_attachments: p.hasAttachments ? 1 : 0, ...flagColumns(JSON.parse(item.flags)),
      };
      out.push({ ...toMailMessage({ ...item, ...msg, envelope: '{}', mime: '{}' } as unknown as JoinedRow), parsed: p });
      this.touched(scope, Number(item.folder_id), accountId, Number(item.modseq));
      return msg;
    });
    // Nothing of a write reads its new messages rows back (threads are decided before): on
    // PostgreSQL they travel with the COMMIT, a round trip fewer while the accounts are locked.
    for (let i = 0; i < messages.length; i += 200) {
      await this.store.deferToCommit(scope.trx, trx.insertInto('messages').values(messages.slice(i, i + 200) as never).compile());
    }
    return out;
  }

  /**
   * A reply joins the thread of a message it names (References, In-Reply-To) in the same account;
   * otherwise the thread is named after its root, so that copies delivered apart still agree.
   */
  private async threadOf(trx: MailTrx, accountId: number, p: ParsedMessage): Promise<string> {
    const named = [...p.references, ...(p.inReplyTo ? [p.inReplyTo] : [])].slice(-50);
    if (named.length) {
      const hit = await trx.selectFrom('messages').select('thread_id').where('account_id', '=', accountId)
        .where('message_id', 'in', named).executeTakeFirst();
      if (hit) return hit.thread_id;
    }
    return threadIdOf(p.references[0] ?? p.inReplyTo ?? p.messageId ?? randomUUID());
  }

  /**
   * Locks the accounts (ascending: lock order never cycles) and reads their quota state, modseq
   * and domain settings, one statement each, and then the rows of `folderTargets`' folders
   * (folderQueries), all in one round trip on PostgreSQL (with the transaction's BEGIN); then
   * each domain (ascending), which costs nothing more for a domain without limits
   * (mail-quota.ts). A folder is locked only after its account (a delivery's folders are its
   * accounts'), as when its UPDATE came later, so lock order still never cycles.
   */
  private async lockAll(scope: WriteScope, accounts: number[], folderTargets: DeliveryTarget[] = []) {
    const trx = mail(scope);
    const quotas = new Map<number, QuotaState>();
    const modseqs = new Map<number, number>();
    const settings = new Map<number, string>();
    const folders = this.folderQueries(trx, folderTargets);
    const rows = await this.store.together(scope.trx, [...accounts.map((id) => lockAccountQuery(trx, id).compile()), ...folders.queries]);
    const folderRows = new Map(folders.keys.map((key, i) => [key, rows[accounts.length + i][0] as FolderRow | undefined]));
    for (const [i, id] of accounts.entries()) {
      const locked = lockedAccount(id, rows[i][0] as LockRow | undefined);
      quotas.set(id, locked.quota);
      modseqs.set(id, locked.modseq);
      settings.set(locked.quota.domainId, locked.domainSettings);
    }
    const domains = new Map<number, DomainQuotaState>();
    for (const id of [...settings.keys()].sort((a, b) => a - b)) {
      domains.set(id, await readDomainQuota(trx, id, this.store.dialect === 'postgres', false, settings.get(id)));
    }
    return { quotas, domains, modseqs, folderRows };
  }

  private charge(q: QuotaState, d: DomainQuotaState, bytes: number, messages: number) {
    q.bytes += bytes; q.messages += messages; d.bytes += bytes; d.messages += messages;
  }

  private async saveUsage(trx: MailTrx, accountId: number, bytes: number, messages: number) {
    await trx.updateTable('accounts').set({ used_bytes: sql`used_bytes + ${bytes}`, used_messages: sql`used_messages + ${messages}` })
      .where('id', '=', accountId).execute();
  }

  private async addRefs(trx: MailTrx, hash: string, n: number) {
    await trx.updateTable('blobs').set({ ref_count: sql`ref_count + ${n}` }).where('hash', '=', hash).execute();
  }

  private async mailFolders(trx: MailTrx, ids: number[]): Promise<Map<number, FolderRow>> {
    const unique = [...new Set(ids)];
    const rows = await trx.selectFrom('folders').selectAll().where('id', 'in', unique).execute();
    const map = new Map(rows.map((r) => [Number(r.id), r as FolderRow]));
    for (const id of unique) {
      const f = map.get(id);
      if (!f) throw notFound('folder');
      if (f.kind !== 'mail') throw new StoreError('Invalid', 'not a mail folder');
    }
    return map;
  }

  private sameAccount(a: FolderRow, b: FolderRow): number {
    if (Number(a.account_id) !== Number(b.account_id)) throw new StoreError('Invalid', 'messages move and copy within one account');
    return Number(a.account_id);
  }

  private async byUids(trx: MailTrx, folderId: number, uids: number[]): Promise<JoinedRow[]> {
    const out: JoinedRow[] = [];
    const wanted = [...new Set(uids)];
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const rows = await trx.selectFrom('items').innerJoin('messages', 'messages.item_id', 'items.id').selectAll('items')
        .select(MESSAGE_COLUMNS).where('items.folder_id', '=', folderId).where('items.imap_uid', 'in', wanted.slice(i, i + CHUNK)).execute();
      out.push(...(rows as unknown as JoinedRow[]));
    }
    return out.sort((a, b) => Number(a.imap_uid) - Number(b.imap_uid));
  }

  private async takeUids(trx: MailTrx, folderId: number, n: number): Promise<number> {
    const r = await trx.updateTable('folders').set({ uid_next: sql`uid_next + ${n}` }).where('id', '=', folderId)
      .returning('uid_next').executeTakeFirstOrThrow();
    return Number(r.uid_next) - n;
  }

  private async tombstone(trx: MailTrx, r: JoinedRow, modseq: number) {
    await trx.insertInto('tombstones').values({
      folder_id: r.folder_id, item_id: r.id, name: r.name, uid: r.uid, imap_uid: r.imap_uid, modseq,
    } as never).execute();
  }

  /** Records that a folder changed at `modseq` (content_modseq and the change event, once per folder). */
  private touched(scope: WriteScope, folderId: number, accountId: number, modseq: number) {
    const e = scope.events.find((x) => x.folderId === folderId && x.accountId === accountId);
    if (e) e.modseq = Math.max(e.modseq, modseq);
    else scope.events.push({ accountId, folderId, modseq });
  }

  private async touchFolders(scope: WriteScope) {
    for (const e of scope.events) {
      if (e.folderId === null) continue;
      await scope.trx.updateTable('folders').set({ content_modseq: e.modseq }).where('id', '=', e.folderId).execute();
    }
  }
}

const mail = (scope: WriteScope) => scope.trx as unknown as MailTrx;
