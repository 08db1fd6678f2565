import { sql } from 'kysely';
import type { Account, AuditEvent } from '../model/types.js';
import type { AccountQuery, AdminStore, ApiKey, AuditQuery, SigningKey, UsageDay } from './admin-store.js';
import type { ApiKeyRow } from './admin-schema.js';
import { conflict, notFound } from './errors.js';
import { json, toAccount, toAudit } from './rows.js';
import { now } from './sql-store-base.js';
import { ListSqlStore } from './list-sql.js';

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: Number(r.id),
  keyId: r.key_id,
  secretHash: r.secret_hash,
  accountId: Number(r.account_id),
  label: r.label,
  access: r.access === 'write' ? 'write' : 'read',
  cidrs: json(r.cidrs, []),
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

const SORT_COLUMNS = { email: 'email', displayName: 'display_name', createdAt: 'created_at' } as const;

/** The admin API's slice of the store (admin-store.ts): paged listings, API keys, token keys, ETag versions, usage. */
export abstract class AdminSqlStore extends ListSqlStore implements AdminStore {
  async pageAccounts(q: AccountQuery): Promise<{ accounts: Account[]; total: number }> {
    let base = this.db.selectFrom('accounts');
    if (q.domainIds) base = q.domainIds.length ? base.where('domain_id', 'in', q.domainIds) : base.where(sql<boolean>`1 = 0`);
    if (q.kind) base = base.where('kind', '=', q.kind);
    if (q.disabled !== undefined) base = base.where('disabled', '=', q.disabled ? 1 : 0);
    if (q.search) {
      // LIKE with the wildcards of the search text escaped; lower() on both sides for both dialects.
      const pattern = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where((eb) =>
        eb.or([
          eb(sql`lower(email)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(coalesce(display_name, ''))`, 'like', sql`${pattern} escape '\\'`),
        ]),
      );
    }
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const column = SORT_COLUMNS[q.sort ?? 'email'];
    const order = q.order ?? 'asc';
    const rows = await base.selectAll().orderBy(column, order).orderBy('id', order).limit(q.limit).offset(q.offset).execute();
    return { accounts: rows.map(toAccount), total: Number(n) };
  }

  async resourceVersion(resource: string): Promise<number> {
    const row = await this.db.selectFrom('resource_versions').select('version').where('resource', '=', resource).executeTakeFirst();
    return row ? Number(row.version) : 0;
  }

  async claimResourceVersion(resource: string, expected: number): Promise<boolean> {
    if (expected === 0) {
      // First write: the insert is the compare-and-set (the primary key refuses a second one).
      const r = await this.db
        .insertInto('resource_versions')
        .values({ resource, version: 1 } as never)
        .onConflict((oc) => oc.column('resource').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    }
    const r = await this.db
      .updateTable('resource_versions')
      .set({ version: expected + 1 })
      .where('resource', '=', resource)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async createApiKey(k: Omit<ApiKey, 'id' | 'createdAt' | 'lastUsedAt'>): Promise<ApiKey> {
    if (await this.getApiKey(k.keyId)) throw conflict(`API key ${k.keyId} exists`);
    const row = await this.db
      .insertInto('api_keys')
      .values({
        key_id: k.keyId,
        secret_hash: k.secretHash,
        account_id: k.accountId,
        label: k.label,
        access: k.access,
        cidrs: JSON.stringify(k.cidrs),
        created_at: now(),
        last_used_at: null,
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiKey(row);
  }

  async getApiKey(keyId: string): Promise<ApiKey | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(accountIds?: number[]): Promise<ApiKey[]> {
    let q = this.db.selectFrom('api_keys').selectAll().orderBy('id', 'desc');
    if (accountIds) q = accountIds.length ? q.where('account_id', 'in', accountIds) : q.where(sql<boolean>`1 = 0`);
    return (await q.execute()).map(toApiKey);
  }

  async deleteApiKey(keyId: string): Promise<void> {
    const r = await this.db.deleteFrom('api_keys').where('key_id', '=', keyId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('API key');
  }

  async touchApiKey(keyId: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('key_id', '=', keyId).execute();
  }

  async serverSecret(name: string, initial: string): Promise<string> {
    await this.db
      .insertInto('server_secrets')
      .values({ name, value: initial, created_at: Date.now() } as never)
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return row.value;
  }

  async listSigningKeys(): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('api_signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({ kid: r.kid, secret: r.secret, createdAt: Number(r.created_at) }));
  }

  async addSigningKey(k: SigningKey): Promise<void> {
    await this.db
      .insertInto('api_signing_keys')
      .values({ kid: k.kid, secret: k.secret, created_at: k.createdAt } as never)
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }

  async deleteSigningKeysBefore(before: number): Promise<number> {
    const r = await this.db.deleteFrom('api_signing_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async recordUsage(u: UsageDay): Promise<void> {
    await this.db
      .insertInto('usage_daily')
      .values({ domain_id: u.domainId, day: u.day, users: u.users, storage_bytes: u.storageBytes } as never)
      .onConflict((oc) =>
        oc.columns(['domain_id', 'day']).doUpdateSet({
          // The day's most users (billing), the latest storage.
          users: sql`case when usage_daily.users > ${u.users} then usage_daily.users else ${u.users} end`,
          storage_bytes: u.storageBytes,
        }),
      )
      .execute();
  }

  async listUsage(domainId: number, fromDay: string, toDay: string): Promise<UsageDay[]> {
    const rows = await this.db
      .selectFrom('usage_daily')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day')
      .execute();
    return rows.map((r) => ({ domainId: Number(r.domain_id), day: r.day, users: Number(r.users), storageBytes: Number(r.storage_bytes) }));
  }

  async usageBefore(domainId: number, day: string): Promise<UsageDay | null> {
    const r = await this.db
      .selectFrom('usage_daily')
      .selectAll()
      .where('domain_id', '=', domainId)
      .where('day', '<', day)
      .orderBy('day', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? { domainId: Number(r.domain_id), day: r.day, users: Number(r.users), storageBytes: Number(r.storage_bytes) } : null;
  }

  async domainStorage(domainId: number): Promise<number> {
    const r = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.sum<number>('used_bytes').as('n'))
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async pageAudit(q: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    let base = this.db.selectFrom('audit');
    if (q.domain !== undefined) base = base.where('domain', '=', q.domain.toLowerCase());
    if (q.target) base = base.where('target', '=', q.target);
    if (q.action) base = base.where('action', 'like', `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return { events: rows.map(toAudit), total: Number(n) };
  }
}
