import { sql } from 'kysely';
import type { Account, AccountKind, Alias, Domain } from '../model/types.js';
import type { NewAccount, NewDomain } from './store.js';
import { StoreError, conflict, notFound } from './errors.js';
import { toAccount, toAlias, toDomain } from './rows.js';
import { DEFAULT_FOLDERS } from './defaults.js';
import { SqlStoreBase, lower, now } from './sql-store-base.js';
import { QueryShape } from './query-shape.js';

/** Domains, accounts (with their default folders and limits), aliases and groups. */
export abstract class DirectoryStore extends SqlStoreBase {
  // Read on every authenticated request (the account, its domain, its groups for folder access),
  // compiled once (query-shape.ts).
  private readonly accountById = new QueryShape(this.db as never, 1, (id: number) => this.db.selectFrom('accounts').selectAll().where('id', '=', id));
  private readonly accountByEmail = new QueryShape(this.db as never, 1, (email: string) => this.db.selectFrom('accounts').selectAll().where('email', '=', email));
  private readonly domainById = new QueryShape(this.db as never, 1, (id: number) => this.db.selectFrom('domains').selectAll().where('id', '=', id));
  private readonly domainByName = new QueryShape(this.db as never, 1, (name: string) => this.db.selectFrom('domains').selectAll().where('name', '=', name));
  private readonly groupsOf = new QueryShape(this.db as never, 1, (memberId: number) => this.db.selectFrom('accounts')
    .innerJoin('group_members', 'group_members.group_id', 'accounts.id').selectAll('accounts').where('group_members.member_id', '=', memberId).orderBy('email'));

  // Domains

  async createDomain(d: NewDomain): Promise<Domain> {
    const name = lower(d.name);
    if (await this.getDomain(name)) throw conflict(`domain ${name} exists`);
    const row = await this.db.insertInto('domains').values({
      name, max_users: d.maxUsers ?? null, default_quota: d.defaultQuota ?? null, max_quota: d.maxQuota ?? null,
      max_message_size: d.maxMessageSize ?? null, footer_text: d.footerText ?? null, footer_html: d.footerHtml ?? null,
      logo_blob: null, settings: JSON.stringify(d.settings ?? {}), created_at: now(),
    } as never).returningAll().executeTakeFirstOrThrow();
    return toDomain(row);
  }

  async getDomain(nameOrId: string | number): Promise<Domain | null> {
    const [row] = await (typeof nameOrId === 'number' ? this.domainById.run(nameOrId) : this.domainByName.run(lower(nameOrId)));
    return row ? toDomain(row) : null;
  }

  async listDomains(): Promise<Domain[]> {
    return (await this.db.selectFrom('domains').selectAll().orderBy('name').execute()).map(toDomain);
  }

  async updateDomain(id: number, patch: Partial<Omit<Domain, 'id' | 'name' | 'createdAt'>>): Promise<Domain> {
    const set: Record<string, unknown> = {};
    if ('maxUsers' in patch) set.max_users = patch.maxUsers;
    if ('defaultQuota' in patch) set.default_quota = patch.defaultQuota;
    if ('maxQuota' in patch) set.max_quota = patch.maxQuota;
    if ('maxMessageSize' in patch) set.max_message_size = patch.maxMessageSize;
    if ('footerText' in patch) set.footer_text = patch.footerText;
    if ('footerHtml' in patch) set.footer_html = patch.footerHtml;
    if ('logoBlob' in patch) set.logo_blob = patch.logoBlob;
    if ('settings' in patch) set.settings = JSON.stringify(patch.settings ?? {});
    if (Object.keys(set).length) await this.db.updateTable('domains').set(set).where('id', '=', id).execute();
    const d = await this.getDomain(id);
    if (!d) throw notFound('domain');
    return d;
  }

  async deleteDomain(id: number): Promise<void> {
    const r = await this.db.deleteFrom('domains').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('domain');
  }

  // Accounts

  async createAccount(a: NewAccount): Promise<Account> {
    const email = lower(a.email);
    const kind: AccountKind = a.kind ?? 'user';
    return this.write(async ({ trx }) => {
      const domain = await trx.selectFrom('domains').selectAll().where('id', '=', a.domainId).executeTakeFirst();
      if (!domain) throw notFound('domain');
      if (!email.endsWith(`@${domain.name}`)) throw new StoreError('Invalid', `${email} is not an address of ${domain.name}`);
      if (kind === 'user' && domain.max_users !== null) {
        // Serialize concurrent creations in the domain (PostgreSQL): lock the domain row first.
        if (this.dialect === 'postgres') await sql`select id from domains where id = ${a.domainId} for no key update`.execute(trx);
        const { n } = await trx.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('domain_id', '=', a.domainId).where('kind', '=', 'user').executeTakeFirstOrThrow();
        if (Number(n) >= Number(domain.max_users)) {
          throw new StoreError('LimitExceeded', `domain ${domain.name} has reached its limit of ${domain.max_users} users`);
        }
      }
      if (await trx.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirst()) throw conflict(`${email} exists`);
      if (await trx.selectFrom('aliases').select('address').where('address', '=', email).executeTakeFirst()) throw conflict(`${email} is an alias`);
      const folders = DEFAULT_FOLDERS[kind];
      const created = now();
      const row = await trx.insertInto('accounts').values({
        domain_id: a.domainId, email, kind, display_name: a.displayName ?? null, password_hash: a.passwordHash ?? null,
        quota_bytes: a.quotaBytes !== undefined ? a.quotaBytes : domain.default_quota, quota_messages: a.quotaMessages ?? null,
        is_server_admin: a.isServerAdmin ? 1 : 0, admin_domains: JSON.stringify(a.adminDomains ?? []), disabled: 0,
        modseq: folders.length, used_bytes: 0, used_messages: 0, created_at: created,
        uid_validity_last: Math.floor(created / 1000) % 0xffffffff,
      } as never).returningAll().executeTakeFirstOrThrow();
      const uidValidity = Math.floor(created / 1000) % 0xffffffff;
      let modseq = 0;
      for (const f of folders) {
        modseq++;
        await trx.insertInto('folders').values({
          account_id: row.id, parent_id: null, name: f.name, kind: f.kind, role: f.role, props: '{}', uid_validity: uidValidity,
          uid_next: 1, modseq, content_modseq: modseq, created_at: created,
        } as never).execute();
      }
      return toAccount(row);
    });
  }

  async getAccount(emailOrId: string | number): Promise<Account | null> {
    const [row] = await (typeof emailOrId === 'number' ? this.accountById.run(emailOrId) : this.accountByEmail.run(lower(emailOrId)));
    return row ? toAccount(row) : null;
  }

  async listAccounts(domainId?: number): Promise<Account[]> {
    // The public-folder owner is not a directory entry: no GAL, principal search or user list shows it.
    let q = this.db.selectFrom('accounts').selectAll().where('kind', '!=', 'public').orderBy('email');
    if (domainId !== undefined) q = q.where('domain_id', '=', domainId);
    return (await q.execute()).map(toAccount);
  }

  async updateAccount(id: number, patch: Partial<Omit<Account, 'id' | 'domainId' | 'email' | 'createdAt'>>): Promise<Account> {
    const set: Record<string, unknown> = {};
    if ('kind' in patch) set.kind = patch.kind;
    if ('displayName' in patch) set.display_name = patch.displayName;
    if ('passwordHash' in patch) set.password_hash = patch.passwordHash;
    if ('quotaBytes' in patch) set.quota_bytes = patch.quotaBytes;
    if ('quotaMessages' in patch) set.quota_messages = patch.quotaMessages;
    if ('isServerAdmin' in patch) set.is_server_admin = patch.isServerAdmin ? 1 : 0;
    if ('adminDomains' in patch) set.admin_domains = JSON.stringify(patch.adminDomains ?? []);
    if ('disabled' in patch) set.disabled = patch.disabled ? 1 : 0;
    if (Object.keys(set).length) await this.db.updateTable('accounts').set(set).where('id', '=', id).execute();
    const a = await this.getAccount(id);
    if (!a) throw notFound('account');
    return a;
  }

  async deleteAccount(id: number): Promise<void> {
    await this.write(async (scope) => {
      const blobs = await scope.trx.selectFrom('items').select('blob_hash').where('account_id', '=', id)
        .where('blob_hash', 'is not', null).execute();
      for (const b of blobs) await this.releaseBlobIn(scope, b.blob_hash!);
      const r = await scope.trx.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('account');
    });
  }

  async countAccounts(domainId: number, kind?: AccountKind): Promise<number> {
    let q = this.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('domain_id', '=', domainId);
    if (kind) q = q.where('kind', '=', kind);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async accountModseq(accountId: number): Promise<number> {
    const row = await this.db.selectFrom('accounts').select('modseq').where('id', '=', accountId).executeTakeFirst();
    if (!row) throw notFound('account');
    return Number(row.modseq);
  }

  async accountUsage(accountId: number): Promise<{ bytes: number; messages: number }> {
    const row = await this.db.selectFrom('accounts').select(['used_bytes', 'used_messages']).where('id', '=', accountId).executeTakeFirst();
    if (!row) throw notFound('account');
    return { bytes: Number(row.used_bytes), messages: Number(row.used_messages) };
  }

  // Aliases and groups

  async setAlias(address: string, targets: string[]): Promise<Alias> {
    const addr = lower(address);
    const domainName = addr.split('@')[1];
    const domain = domainName ? await this.getDomain(domainName) : null;
    if (!domain) throw notFound(`domain of ${addr}`);
    if (await this.getAccount(addr)) throw conflict(`${addr} is an account`);
    const row = { address: addr, domain_id: domain.id, targets: JSON.stringify(targets.map(lower)) };
    await this.db.insertInto('aliases').values(row as never)
      .onConflict((oc) => oc.column('address').doUpdateSet({ targets: row.targets })).execute();
    return toAlias(row as never);
  }

  async getAlias(address: string): Promise<Alias | null> {
    const row = await this.db.selectFrom('aliases').selectAll().where('address', '=', lower(address)).executeTakeFirst();
    return row ? toAlias(row) : null;
  }

  async listAliases(domainId?: number): Promise<Alias[]> {
    let q = this.db.selectFrom('aliases').selectAll().orderBy('address');
    if (domainId !== undefined) q = q.where('domain_id', '=', domainId);
    return (await q.execute()).map(toAlias);
  }

  async deleteAlias(address: string): Promise<void> {
    const r = await this.db.deleteFrom('aliases').where('address', '=', lower(address)).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('alias');
  }

  async addGroupMember(groupId: number, memberId: number): Promise<void> {
    await this.db.insertInto('group_members').values({ group_id: groupId, member_id: memberId } as never)
      .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing()).execute();
  }

  async removeGroupMember(groupId: number, memberId: number): Promise<void> {
    await this.db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', '=', memberId).execute();
  }

  async listGroupMembers(groupId: number): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').innerJoin('group_members', 'group_members.member_id', 'accounts.id')
      .selectAll('accounts').where('group_members.group_id', '=', groupId).orderBy('email').execute();
    return rows.map(toAccount);
  }

  async listGroupsOf(memberId: number): Promise<Account[]> {
    return (await this.groupsOf.run(memberId)).map(toAccount);
  }
}
