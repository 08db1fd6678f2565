import type { Kysely } from 'kysely';
import { AdminSqlStore } from './admin-sql.js';
import type { Database } from './schema.js';
import type { PolicyDatabase, DkimKeyRow } from './policy-schema.js';
import type { DkimKey, PolicyStore } from './policy-store.js';
import { notFound } from './errors.js';
import { lower, now } from './sql-store-base.js';

const toDkimKey = (r: DkimKeyRow): DkimKey => ({
  domainId: Number(r.domain_id),
  selector: r.selector,
  privateKey: r.private_key,
  publicKey: r.public_key,
  createdAt: Number(r.created_at),
});

/** The PolicyStore over the SQL store (both backends). */
export abstract class PolicySqlStore extends AdminSqlStore implements PolicyStore {
  private get pdb(): Kysely<Database & PolicyDatabase> {
    return this.db as unknown as Kysely<Database & PolicyDatabase>;
  }

  async getDkimKey(domainId: number): Promise<DkimKey | null> {
    const row = await this.pdb.selectFrom('dkim_keys').selectAll().where('domain_id', '=', domainId).executeTakeFirst();
    return row ? toDkimKey(row) : null;
  }

  async addDkimKey(key: Omit<DkimKey, 'createdAt'> & { createdAt?: number }): Promise<DkimKey> {
    const domain = await this.pdb.selectFrom('domains').select('id').where('id', '=', key.domainId).executeTakeFirst();
    if (!domain) throw notFound('domain');
    // The first key stays: a second `hearth domain dkim` must not replace a published key.
    await this.pdb
      .insertInto('dkim_keys')
      .values({
        domain_id: key.domainId,
        selector: key.selector,
        private_key: key.privateKey,
        public_key: key.publicKey,
        created_at: key.createdAt ?? now(),
      })
      .onConflict((oc) => oc.column('domain_id').doNothing())
      .execute();
    return (await this.getDkimKey(key.domainId))!;
  }

  async replaceDkimKey(key: Omit<DkimKey, 'createdAt'> & { createdAt?: number }, previousSelector: string): Promise<DkimKey | null> {
    const r = await this.pdb
      .updateTable('dkim_keys')
      .set({ selector: key.selector, private_key: key.privateKey, public_key: key.publicKey, created_at: key.createdAt ?? now() })
      .where('domain_id', '=', key.domainId)
      .where('selector', '=', previousSelector)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1 ? this.getDkimKey(key.domainId) : null;
  }

  async recordAutoReply(accountId: number, sender: string, at: number, since: number): Promise<boolean> {
    const who = lower(sender);
    await this.pdb
      .deleteFrom('auto_replies')
      .where('account_id', '=', accountId)
      .where('at', '<', since)
      .where('sender', '!=', who)
      .execute();
    // One statement decides: insert, or take over a row older than the period; a row within
    // the period makes the conditional update do nothing and return no row.
    const row = await this.pdb
      .insertInto('auto_replies')
      .values({ account_id: accountId, sender: who, at })
      .onConflict((oc) => oc.columns(['account_id', 'sender']).doUpdateSet({ at }).where('auto_replies.at', '<', since))
      .returning('at')
      .executeTakeFirst();
    return row !== undefined;
  }
}
