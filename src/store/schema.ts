import { sql, type Kysely, type Migration } from 'kysely';
import { mailMigrations } from './mail-schema.js';
import { queueMigrations, type QueueDatabase } from './queue-schema.js';
import { archiveMigrations } from './archive-schema.js';
import { listMigrations } from './list-schema.js';
import { uidValidityMigrations, type UidValidityAccountColumns } from './uid-validity-schema.js';
import { adminMigrations, type AdminDatabase } from './admin-schema.js';
import { policyMigrations } from './policy-schema.js';

/**
 * The one schema of both backends. Conventions that keep it portable:
 * booleans are integers 0/1, JSON is text, times are epoch milliseconds (bigint).
 */
export interface DomainRow {
  id: number; name: string; max_users: number | null; default_quota: number | null; max_quota: number | null;
  max_message_size: number | null; footer_text: string | null; footer_html: string | null; logo_blob: string | null;
  settings: string; created_at: number;
}
export interface AccountRow {
  id: number; domain_id: number; email: string; kind: string; display_name: string | null; password_hash: string | null;
  quota_bytes: number | null; quota_messages: number | null; is_server_admin: number; admin_domains: string;
  disabled: number; modseq: number; used_bytes: number; used_messages: number; created_at: number;
}
export interface AliasRow { address: string; domain_id: number; targets: string }
export interface GroupMemberRow { group_id: number; member_id: number }
export interface FolderRow {
  id: number; account_id: number; parent_id: number | null; name: string; kind: string; role: string | null; props: string;
  uid_validity: number; uid_next: number; modseq: number; content_modseq: number; created_at: number;
}
export interface FolderTombstoneRow { account_id: number; folder_id: number; modseq: number }
export interface ItemRow {
  id: number; account_id: number; folder_id: number; name: string; uid: string | null; content: string | null;
  blob_hash: string | null; content_type: string | null; size: number; imap_uid: number | null; flags: string;
  component_type: string | null; summary: string | null; start_at: number | null; end_at: number | null; recurring: number;
  props: string; modseq: number; created_at: number; updated_at: number;
}
export interface TombstoneRow { folder_id: number; item_id: number; name: string; uid: string | null; imap_uid: number | null; modseq: number }
export interface BlobRow { hash: string; size: number; ref_count: number; data: Buffer | null }
/** PostgreSQL blob bytes in fixed-size pieces (all but the last exactly BLOB_CHUNK_BYTES), numbered from 0. */
export interface BlobChunkRow { hash: string; seq: number; data: Buffer }
export interface DeviceRow {
  id: number; account_id: number; device_id: string; device_type: string | null; user_agent: string | null; model: string | null;
  protocol_version: string | null; policy_key: string | null; pending_policy_key: string | null; access: string;
  wipe_state: string; wipe_account_only: number; info: string; last_seen: number; created_at: number;
}
export interface SyncStateRow {
  device_id: number; collection: string; sync_key: string; state: string; previous_key: string | null;
  previous_state: string | null; updated_at: number;
}
export interface GrantRow {
  id: number; owner_id: number; folder_id: number | null; grantee_id: number; rights: string; status: string; props: string; created_at: number;
}
export interface SettingRow { account_id: number; key: string; value: string }
export interface LoginFailureRow { login: string; source: string; at: number }
export interface LockRow { token: string; space: string; path: string; data: string; expires_at: number }
export interface SignalRow { id: number; account_id: number; signal: string; origin: string; at: number }
export interface AuditRow { id: number; at: number; actor: string; action: string; target: string; source: string | null; detail: string; domain?: string | null }

export interface Database extends QueueDatabase, AdminDatabase {
  domains: DomainRow; accounts: AccountRow & Partial<UidValidityAccountColumns>; aliases: AliasRow; group_members: GroupMemberRow; folders: FolderRow;
  folder_tombstones: FolderTombstoneRow; items: ItemRow; tombstones: TombstoneRow; blobs: BlobRow; blob_chunks: BlobChunkRow; devices: DeviceRow;
  sync_states: SyncStateRow; grants: GrantRow; settings: SettingRow; login_failures: LoginFailureRow; audit: AuditRow; locks: LockRow; signals: SignalRow;
}

type Dialect = 'sqlite' | 'postgres';

/** Migrations in order; never edit one that has shipped, add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  // An auto-increment primary key in each dialect.
  const id = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`bigserial primary key`;
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    '0001-initial': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('domains')
          .addColumn('id', id)
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('max_users', 'bigint').addColumn('default_quota', 'bigint').addColumn('max_quota', 'bigint')
          .addColumn('max_message_size', 'bigint').addColumn('footer_text', 'text').addColumn('footer_html', 'text')
          .addColumn('logo_blob', 'text').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createTable('accounts')
          .addColumn('id', id)
          .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull().defaultTo('user'))
          .addColumn('display_name', 'text').addColumn('password_hash', 'text')
          .addColumn('quota_bytes', 'bigint').addColumn('quota_messages', 'bigint')
          .addColumn('is_server_admin', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('admin_domains', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('modseq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('used_messages', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('accounts_domain').on('accounts').column('domain_id').execute();
        await db.schema.createTable('aliases')
          .addColumn('address', 'text', (c) => c.primaryKey())
          .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
          .addColumn('targets', 'text', (c) => c.notNull()).execute();
        await db.schema.createTable('group_members')
          .addColumn('group_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('member_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member_id']).execute();
        await db.schema.createTable('folders')
          .addColumn('id', id)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('parent_id', 'bigint')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('role', 'text')
          .addColumn('props', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('uid_validity', 'bigint', (c) => c.notNull())
          .addColumn('uid_next', 'bigint', (c) => c.notNull().defaultTo(1))
          .addColumn('modseq', 'bigint', (c) => c.notNull())
          .addColumn('content_modseq', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('folders_account').on('folders').columns(['account_id', 'modseq']).execute();
        await db.schema.createTable('folder_tombstones')
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('folder_id', 'bigint', (c) => c.notNull())
          .addColumn('modseq', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('folder_tombstones_account').on('folder_tombstones').columns(['account_id', 'modseq']).execute();
        await db.schema.createTable('items')
          .addColumn('id', id)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('folder_id', 'bigint', (c) => c.notNull().references('folders.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('uid', 'text').addColumn('content', 'text').addColumn('blob_hash', 'text').addColumn('content_type', 'text')
          .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('imap_uid', 'bigint')
          .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('component_type', 'text').addColumn('summary', 'text')
          .addColumn('start_at', 'bigint').addColumn('end_at', 'bigint')
          .addColumn('recurring', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('props', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('modseq', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('items_folder_name').on('items').columns(['folder_id', 'name']).unique().execute();
        await db.schema.createIndex('items_folder_modseq').on('items').columns(['folder_id', 'modseq']).execute();
        await db.schema.createIndex('items_folder_uid').on('items').columns(['folder_id', 'uid']).execute();
        await db.schema.createIndex('items_folder_start').on('items').columns(['folder_id', 'start_at']).execute();
        await db.schema.createIndex('items_blob').on('items').column('blob_hash').execute();
        await db.schema.createTable('tombstones')
          .addColumn('folder_id', 'bigint', (c) => c.notNull().references('folders.id').onDelete('cascade'))
          .addColumn('item_id', 'bigint', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('uid', 'text').addColumn('imap_uid', 'bigint')
          .addColumn('modseq', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('tombstones_folder_modseq').on('tombstones').columns(['folder_id', 'modseq']).execute();
        await db.schema.createTable('blobs')
          .addColumn('hash', 'text', (c) => c.primaryKey())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('ref_count', 'bigint', (c) => c.notNull())
          .addColumn('data', blob).execute();
        await db.schema.createTable('devices')
          .addColumn('id', id)
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('device_type', 'text').addColumn('user_agent', 'text').addColumn('model', 'text')
          .addColumn('protocol_version', 'text').addColumn('policy_key', 'text').addColumn('pending_policy_key', 'text')
          .addColumn('access', 'text', (c) => c.notNull().defaultTo('allowed'))
          .addColumn('wipe_state', 'text', (c) => c.notNull().defaultTo('none'))
          .addColumn('wipe_account_only', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('info', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('last_seen', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('devices_account_device').on('devices').columns(['account_id', 'device_id']).unique().execute();
        await db.schema.createTable('sync_states')
          .addColumn('device_id', 'bigint', (c) => c.notNull().references('devices.id').onDelete('cascade'))
          .addColumn('collection', 'text', (c) => c.notNull())
          .addColumn('sync_key', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('previous_key', 'text').addColumn('previous_state', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('sync_states_pk', ['device_id', 'collection']).execute();
        await db.schema.createTable('grants')
          .addColumn('id', id)
          .addColumn('owner_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('folder_id', 'bigint', (c) => c.references('folders.id').onDelete('cascade'))
          .addColumn('grantee_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('rights', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('accepted'))
          .addColumn('props', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('created_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('grants_owner').on('grants').column('owner_id').execute();
        await db.schema.createIndex('grants_grantee').on('grants').column('grantee_id').execute();
        await db.schema.createTable('settings')
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('settings_pk', ['account_id', 'key']).execute();
        await db.schema.createTable('login_failures')
          .addColumn('login', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('login_failures_key').on('login_failures').columns(['login', 'source', 'at']).execute();
        await db.schema.createTable('audit')
          .addColumn('id', id)
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('source', 'text')
          .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}')).execute();
        await db.schema.createIndex('audit_target').on('audit').columns(['target', 'at']).execute();
      },
    },
    '0002-locks': {
      // Resource locks (WebDAV LOCK) shared by every node: the DAV layer's lock manager reads and
      // writes them here, so no load balancer needs sticky sessions.
      async up(db: Kysely<any>) {
        await db.schema.createTable('locks')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('space', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull()).execute();
        await db.schema.createIndex('locks_space').on('locks').columns(['space', 'expires_at']).execute();
      },
    },
    '0003-signals': {
      // SQLite only: signals from another process (the CLI requesting a wipe) reach the serving
      // process through this table; PostgreSQL carries them with NOTIFY.
      async up(db: Kysely<any>) {
        await db.schema.createTable('signals')
          .addColumn('id', id)
          .addColumn('account_id', 'bigint', (c) => c.notNull())
          .addColumn('signal', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull()).execute();
      },
    },
    '0004-blob-chunks': {
      // Streamed blobs on PostgreSQL: bytes in pieces of 512 KiB, written as they arrive (under a
      // temporary key until the hash is known), so that no upload is held whole in memory. The key
      // collates as bytes ("C") so that the temporary keys ('tmp-...') are one index range.
      // SQLite keeps blob bytes in files and leaves this table empty.
      async up(db: Kysely<any>) {
        await db.schema.createTable('blob_chunks')
          .addColumn('hash', 'text', (c) => (dialect === 'postgres' ? c.modifyFront(sql`collate "C"`) : c).notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('data', blob, (c) => c.notNull())
          .addPrimaryKeyConstraint('blob_chunks_pk', ['hash', 'seq']).execute();
      },
    },
    ...mailMigrations(dialect),
    ...queueMigrations(dialect),
    ...archiveMigrations(dialect),
    ...listMigrations(dialect),
    ...adminMigrations(dialect),
    ...policyMigrations(dialect),
    ...uidValidityMigrations(),
  };
}
