/**
 * Migration 0019-list-subscriptions keeps what lists made under 0013-lists allowed: the old
 * 'posting' column becomes the three per-class post policies (SQLite; the statements are the
 * same portable Kysely calls on PostgreSQL, whose fresh databases the contract suite migrates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { migrations } from '../../../src/store/schema.js';

test('0019 maps posting anyone/members/owners onto member, non-member and moderator policies', async () => {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  const all = migrations('sqlite');
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({ db, provider });
  const names = Object.keys(all).sort();
  const before = names[names.indexOf('0019-list-subscriptions') - 1];
  assert.equal((await migrator.migrateTo(before)).error, undefined);
  await sql`insert into domains (name, created_at) values ('m.test', 0)`.execute(db);
  const domain = (await db.selectFrom('domains').select('id').executeTakeFirstOrThrow()).id;
  for (const posting of ['anyone', 'members', 'owners'])
    await db.insertInto('lists').values({ domain_id: domain, address: `${posting}@m.test`, name: posting, posting, reply_to: 'sender', created_at: 0 }).execute();
  assert.equal((await migrator.migrateToLatest()).error, undefined);
  const rows = await db.selectFrom('lists').select(['address', 'member_posts', 'nonmember_posts', 'moderator_posts', 'subscription']).orderBy('address').execute();
  assert.deepEqual(
    rows.map((r) => [r.address, r.member_posts, r.nonmember_posts, r.moderator_posts, r.subscription]),
    [
      ['anyone@m.test', 'allow', 'allow', 'allow', 'open'],
      ['members@m.test', 'allow', 'deny', 'allow', 'open'],
      ['owners@m.test', 'deny', 'deny', 'allow', 'open'],
    ],
  );
  await db.destroy();
});
