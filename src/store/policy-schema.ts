import type { Kysely, Migration } from 'kysely';

/**
 * The mail policy tables (migration '0007-mail-policy'):
 * - `dkim_keys`: one DKIM signing key per domain (RFC 6376 §3.6.1). The private key is PEM text
 *   and only ever read by the signer; the CLI prints the public part as a DNS record.
 * - `auto_replies`: when an out-of-office reply last went from an account to a sender, so that a
 *   sender gets at most one reply per period (RFC 3834 §3.1.1), on every node.
 */
export interface DkimKeyRow {
  domain_id: number;
  selector: string;
  private_key: string;
  public_key: string;
  created_at: number;
}
export interface AutoReplyRow {
  account_id: number;
  sender: string;
  at: number;
}

export interface PolicyDatabase {
  dkim_keys: DkimKeyRow;
  auto_replies: AutoReplyRow;
}

export function policyMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  void dialect;
  return {
    '0007-mail-policy': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('dkim_keys')
          .addColumn('domain_id', 'bigint', (c) => c.primaryKey().references('domains.id').onDelete('cascade'))
          .addColumn('selector', 'text', (c) => c.notNull())
          .addColumn('private_key', 'text', (c) => c.notNull())
          .addColumn('public_key', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('auto_replies')
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('sender', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('auto_replies_pk', ['account_id', 'sender'])
          .execute();
      },
    },
  };
}
