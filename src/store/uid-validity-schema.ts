import { sql, type Kysely, type Migration } from 'kysely';

/**
 * UIDVALIDITY that is never reused (RFC 9051 §2.3.1.1, RFC 3501 §2.3.1.1): a mailbox deleted and
 * created again under the same name must get a greater value than before, even within the same
 * second. Each account keeps the last value it gave out (`accounts.uid_validity_last`); a new
 * folder gets the larger of the clock in seconds and that value plus one (migration
 * '0014-uid-validity', which starts each account at its folders' highest value).
 */
export interface UidValidityAccountColumns {
  uid_validity_last: number;
}

export function uidValidityMigrations(): Record<string, Migration> {
  return {
    '0014-uid-validity': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('accounts').addColumn('uid_validity_last', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        await sql`update accounts set uid_validity_last = coalesce((select max(uid_validity) from folders where folders.account_id = accounts.id), 0)`.execute(db);
      },
    },
  };
}

/** The next UIDVALIDITY for an account whose last given value is `last` (32 bits, never 0). */
export function nextUidValidity(nowMs: number, last: number): number {
  return Math.max(Math.floor(nowMs / 1000) % 0xffffffff, last + 1);
}
