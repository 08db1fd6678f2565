import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The mail tables. A message is an item of a mail folder (blob, size, flags, IMAP UID, modseq live
 * there, so change tracking and tombstones are the store's one mechanism); `messages` keeps what
 * the parser extracted once at delivery, one row per item, gone with the item (ON DELETE CASCADE).
 * `seen`, `flagged` and `deleted` index the item's flags (written only by the mail store, in the
 * same statement set as the flags) for STATUS UNSEEN, expunge and ActiveSync filters.
 */
export interface MessageRow {
  item_id: number; account_id: number; internal_date: number; message_id: string | null; in_reply_to: string | null;
  refs: string; thread_id: string; subject: string; from_addr: string; preview: string; envelope: string; mime: string;
  date_header: number | null; has_attachments: number; seen: number; flagged: number; deleted: number;
}

export interface MailDatabase { messages: MessageRow }

export function mailMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  void dialect;
  return {
    '0005-mail': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('messages')
          .addColumn('item_id', 'bigint', (c) => c.primaryKey().references('items.id').onDelete('cascade'))
          .addColumn('account_id', 'bigint', (c) => c.notNull())
          .addColumn('internal_date', 'bigint', (c) => c.notNull())
          .addColumn('message_id', 'text').addColumn('in_reply_to', 'text')
          .addColumn('refs', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('thread_id', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('from_addr', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('preview', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('envelope', 'text', (c) => c.notNull())
          .addColumn('mime', 'text', (c) => c.notNull())
          .addColumn('date_header', 'bigint')
          .addColumn('has_attachments', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        // Threading looks up an account's messages by Message-ID; ActiveSync groups by thread.
        await db.schema.createIndex('messages_account_msgid').on('messages').columns(['account_id', 'message_id']).execute();
        await db.schema.createIndex('messages_account_thread').on('messages').columns(['account_id', 'thread_id']).execute();
        // IMAP UID lookups and ranges inside a folder.
        await db.schema.createIndex('items_folder_imap_uid').on('items').columns(['folder_id', 'imap_uid']).execute();
        // Every existing user gets the Archive folder new users get (RFC 6154 \Archive).
        const users = await db.selectFrom('accounts').select(['id', 'modseq']).where('kind', '=', 'user').execute();
        for (const u of users) {
          const has = await db.selectFrom('folders').select('id').where('account_id', '=', u.id).where('role', '=', 'archive').executeTakeFirst();
          if (has) continue;
          const modseq = Number(u.modseq) + 1;
          const t = Date.now();
          await db.updateTable('accounts').set({ modseq: sql`modseq + 1` }).where('id', '=', u.id).execute();
          await db.insertInto('folders').values({
            account_id: u.id, parent_id: null, name: 'Archive', kind: 'mail', role: 'archive', props: '{}',
            uid_validity: Math.floor(t / 1000) % 0xffffffff, uid_next: 1, modseq, content_modseq: modseq, created_at: t,
          }).execute();
        }
      },
    },
  };
}
