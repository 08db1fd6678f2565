import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { ArchiveDatabase, ArchiveRow } from './archive-schema.js';
import type { ArchiveQuery, ArchiveRecord, ArchiveStore, NewArchiveRecord } from './archive-store.js';
import { StoreError } from './errors.js';
import { QueueSqlStore } from './queue-sql.js';

type ArchiveDb = Kysely<Database & ArchiveDatabase>;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A LIKE pattern for a literal substring (`\` escapes % and _). */
const contains = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function toRecord(r: ArchiveRow): ArchiveRecord {
  return {
    id: Number(r.id),
    archivedAt: Number(r.archived_at),
    day: r.day,
    direction: r.direction as ArchiveRecord['direction'],
    mailFrom: r.mail_from,
    rcptTo: r.rcpt_to ? r.rcpt_to.split(' ') : [],
    headerFrom: r.header_from,
    headerTo: r.header_to,
    subject: r.subject,
    messageId: r.message_id,
    size: Number(r.size),
    storedSize: Number(r.stored_size),
  };
}

/** The ArchiveStore over the SQL store (both backends); the bytes go through the store's blob backend. */
export abstract class ArchiveSqlStore extends QueueSqlStore implements ArchiveStore {
  private get adb(): ArchiveDb {
    return this.db as unknown as ArchiveDb;
  }

  async archiveMessage(record: NewArchiveRecord, compressed: Uint8Array): Promise<ArchiveRecord> {
    const hash = createHash('sha256').update(compressed).digest('hex');
    return this.write(async ({ trx }) => {
      // The same bytes archived twice share one blob (content-addressed, reference-counted).
      const updated = await trx
        .updateTable('blobs')
        .set({ ref_count: sql`ref_count + 1` })
        .where('hash', '=', hash)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await this.blobs.write(trx, hash, compressed);
      const row = await (trx as unknown as ArchiveDb)
        .insertInto('archive_messages')
        .values({
          archived_at: record.archivedAt,
          day: dayOf(record.archivedAt),
          direction: record.direction,
          mail_from: record.mailFrom.toLowerCase(),
          rcpt_to: record.rcptTo.map((r) => r.toLowerCase()).join(' '),
          header_from: record.headerFrom.toLowerCase(),
          header_to: record.headerTo.toLowerCase(),
          subject: record.subject,
          message_id: record.messageId,
          size: record.size,
          stored_size: compressed.byteLength,
          blob_hash: hash,
        } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    });
  }

  async searchArchive(q: ArchiveQuery): Promise<ArchiveRecord[]> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    let query = this.adb.selectFrom('archive_messages').selectAll();
    // The day column is the partition: a date range narrows it first (archive_messages_day).
    if (q.since !== undefined) query = query.where('day', '>=', dayOf(q.since)).where('archived_at', '>=', q.since);
    if (q.until !== undefined) query = query.where('day', '<=', dayOf(q.until)).where('archived_at', '<', q.until);
    if (q.direction) query = query.where('direction', '=', q.direction);
    if (q.messageId) query = query.where('message_id', '=', q.messageId.trim().replace(/^<|>$/g, ''));
    if (q.from) {
      const p = contains(q.from);
      query = query.where((eb) => eb.or([sql<boolean>`mail_from like ${p} escape '\\'`, sql<boolean>`header_from like ${p} escape '\\'`]));
    }
    if (q.to) {
      const p = contains(q.to);
      query = query.where((eb) => eb.or([sql<boolean>`rcpt_to like ${p} escape '\\'`, sql<boolean>`header_to like ${p} escape '\\'`]));
    }
    if (q.subject) query = query.where(sql<boolean>`lower(subject) like ${contains(q.subject)} escape '\\'`);
    const rows = await query.orderBy('archived_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRecord);
  }

  async getArchived(id: number): Promise<{ record: ArchiveRecord; compressed: Buffer } | null> {
    const row = await this.adb.selectFrom('archive_messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const compressed = await this.blobs.read(this.db, row.blob_hash);
    if (!compressed) throw new StoreError('NotFound', `archived message ${id} has lost its bytes`);
    return { record: toRecord(row), compressed };
  }

  async purgeArchive(beforeDay: string): Promise<number> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(beforeDay)) throw new StoreError('Invalid', `expected a day as YYYY-MM-DD, got '${beforeDay}'`);
    return this.write(async (scope) => {
      const trx = scope.trx as unknown as ArchiveDb;
      const rows = await trx.deleteFrom('archive_messages').where('day', '<', beforeDay).returning(['blob_hash']).execute();
      for (const r of rows) await this.releaseBlobIn(scope, r.blob_hash);
      return rows.length;
    });
  }
}
