import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Mailing lists (issue 10 item 9): a list is an address of a local domain with its policies;
 * its members are addresses (local or elsewhere), some of them owners. Gone with their domain.
 */
export interface ListRow {
  id: number;
  domain_id: number;
  address: string;
  name: string;
  subject_prefix: string | null;
  reply_to: string;
  created_at: number;
  // 0019: what the -help address answers, who may subscribe, who may post, when bounces disable.
  description: string | null;
  subscription: string;
  member_posts: string;
  nonmember_posts: string;
  moderator_posts: string;
  bounce_limit: number;
}
export interface ListMemberRow {
  list_id: number;
  address: string;
  role: string;
  created_at: number;
  bounces: number;
  disabled: number;
}

/** A confirmation or moderation token (split token: the selector is looked up, the verifier hashed). */
export interface ListTokenRow {
  selector: string;
  verifier_hash: string;
  list_id: number;
  kind: string;
  address: string;
  held_id: number | null;
  /** Tokens of one decision (approve and reject of one held post) share it: using one ends all. */
  decision: string;
  created_at: number;
  expires_at: number;
}

/** A moderated post, stored until a moderator approves or rejects it, or it expires. */
export interface ListHeldRow {
  id: number;
  list_id: number;
  mail_from: string;
  subject: string;
  bytes: Uint8Array;
  created_at: number;
  expires_at: number;
}

export interface ListDatabase {
  lists: ListRow;
  list_members: ListMemberRow;
  list_tokens: ListTokenRow;
  list_held: ListHeldRow;
}

export function listMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const id = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`bigserial primary key`;
  return {
    '0013-lists': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('lists')
          .addColumn('id', id)
          .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
          .addColumn('address', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('subject_prefix', 'text')
          .addColumn('reply_to', 'text', (c) => c.notNull().defaultTo('sender'))
          .addColumn('posting', 'text', (c) => c.notNull().defaultTo('members'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('list_members')
          .addColumn('list_id', 'bigint', (c) => c.notNull().references('lists.id').onDelete('cascade'))
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('list_members_pk', ['list_id', 'address'])
          .execute();
      },
    },
    '0019-list-subscriptions': {
      // Subscription and posting policies per sender class (replacing the one 'posting' column:
      // anyone = allow all, members = deny non-members, owners = deny members and non-members),
      // bounce counting, confirmation tokens and held posts.
      async up(db: Kysely<any>) {
        const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
        await db.schema.alterTable('lists').addColumn('description', 'text').execute();
        await db.schema.alterTable('lists').addColumn('subscription', 'text', (c) => c.notNull().defaultTo('open')).execute();
        for (const col of ['member_posts', 'nonmember_posts', 'moderator_posts'])
          await db.schema.alterTable('lists').addColumn(col, 'text', (c) => c.notNull().defaultTo('allow')).execute();
        await db.schema.alterTable('lists').addColumn('bounce_limit', 'integer', (c) => c.notNull().defaultTo(5)).execute();
        await db.updateTable('lists').set({ nonmember_posts: 'deny' }).where('posting', '=', 'members').execute();
        await db.updateTable('lists').set({ member_posts: 'deny', nonmember_posts: 'deny' }).where('posting', '=', 'owners').execute();
        await db.schema.alterTable('lists').dropColumn('posting').execute();
        await db.schema.alterTable('list_members').addColumn('bounces', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('list_members').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema
          .createTable('list_tokens')
          .addColumn('selector', 'text', (c) => c.primaryKey())
          .addColumn('verifier_hash', 'text', (c) => c.notNull())
          .addColumn('list_id', 'bigint', (c) => c.notNull().references('lists.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('held_id', 'bigint')
          .addColumn('decision', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('list_tokens_address').on('list_tokens').columns(['address', 'created_at']).execute();
        await db.schema.createIndex('list_tokens_decision').on('list_tokens').column('decision').execute();
        await db.schema
          .createTable('list_held')
          .addColumn('id', id)
          .addColumn('list_id', 'bigint', (c) => c.notNull().references('lists.id').onDelete('cascade'))
          .addColumn('mail_from', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('bytes', blob, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('list_held_list').on('list_held').columns(['list_id', 'id']).execute();
      },
    },
  };
}
