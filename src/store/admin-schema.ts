import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Tables of the admin REST API (migration '0009-admin-api'):
 * - `api_keys`: automation keys, stored as a sha256 of the secret (the secret is shown once);
 * - `api_signing_keys`: the HMAC keys that sign sign-in tokens, in the store so that every node
 *   verifies a token another node issued; rotated, the previous ones kept until their tokens expire;
 * - `resource_versions`: a counter per administered resource, the second half of its ETag, moved
 *   by a compare-and-set so that two concurrent If-Match writes cannot both win (RFC 9110 §13.1.1);
 * - `usage_daily`: users and storage per domain per day, the SaaS billing figures;
 * - `audit.domain`: the domain an audit event concerns, so a domain administrator can query theirs.
 * And (migration '0020-server-secrets'):
 * - `server_secrets`: named secrets every node must share (the SRS key: a bounce to a rewritten
 *   address may reach any node behind the load balancer), made once by whichever node asks first.
 */
export interface ApiKeyRow {
  id: number;
  key_id: string;
  secret_hash: string;
  account_id: number;
  label: string;
  access: string;
  cidrs: string;
  created_at: number;
  last_used_at: number | null;
}
export interface ApiSigningKeyRow {
  kid: string;
  secret: string;
  created_at: number;
}
export interface ResourceVersionRow {
  resource: string;
  version: number;
}
export interface UsageDailyRow {
  domain_id: number;
  day: string;
  users: number;
  storage_bytes: number;
}

export interface ServerSecretRow {
  name: string;
  value: string;
  created_at: number;
}

export interface AdminDatabase {
  server_secrets: ServerSecretRow;
  api_keys: ApiKeyRow;
  api_signing_keys: ApiSigningKeyRow;
  resource_versions: ResourceVersionRow;
  usage_daily: UsageDailyRow;
}

export function adminMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const id = dialect === 'sqlite' ? sql`integer primary key autoincrement` : sql`bigserial primary key`;
  return {
    '0009-admin-api': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('api_keys')
          .addColumn('id', id)
          .addColumn('key_id', 'text', (c) => c.notNull().unique())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
          .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('access', 'text', (c) => c.notNull())
          .addColumn('cidrs', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();
        await db.schema
          .createTable('api_signing_keys')
          .addColumn('kid', 'text', (c) => c.primaryKey())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('resource_versions')
          .addColumn('resource', 'text', (c) => c.primaryKey())
          .addColumn('version', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('usage_daily')
          .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('users', 'bigint', (c) => c.notNull())
          .addColumn('storage_bytes', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('usage_daily_pk', ['domain_id', 'day'])
          .execute();
        await db.schema.alterTable('audit').addColumn('domain', 'text').execute();
        await db.schema.createIndex('audit_domain').on('audit').columns(['domain', 'id']).execute();
      },
    },
    '0020-server-secrets': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('server_secrets')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}
