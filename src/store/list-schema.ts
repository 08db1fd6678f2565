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
  posting: string;
  created_at: number;
}
export interface ListMemberRow {
  list_id: number;
  address: string;
  role: string;
  created_at: number;
}

export interface ListDatabase {
  lists: ListRow;
  list_members: ListMemberRow;
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
  };
}
