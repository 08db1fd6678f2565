import { sql } from 'kysely';
import type { AuditEvent, Device, Grant, ResourceLock, SyncState } from '../model/types.js';
import type { DevicePatch, DeviceUpsert, NewGrant, Store } from './store.js';
import { notFound } from './errors.js';
import { json, toAudit, toDevice, toGrant, toSyncState } from './rows.js';
import type { LockRow } from './schema.js';
import { lower, now } from './sql-store-base.js';
import { auditDomainOf } from './admin-store.js';
import { PolicySqlStore } from './policy-sql.js';
import { QueryShape } from './query-shape.js';

export { SqlStoreBase, type BlobBackend, type ChangeBus, type Trx, type WriteScope } from './sql-store-base.js';

/**
 * The Store over Kysely: one implementation for SQLite and PostgreSQL. Dialect differences are
 * confined to the BlobBackend, the ChangeBus and the migrations' column types (sql-store-base.ts).
 * This last layer holds devices, sync state, grants, settings, login failures and audit.
 */
export class SqlStore extends PolicySqlStore implements Store {
  // The reads every ActiveSync request makes (device, sync state, the credential check's lockout
  // rows), compiled once (query-shape.ts): Kysely rebuilt and recompiled each on every request.
  private readonly deviceOf = new QueryShape(this.db as never, 2, (accountId: number, deviceId: string) =>
    this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('device_id', '=', deviceId));
  private readonly syncStateOf = new QueryShape(this.db as never, 2, (deviceId: number, collection: string) =>
    this.db.selectFrom('sync_states').selectAll().where('device_id', '=', deviceId).where('collection', '=', collection));
  /**
   * The sync-state write of every ActiveSync request, as one statement (it was a transaction of a
   * read and an upsert, built by Kysely each time): a new key moves the stored key and state to
   * previous_*; the same key keeps them. SET expressions read the row as it was before the
   * update (SQLite and PostgreSQL alike), so both columns see the old sync_key.
   */
  private readonly syncStateUpsert = new QueryShape(this.db as never, 5, (deviceId: number, collection: string, syncKey: string, state: string, updatedAt: number) => {
    const changed = sql`sync_states.sync_key <> excluded.sync_key`;
    return this.db.insertInto('sync_states')
      .values({ device_id: deviceId, collection, sync_key: syncKey, state, previous_key: null, previous_state: null, updated_at: updatedAt } as never)
      .onConflict((oc) => oc.columns(['device_id', 'collection']).doUpdateSet({
        previous_key: sql`case when ${changed} then sync_states.sync_key else sync_states.previous_key end`,
        previous_state: sql`case when ${changed} then sync_states.state else sync_states.previous_state end`,
        sync_key: sql`excluded.sync_key`, state: sql`excluded.state`, updated_at: sql`excluded.updated_at`,
      } as never))
      .returningAll();
  });

  // Devices and sync state

  async touchDevice(d: DeviceUpsert): Promise<Device> {
    const t = now();
    const set: Record<string, unknown> = { last_seen: t };
    if (d.deviceType) set.device_type = d.deviceType;
    if (d.userAgent) set.user_agent = d.userAgent;
    if (d.protocolVersion) set.protocol_version = d.protocolVersion;
    const row = await this.db.insertInto('devices').values({
      account_id: d.accountId, device_id: d.deviceId, device_type: d.deviceType ?? null, user_agent: d.userAgent ?? null,
      model: null, protocol_version: d.protocolVersion ?? null, policy_key: null, pending_policy_key: null, access: 'allowed',
      wipe_state: 'none', wipe_account_only: 0, info: '{}', last_seen: t, created_at: t,
    } as never).onConflict((oc) => oc.columns(['account_id', 'device_id']).doUpdateSet(set)).returningAll().executeTakeFirstOrThrow();
    return toDevice(row);
  }

  async getDevice(accountId: number, deviceId: string): Promise<Device | null> {
    const [row] = await this.deviceOf.run(accountId, deviceId);
    return row ? toDevice(row) : null;
  }

  async listDevices(accountId: number): Promise<Device[]> {
    return (await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map(toDevice);
  }

  async updateDevice(id: number, patch: DevicePatch): Promise<Device> {
    const map: Record<keyof DevicePatch, string> = {
      deviceType: 'device_type', userAgent: 'user_agent', model: 'model', protocolVersion: 'protocol_version',
      policyKey: 'policy_key', pendingPolicyKey: 'pending_policy_key', access: 'access', wipeState: 'wipe_state',
      wipeAccountOnly: 'wipe_account_only', info: 'info', lastSeen: 'last_seen',
    };
    const set: Record<string, unknown> = {};
    for (const [k, col] of Object.entries(map) as [keyof DevicePatch, string][]) {
      if (!(k in patch)) continue;
      const v = patch[k];
      set[col] = k === 'info' ? JSON.stringify(v ?? {}) : k === 'wipeAccountOnly' ? (v ? 1 : 0) : v;
    }
    const q = this.db.updateTable('devices').where('id', '=', id);
    const row = Object.keys(set).length
      ? await q.set(set).returningAll().executeTakeFirst()
      : await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('device');
    return toDevice(row);
  }

  async deleteDevice(id: number): Promise<void> {
    const r = await this.db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('device');
  }

  async getSyncState(deviceId: number, collection: string): Promise<SyncState | null> {
    const [row] = await this.syncStateOf.run(deviceId, collection);
    return row ? toSyncState(row) : null;
  }

  async putSyncState(deviceId: number, collection: string, syncKey: string, state: unknown): Promise<SyncState> {
    const [row] = await this.syncStateUpsert.run(deviceId, collection, syncKey, JSON.stringify(state ?? null), now());
    return toSyncState(row as never);
  }

  async deleteSyncStates(deviceId: number, collection?: string): Promise<void> {
    let q = this.db.deleteFrom('sync_states').where('device_id', '=', deviceId);
    if (collection !== undefined) q = q.where('collection', '=', collection);
    await q.execute();
  }

  // Grants

  async createGrant(g: NewGrant): Promise<Grant> {
    const row = await this.db.insertInto('grants').values({
      owner_id: g.ownerId, folder_id: g.folderId ?? null, grantee_id: g.granteeId, rights: g.rights, status: g.status ?? 'accepted',
      props: JSON.stringify(g.props ?? {}), created_at: now(),
    } as never).returningAll().executeTakeFirstOrThrow();
    return toGrant(row);
  }

  async updateGrant(id: number, patch: Partial<Pick<Grant, 'rights' | 'status' | 'props'>>): Promise<Grant> {
    const set: Record<string, unknown> = {};
    if (patch.rights) set.rights = patch.rights;
    if (patch.status) set.status = patch.status;
    if (patch.props) set.props = JSON.stringify(patch.props);
    const row = Object.keys(set).length
      ? await this.db.updateTable('grants').set(set).where('id', '=', id).returningAll().executeTakeFirst()
      : await this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('grant');
    return toGrant(row);
  }

  async deleteGrant(id: number): Promise<void> {
    await this.db.deleteFrom('grants').where('id', '=', id).execute();
  }

  async listGrantsByOwner(ownerId: number): Promise<Grant[]> {
    return (await this.db.selectFrom('grants').selectAll().where('owner_id', '=', ownerId).orderBy('id').execute()).map(toGrant);
  }

  async listGrantsForGrantee(granteeId: number): Promise<Grant[]> {
    return (await this.db.selectFrom('grants').selectAll().where('grantee_id', '=', granteeId).orderBy('id').execute()).map(toGrant);
  }

  // Settings

  async getSetting<T = unknown>(accountId: number, key: string): Promise<T | null> {
    const row = await this.db.selectFrom('settings').select('value').where('account_id', '=', accountId).where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async setSetting(accountId: number, key: string, value: unknown): Promise<void> {
    const v = JSON.stringify(value ?? null);
    await this.db.insertInto('settings').values({ account_id: accountId, key, value: v } as never)
      .onConflict((oc) => oc.columns(['account_id', 'key']).doUpdateSet({ value: v })).execute();
  }

  // Login failures

  async recordLoginFailure(login: string, source: string, at: number): Promise<void> {
    await this.db.insertInto('login_failures').values({ login: lower(login), source, at } as never).execute();
  }

  async countLoginFailures(login: string, source: string, since: number): Promise<number> {
    const row = await this.db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('login', '=', lower(login)).where('source', '=', source).where('at', '>=', since).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // The lockout check every password login makes, cached ones included (auth-service.ts): compiled once.
  private readonly failureTimes = new QueryShape(this.db as never, 4, (login: string, source: string, since: number, limit: number) =>
    this.db.selectFrom('login_failures').select('at').where('login', '=', login).where('source', '=', source).where('at', '>=', since)
      .orderBy('at', 'desc').limit(limit));

  async loginFailureTimes(login: string, source: string, since: number, limit: number): Promise<number[]> {
    const rows = await this.failureTimes.run(lower(login), source, since, Math.max(0, Math.floor(limit)));
    return rows.map((r) => Number(r.at));
  }

  async countAccountLoginFailures(login: string, since: number): Promise<number> {
    const row = await this.db.selectFrom('login_failures').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('login', '=', lower(login)).where('at', '>=', since).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async purgeLoginFailures(before: number): Promise<number> {
    return Number((await this.db.deleteFrom('login_failures').where('at', '<', before).executeTakeFirst()).numDeletedRows);
  }

  async clearLoginFailures(login: string, source?: string): Promise<number> {
    let q = this.db.deleteFrom('login_failures').where('login', '=', lower(login));
    if (source !== undefined) q = q.where('source', '=', source);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }

  // Audit

  async audit(e: Omit<AuditEvent, 'id' | 'at'> & { at?: number }): Promise<void> {
    await this.db.insertInto('audit').values({
      at: e.at ?? now(), actor: e.actor, action: e.action, target: e.target, source: e.source ?? null, detail: JSON.stringify(e.detail ?? {}),
      domain: auditDomainOf(e.target),
    } as never).execute();
  }

  async listAudit(opts: { target?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 100);
    if (opts.target) q = q.where('target', '=', opts.target);
    return (await q.execute()).map(toAudit);
  }

  // Resource locks

  async listLocks(space: string, at: number): Promise<ResourceLock[]> {
    const rows = await this.db.selectFrom('locks').selectAll().where('space', '=', space).where('expires_at', '>', at).execute();
    return rows.map(toLock);
  }

  async createLock(lock: ResourceLock, at: number, conflicts: (live: ResourceLock[]) => boolean): Promise<boolean> {
    return this.write(async ({ trx }) => {
      // Serialize lock creation per space on every node (SQLite: BEGIN IMMEDIATE already does).
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${lock.space}, 0))`.execute(trx);
      await trx.deleteFrom('locks').where('space', '=', lock.space).where('expires_at', '<=', at).execute();
      const live = (await trx.selectFrom('locks').selectAll().where('space', '=', lock.space).execute()).map(toLock);
      if (conflicts(live)) return false;
      await trx.insertInto('locks').values({
        token: lock.token, space: lock.space, path: lock.path, data: JSON.stringify(lock.data), expires_at: lock.expiresAt,
      } as never).execute();
      return true;
    });
  }

  async refreshLock(token: string, expiresAt: number): Promise<boolean> {
    const r = await this.db.updateTable('locks').set({ expires_at: expiresAt }).where('token', '=', token).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteLocks(tokens: string[]): Promise<number> {
    if (tokens.length === 0) return 0;
    const r = await this.db.deleteFrom('locks').where('token', 'in', tokens).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

const toLock = (r: LockRow): ResourceLock => ({
  token: r.token, space: r.space, path: r.path, data: json(r.data, {}), expiresAt: Number(r.expires_at),
});
