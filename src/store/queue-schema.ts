import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The outbound queue's tables (migration '0006-queue'). One `queue_messages` row per accepted
 * message (its bytes are one content-addressed blob; the queue holds one reference until the
 * message leaves the queue), one `queue_recipients` row per forward-path with its own state.
 * `lease_owner`/`lease_until` are the claim of one worker: another node takes the message only
 * after the lease has run out (a crashed worker's claim expires by itself).
 */
export interface QueueMessageRow {
  id: number;
  mail_from: string;
  blob_hash: string;
  size: number;
  submitted_by: string | null;
  dsn: string | null;
  created_at: number;
  expires_at: number;
  next_attempt_at: number;
  attempts: number;
  warned_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
}
export interface QueueRecipientRow {
  message_id: number;
  address: string;
  state: string;
  attempts: number;
  last_error: string | null;
  updated_at: number;
}

export interface QueueDatabase {
  queue_messages: QueueMessageRow;
  queue_recipients: QueueRecipientRow;
}

export function queueMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const id = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`bigserial primary key`;
  return {
    '0006-queue': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('queue_messages')
          .addColumn('id', id)
          .addColumn('mail_from', 'text', (c) => c.notNull())
          .addColumn('blob_hash', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('submitted_by', 'text')
          .addColumn('dsn', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('warned_at', 'bigint')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint')
          .execute();
        // Workers look for due messages in order of their next attempt.
        await db.schema.createIndex('queue_messages_due').on('queue_messages').columns(['next_attempt_at']).execute();
        await db.schema
          .createTable('queue_recipients')
          .addColumn('message_id', 'bigint', (c) => c.notNull().references('queue_messages.id').onDelete('cascade'))
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('queue_recipients_pk', ['message_id', 'address'])
          .execute();
      },
    },
  };
}
