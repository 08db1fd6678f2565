import { createHash } from 'node:crypto';
import { Migrator, sql, type Kysely, type Transaction } from 'kysely';
import type {
  Account, AccountKind, Alias, AuditEvent, ChangeEvent, Device, Domain, Folder, FolderKind, FolderRole, Grant, Item, SyncState,
} from '../model/types.js';
import type {
  ChangeListener, Changes, DevicePatch, DeviceUpsert, FolderChanges, ItemPatch, ListItemsOptions, NewAccount, NewDomain,
  NewFolder, NewGrant, NewItem, Store, WriteOptions,
} from './store.js';
import { StoreError, conflict, notFound } from './errors.js';
import { migrations, type Database, type ItemRow } from './schema.js';
import { toAccount, toAlias, toAudit, toDevice, toDomain, toFolder, toGrant, toItem, toSyncState, toTombstone } from './rows.js';
import { DEFAULT_FOLDERS } from './defaults.js';
import { ItemWriter } from './item-writer.js';

type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** Where blob bytes live: files for SQLite, a table column for PostgreSQL (shared by every node). */
export interface BlobBackend {
  /** Called inside the transaction that creates the blob row. */
  write(trx: Trx, hash: string, data: Uint8Array): Promise<void>;
  read(db: Db, hash: string): Promise<Buffer | null>;
  /** Called after the transaction that removed the last reference has committed. */
  removed(hash: string): Promise<void>;
}

/** How change events leave a committed transaction: in-process, or NOTIFY to every node. */
export interface ChangeBus {
  /** Inside the transaction, before commit (PostgreSQL NOTIFY is delivered on commit). */
  inTransaction(trx: Trx, events: ChangeEvent[]): Promise<void>;
  /** After commit. */
  committed(events: ChangeEvent[]): void;
  subscribe(accountId: number, listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** A write in progress: the events it will publish once committed. */
export interface WriteScope {
  trx: Trx;
  events: ChangeEvent[];
  releasedBlobs: string[];
}

const now = () => Date.now();
const lower = (s: string) => s.trim().toLowerCase();

/**
 * The Store over Kysely: one implementation for SQLite and PostgreSQL. Dialect differences are
 * confined to the BlobBackend, the ChangeBus and the migrations' column types.
 */
export class SqlStore implements Store {
  protected readonly items: ItemWriter;

  constructor(
    readonly dialect: 'sqlite' | 'postgres',
    protected readonly db: Db,
    protected readonly blobs: BlobBackend,
    protected readonly bus: ChangeBus,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.items = new ItemWriter(this);
  }

  async migrate(): Promise<void> {
    const all = migrations(this.dialect);
    const migrator = new Migrator({
      db: this.db as Kysely<any>,
      provider: { getMigrations: async () => all },
      migrationTableName: 'hearth_migrations',
      migrationLockTableName: 'hearth_migrations_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  async close(): Promise<void> {
    await this.bus.close();
    await this.db.destroy();
    await this.onClose();
  }

  /** Runs `fn` in a transaction and publishes its change events only after the commit. */
  async write<T>(fn: (scope: WriteScope) => Promise<T>): Promise<T> {
    let scope!: WriteScope;
    const result = await this.db.transaction().execute(async (trx) => {
      scope = { trx, events: [], releasedBlobs: [] };
      const value = await fn(scope);
      if (scope.events.length) await this.bus.inTransaction(trx, scope.events);
      return value;
    });
    if (scope.events.length) this.bus.committed(scope.events);
    for (const hash of scope.releasedBlobs) await this.blobs.removed(hash);
    return result;
  }

  /**
   * Takes `count` consecutive modseqs of the account and returns the first. This UPDATE also
   * locks the account row, so that concurrent writers of one account serialize (PostgreSQL) and
   * every later read in the transaction sees the winner's committed data.
   */
  async nextModseq(trx: Trx, accountId: number, count = 1): Promise<number> {
    const row = await trx.updateTable('accounts').set({ modseq: sql`modseq + ${count}` })
      .where('id', '=', accountId).returning('modseq').executeTakeFirst();
    if (!row) throw notFound('account');
    return Number(row.modseq) - count + 1;
  }

  get database(): Db { return this.db; }

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
    const q = this.db.selectFrom('domains').selectAll();
    const row = await (typeof nameOrId === 'number' ? q.where('id', '=', nameOrId) : q.where('name', '=', lower(nameOrId))).executeTakeFirst();
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
        if (this.dialect === 'postgres') await sql`select id from domains where id = ${a.domainId} for update`.execute(trx);
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
    const q = this.db.selectFrom('accounts').selectAll();
    const row = await (typeof emailOrId === 'number' ? q.where('id', '=', emailOrId) : q.where('email', '=', lower(emailOrId))).executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async listAccounts(domainId?: number): Promise<Account[]> {
    let q = this.db.selectFrom('accounts').selectAll().orderBy('email');
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
    const rows = await this.db.selectFrom('accounts').innerJoin('group_members', 'group_members.group_id', 'accounts.id')
      .selectAll('accounts').where('group_members.member_id', '=', memberId).orderBy('email').execute();
    return rows.map(toAccount);
  }

  // Folders

  async createFolder(f: NewFolder): Promise<Folder> {
    return this.write(async (scope) => {
      const { trx } = scope;
      if (f.parentId != null) {
        const parent = await trx.selectFrom('folders').select('account_id').where('id', '=', f.parentId).executeTakeFirst();
        if (!parent || Number(parent.account_id) !== f.accountId) throw notFound('parent folder');
      }
      const modseq = await this.nextModseq(trx, f.accountId);
      if (await this.siblingNamed(trx, f.accountId, f.parentId ?? null, f.name)) throw conflict(`folder ${f.name} exists`);
      const created = now();
      const row = await trx.insertInto('folders').values({
        account_id: f.accountId, parent_id: f.parentId ?? null, name: f.name, kind: f.kind, role: f.role ?? null,
        props: JSON.stringify(f.props ?? {}), uid_validity: Math.floor(created / 1000) % 0xffffffff, uid_next: 1, modseq,
        content_modseq: modseq, created_at: created,
      } as never).returningAll().executeTakeFirstOrThrow();
      scope.events.push({ accountId: f.accountId, folderId: Number(row.id), modseq });
      return toFolder(row);
    });
  }

  private async siblingNamed(trx: Trx, accountId: number, parentId: number | null, name: string) {
    let q = trx.selectFrom('folders').select('id').where('account_id', '=', accountId).where('name', '=', name);
    q = parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId);
    return q.executeTakeFirst();
  }

  async getFolder(id: number): Promise<Folder | null> {
    const row = await this.db.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toFolder(row) : null;
  }

  async listFolders(accountId: number, kind?: FolderKind): Promise<Folder[]> {
    let q = this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).orderBy('id');
    if (kind) q = q.where('kind', '=', kind);
    return (await q.execute()).map(toFolder);
  }

  async findFolderByRole(accountId: number, role: FolderRole): Promise<Folder | null> {
    const row = await this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).where('role', '=', role)
      .orderBy('id').executeTakeFirst();
    return row ? toFolder(row) : null;
  }

  async findFolderByName(accountId: number, parentId: number | null, name: string): Promise<Folder | null> {
    const found = await this.siblingNamed(this.db as unknown as Trx, accountId, parentId, name);
    return found ? this.getFolder(Number(found.id)) : null;
  }

  async updateFolder(id: number, patch: Partial<Pick<Folder, 'name' | 'parentId' | 'props' | 'role'>>): Promise<Folder> {
    return this.write(async (scope) => {
      const { trx } = scope;
      const current = await trx.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound('folder');
      const accountId = Number(current.account_id);
      const modseq = await this.nextModseq(trx, accountId);
      const name = patch.name ?? current.name;
      const parentId = patch.parentId !== undefined ? patch.parentId : current.parent_id === null ? null : Number(current.parent_id);
      if (name !== current.name || parentId !== (current.parent_id === null ? null : Number(current.parent_id))) {
        if (parentId !== null) {
          // A folder cannot move below itself or its own descendants.
          for (let p: number | null = parentId; p !== null;) {
            if (p === id) throw new StoreError('Invalid', 'a folder cannot move into itself');
            const parent = await trx.selectFrom('folders').select(['parent_id', 'account_id']).where('id', '=', p).executeTakeFirst();
            if (!parent || Number(parent.account_id) !== accountId) throw notFound('parent folder');
            p = parent.parent_id === null ? null : Number(parent.parent_id);
          }
        }
        const other = await this.siblingNamed(trx, accountId, parentId, name);
        if (other && Number(other.id) !== id) throw conflict(`folder ${name} exists`);
      }
      const row = await trx.updateTable('folders').set({
        name, parent_id: parentId, props: patch.props ? JSON.stringify(patch.props) : current.props,
        role: patch.role !== undefined ? patch.role : current.role, modseq, content_modseq: modseq,
      }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      scope.events.push({ accountId, folderId: id, modseq });
      return toFolder(row);
    });
  }

  async deleteFolder(id: number): Promise<void> {
    await this.write(async (scope) => {
      const { trx } = scope;
      const root = await trx.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
      if (!root) throw notFound('folder');
      const accountId = Number(root.account_id);
      // Collect the subtree breadth-first.
      const ids = [id];
      for (let i = 0; i < ids.length; i++) {
        const kids = await trx.selectFrom('folders').select('id').where('parent_id', '=', ids[i]).execute();
        ids.push(...kids.map((k) => Number(k.id)));
      }
      const modseq = await this.nextModseq(trx, accountId, ids.length);
      const usage = await trx.selectFrom('items')
        .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'),
          eb.fn.countAll<number>().as('n')])
        .where('folder_id', 'in', ids).executeTakeFirstOrThrow();
      const mail = await trx.selectFrom('items').innerJoin('folders', 'folders.id', 'items.folder_id')
        .select((eb) => eb.fn.countAll<number>().as('n')).where('items.folder_id', 'in', ids).where('folders.kind', '=', 'mail')
        .executeTakeFirstOrThrow();
      const blobs = await trx.selectFrom('items').select('blob_hash').where('folder_id', 'in', ids).where('blob_hash', 'is not', null).execute();
      for (const b of blobs) await this.releaseBlobIn(scope, b.blob_hash!);
      await trx.deleteFrom('tombstones').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('items').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('grants').where('folder_id', 'in', ids).execute();
      await trx.deleteFrom('folders').where('id', 'in', ids).execute();
      await trx.updateTable('accounts').set({
        used_bytes: sql`used_bytes - ${Number(usage.bytes)}`, used_messages: sql`used_messages - ${Number(mail.n)}`,
      }).where('id', '=', accountId).execute();
      await trx.insertInto('folder_tombstones')
        .values(ids.map((folderId, i) => ({ account_id: accountId, folder_id: folderId, modseq: modseq + i })) as never).execute();
      scope.events.push({ accountId, folderId: id, modseq: modseq + ids.length - 1 });
    });
  }

  async folderChangesSince(accountId: number, modseq: number): Promise<FolderChanges> {
    const [changed, deleted, current] = await Promise.all([
      this.db.selectFrom('folders').selectAll().where('account_id', '=', accountId).where('modseq', '>', modseq).orderBy('modseq').execute(),
      this.db.selectFrom('folder_tombstones').selectAll().where('account_id', '=', accountId).where('modseq', '>', modseq).orderBy('modseq').execute(),
      this.accountModseq(accountId),
    ]);
    return {
      changed: changed.map(toFolder),
      deleted: deleted.map((r) => ({ accountId: Number(r.account_id), folderId: Number(r.folder_id), modseq: Number(r.modseq) })),
      modseq: current,
    };
  }

  // Items: the writes live in ItemWriter (item-writer.ts); reads here.

  createItem(item: NewItem): Promise<Item> { return this.items.create([item]).then((r) => r[0]); }
  createItems(items: NewItem[]): Promise<Item[]> { return this.items.create(items); }
  updateItem(id: number, patch: ItemPatch, opts?: WriteOptions): Promise<Item> { return this.items.update(id, patch, opts); }
  deleteItem(id: number, opts?: WriteOptions): Promise<void> { return this.items.delete(id, opts); }
  moveItem(id: number, toFolderId: number, newName?: string): Promise<Item> { return this.items.move(id, toFolderId, newName); }

  async getItem(id: number): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemByName(folderId: number, name: string): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId).where('name', '=', name).executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemByUid(folderId: number, uid: string): Promise<Item | null> {
    const row = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId).where('uid', '=', uid)
      .orderBy('id').executeTakeFirst();
    return row ? toItem(row) : null;
  }

  async getItemsByNames(folderId: number, names: string[]): Promise<Item[]> {
    if (names.length === 0) return [];
    const out: Item[] = [];
    // Bounded IN lists (SQLite's default variable limit is 32766; stay well below).
    for (let i = 0; i < names.length; i += 500) {
      const rows = await this.db.selectFrom('items').selectAll().where('folder_id', '=', folderId)
        .where('name', 'in', names.slice(i, i + 500)).execute();
      out.push(...rows.map(toItem));
    }
    return out;
  }

  async listItems(folderId: number, opts: ListItemsOptions = {}): Promise<Item[]> {
    const columns = ITEM_COLUMNS.filter((c) => !(opts.withoutContent && c === 'content'));
    let q = this.db.selectFrom('items').select(columns).where('folder_id', '=', folderId);
    // Overlap test: starts before `to` and ends after `from`; unknown bounds never exclude.
    if (opts.to !== undefined) q = q.where((eb) => eb.or([eb('start_at', 'is', null), eb('start_at', '<', opts.to!)]));
    if (opts.from !== undefined) q = q.where((eb) => eb.or([eb('end_at', 'is', null), eb('end_at', '>', opts.from!)]));
    if (opts.componentType) q = q.where('component_type', '=', opts.componentType);
    if (opts.afterId !== undefined) q = q.where('id', '>', opts.afterId);
    q = q.orderBy('id');
    if (opts.limit !== undefined) q = q.limit(opts.limit);
    return (await q.execute()).map((r) => toItem({ content: null, ...(r as object) } as ItemRow));
  }

  async countItems(folderId: number): Promise<{ count: number; size: number }> {
    const row = await this.db.selectFrom('items')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('size')])
      .where('folder_id', '=', folderId).executeTakeFirstOrThrow();
    return { count: Number(row.n), size: Number(row.size) };
  }

  async changesSince(folderId: number, modseq: number, limit = 10_000, opts: { withoutContent?: boolean } = {}): Promise<Changes> {
    const columns = ITEM_COLUMNS.filter((c) => !(opts.withoutContent && c === 'content'));
    const [changedRows, deletedRows, folder] = await Promise.all([
      this.db.selectFrom('items').select(columns).where('folder_id', '=', folderId).where('modseq', '>', modseq)
        .orderBy('modseq').limit(limit + 1).execute(),
      this.db.selectFrom('tombstones').selectAll().where('folder_id', '=', folderId).where('modseq', '>', modseq)
        .orderBy('modseq').limit(limit + 1).execute(),
      this.db.selectFrom('folders').select('content_modseq').where('id', '=', folderId).executeTakeFirst(),
    ]);
    if (!folder) throw notFound('folder');
    const changed = changedRows.map((r) => toItem({ content: null, ...(r as object) } as ItemRow));
    const deleted = deletedRows.map(toTombstone);
    if (changed.length + deleted.length <= limit) {
      const last = Math.max(modseq, Number(folder.content_modseq), ...changed.map((c) => c.modseq), ...deleted.map((d) => d.modseq));
      return { changed, deleted, modseq: last, more: false };
    }
    // Merge by modseq and cut at `limit`; the cut modseq is where the next call starts.
    const merged = [...changed.map((c) => ({ m: c.modseq, c })), ...deleted.map((d) => ({ m: d.modseq, d }))]
      .sort((a, b) => a.m - b.m).slice(0, limit);
    const cut = merged[merged.length - 1].m;
    return {
      changed: changed.filter((c) => c.modseq <= cut), deleted: deleted.filter((d) => d.modseq <= cut), modseq: cut, more: true,
    };
  }

  // Blobs

  async putBlob(data: Uint8Array): Promise<string> {
    const hash = createHash('sha256').update(data).digest('hex');
    await this.write(async ({ trx }) => {
      const updated = await trx.updateTable('blobs').set({ ref_count: sql`ref_count + 1` }).where('hash', '=', hash).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return;
      await this.blobs.write(trx, hash, data);
    });
    return hash;
  }

  getBlob(hash: string): Promise<Buffer | null> {
    return /^[0-9a-f]{64}$/.test(hash) ? this.blobs.read(this.db, hash) : Promise.resolve(null);
  }

  async releaseBlob(hash: string): Promise<void> {
    await this.write((scope) => this.releaseBlobIn(scope, hash));
  }

  /** Drops one reference inside a write; the bytes go after commit when none is left. */
  async releaseBlobIn(scope: WriteScope, hash: string): Promise<void> {
    const row = await scope.trx.updateTable('blobs').set({ ref_count: sql`ref_count - 1` }).where('hash', '=', hash)
      .returning('ref_count').executeTakeFirst();
    if (row && Number(row.ref_count) <= 0) {
      await scope.trx.deleteFrom('blobs').where('hash', '=', hash).execute();
      scope.releasedBlobs.push(hash);
    }
  }

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
    const row = await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('device_id', '=', deviceId).executeTakeFirst();
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
    const row = await this.db.selectFrom('sync_states').selectAll().where('device_id', '=', deviceId).where('collection', '=', collection).executeTakeFirst();
    return row ? toSyncState(row) : null;
  }

  async putSyncState(deviceId: number, collection: string, syncKey: string, state: unknown): Promise<SyncState> {
    return this.write(async ({ trx }) => {
      const current = await trx.selectFrom('sync_states').selectAll().where('device_id', '=', deviceId).where('collection', '=', collection).executeTakeFirst();
      const values = {
        device_id: deviceId, collection, sync_key: syncKey, state: JSON.stringify(state ?? null),
        previous_key: current && current.sync_key !== syncKey ? current.sync_key : current?.previous_key ?? null,
        previous_state: current && current.sync_key !== syncKey ? current.state : current?.previous_state ?? null, updated_at: now(),
      };
      const row = await trx.insertInto('sync_states').values(values as never).onConflict((oc) => oc.columns(['device_id', 'collection'])
        .doUpdateSet({ sync_key: values.sync_key, state: values.state, previous_key: values.previous_key, previous_state: values.previous_state, updated_at: values.updated_at }))
        .returningAll().executeTakeFirstOrThrow();
      return toSyncState(row);
    });
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

  async clearLoginFailures(login: string, source?: string): Promise<number> {
    let q = this.db.deleteFrom('login_failures').where('login', '=', lower(login));
    if (source !== undefined) q = q.where('source', '=', source);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }

  // Audit

  async audit(e: Omit<AuditEvent, 'id' | 'at'> & { at?: number }): Promise<void> {
    await this.db.insertInto('audit').values({
      at: e.at ?? now(), actor: e.actor, action: e.action, target: e.target, source: e.source ?? null, detail: JSON.stringify(e.detail ?? {}),
    } as never).execute();
  }

  async listAudit(opts: { target?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(opts.limit ?? 100);
    if (opts.target) q = q.where('target', '=', opts.target);
    return (await q.execute()).map(toAudit);
  }

  subscribe(accountId: number, listener: ChangeListener): () => void {
    return this.bus.subscribe(accountId, listener);
  }
}

export const ITEM_COLUMNS = [
  'id', 'account_id', 'folder_id', 'name', 'uid', 'content', 'blob_hash', 'content_type', 'size', 'imap_uid', 'flags', 'component_type',
  'summary', 'start_at', 'end_at', 'recurring', 'props', 'modseq', 'created_at', 'updated_at',
] as const;
