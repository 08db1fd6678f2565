import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The message archive (issue 10 item 10): one index row per archived message; the compressed
 * bytes are a blob (files on SQLite, chunk rows on PostgreSQL, shared by every node), referenced
 * by the row and released when the row is purged. Rows are partitioned by `day` (UTC,
 * YYYY-MM-DD): searches name a date range and retention drops whole days. Archive blobs are held
 * by no account, so they count against no quota.
 */
export interface ArchiveRow {
  id: number;
  archived_at: number;
  day: string;
  direction: string;
  mail_from: string;
  rcpt_to: string;
  header_from: string;
  header_to: string;
  subject: string;
  message_id: string | null;
  size: number;
  stored_size: number;
  blob_hash: string;
}

export interface ArchiveDatabase {
  archive_messages: ArchiveRow;
}

export function archiveMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const id = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`bigserial primary key`;
  return {
    '0008-archive': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('archive_messages')
          .addColumn('id', id)
          .addColumn('archived_at', 'bigint', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('mail_from', 'text', (c) => c.notNull())
          .addColumn('rcpt_to', 'text', (c) => c.notNull())
          .addColumn('header_from', 'text', (c) => c.notNull())
          .addColumn('header_to', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text')
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('stored_size', 'bigint', (c) => c.notNull())
          .addColumn('blob_hash', 'text', (c) => c.notNull())
          .execute();
        // Searches are by date range first; a Message-ID names one message exactly.
        await db.schema.createIndex('archive_messages_day').on('archive_messages').columns(['day', 'archived_at']).execute();
        await db.schema.createIndex('archive_messages_msgid').on('archive_messages').column('message_id').execute();
      },
    },
  };
}
