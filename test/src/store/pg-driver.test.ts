import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { inlineQuery, postgresDialect } from '../../../src/store/pg-driver.js';
import { QueryShape } from '../../../src/store/query-shape.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

describe('inlineQuery: parameters as literals only where they mean the same', () => {
  it('writes each value as a quoted literal, nulls as null, text escaped', () => {
    const q = CompiledQuery.raw('update t set a = $1, b = $2, c = $3 where id = $4 and d = $5', ["it's", 42, null, 7n, true]);
    assert.equal(inlineQuery(q), "update t set a = 'it''s', b = '42', c = null where id = '7' and d = 'true'");
    // $10 is the tenth parameter, not the first followed by a zero.
    const many = CompiledQuery.raw('select $10, $1', Array.from({ length: 10 }, (_, i) => i + 1));
    assert.equal(inlineQuery(many), "select '10', '1'");
  });

  it('refuses what pg would send in another form, SQL with quotes or semicolons, and stray markers', () => {
    for (const [text, params] of [
      ['select $1', [[1, 2]]], ['select $1', [Buffer.from('x')]], ['select $1', [{ a: 1 }]], ['select $1', [Number.NaN]],
      ["select 'a', $1", [1]], ['select $1; drop table t', [1]], ['select $2', [1]], ['select $$x$$', []],
    ] as Array<[string, unknown[]]>) assert.equal(inlineQuery(CompiledQuery.raw(text, params)), null, text);
  });
});

describe('PostgreSQL driver: BEGIN with the first statement, deferred writes with the COMMIT', async () => {
  const skip = await postgresSkipReason();
  let db: Kysely<any>;
  let pool: pg.Pool;
  let drop: () => Promise<void>;
  const sent: string[] = [];

  before(async () => {
    if (skip) return;
    const fresh = await freshPostgresUrl();
    drop = fresh.drop;
    pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as unknown as { query: unknown }).query = (...a: unknown[]) => { sent.push(String(a[0])); return query(...a); };
    });
    db = new Kysely<any>({ dialect: postgresDialect(pool) });
    await sql`create table t (id int primary key, v text not null)`.execute(db);
  });
  after(async () => { if (!skip) { await db.destroy(); await drop(); } });

  it('sends a transaction of a read and a deferred write in two round trips, and commits both', { skip: skip ?? false }, async () => {
    sent.length = 0;
    await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('t').select('id').where('id', '=', 1).execute();
      assert.deepEqual(rows, []);
      await trx.getExecutor().provideConnection(async (c) => {
        await (c as unknown as { deferToCommit(q: CompiledQuery): Promise<void> }).deferToCommit(trx.insertInto('t').values({ id: 1, v: "o'clock" }).compile());
      });
    });
    assert.deepEqual(sent, [
      `begin; select "id" from "t" where "id" = '1'`,
      `insert into "t" ("id", "v") values ('1', 'o''clock'); commit`,
    ]);
    assert.deepEqual(await db.selectFrom('t').selectAll().execute(), [{ id: 1, v: "o'clock" }]);
  });

  it('rolls everything back when a deferred write fails at the commit, and the connection serves on', { skip: skip ?? false }, async () => {
    await assert.rejects(db.transaction().execute(async (trx) => {
      await trx.updateTable('t').set({ v: 'changed' }).where('id', '=', 1).execute();
      await trx.getExecutor().provideConnection(async (c) => {
        // A duplicate key: fails only when the COMMIT's round trip runs it.
        await (c as unknown as { deferToCommit(q: CompiledQuery): Promise<void> }).deferToCommit(trx.insertInto('t').values({ id: 1, v: 'dup' }).compile());
      });
    }), /duplicate key/);
    assert.deepEqual(await db.selectFrom('t').selectAll().execute(), [{ id: 1, v: "o'clock" }]);
    // A statement the driver cannot inline (an array) still runs, after the held BEGIN.
    sent.length = 0;
    const rows = await db.transaction().execute((trx) => trx.selectFrom('t').select('v').where(sql<boolean>`id = any(${[1, 2]}::int[])`).execute());
    assert.deepEqual(rows, [{ v: "o'clock" }]);
    assert.deepEqual(sent.slice(0, 2), ['begin', 'select "v" from "t" where id = any($1::int[])']);
  });

  it('sends nothing for a transaction that ran no statement', { skip: skip ?? false }, async () => {
    sent.length = 0;
    assert.equal(await db.transaction().execute(async () => 5), 5);
    assert.deepEqual(sent, []);
  });

  type Pipelining = { executePipelined(qs: CompiledQuery[]): Promise<unknown[][]>; client: pg.PoolClient & { pipeline?: boolean } };
  const pipelined = (qs: CompiledQuery[], seen?: (c: Pipelining) => void) =>
    db.getExecutor().provideConnection(async (c) => { seen?.(c as unknown as Pipelining); return (c as unknown as Pipelining).executePipelined(qs); });

  it('pipelines reads outside a transaction: all written before the first answer, the rows of each in order', { skip: skip ?? false }, async () => {
    const events: string[] = [];
    let client: Pipelining['client'] | undefined;
    let restore: unknown;
    const qs = [sql`select v from t where id = ${1}`, sql`select count(*)::int as n from t`, sql`select ${'two'}::text as w`].map((q) => q.compile(db));
    const rows = await pipelined(qs, (c) => {
      client = c.client;
      restore = client.query;
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
        events.push('sent');
        const r = query(...a);
        void r.then(() => events.push('answered'));
        return r;
      };
    });
    assert.deepEqual(rows, [[{ v: "o'clock" }], [{ n: 1 }], [{ w: 'two' }]]);
    assert.deepEqual(events, ['sent', 'sent', 'sent', 'answered', 'answered', 'answered']);
    assert.equal(client!.pipeline, false, 'back to one query at a time');
    (client as unknown as { query: unknown }).query = restore;
  });

  it('runs every pipelined read when one fails, throws its error, and the connection serves on', { skip: skip ?? false }, async () => {
    await assert.rejects(pipelined([sql`select 1 as a`, sql`select 1 / ${0}::int as b`, sql`insert into t values (${2}, ${'after'})`].map((q) => q.compile(db))), /division by zero/);
    // Each read is its own statement with its own Sync: the one after the failure still ran.
    assert.deepEqual(await db.selectFrom('t').select('v').orderBy('id').execute(), [{ v: "o'clock" }, { v: 'after' }]);
    for (let i = 0; i < 3; i++) assert.deepEqual(await pipelined([sql`select ${i}::int as i`.compile(db)]), [[{ i }]]);
  });
});

const staleSkip = await postgresSkipReason();

describe('PostgreSQL driver: a prepared shape after another node changed the schema', () => {
  const skip = staleSkip;
  let db: Kysely<any>;
  let drop: () => Promise<void>;
  let connections = 0;

  before(async () => {
    if (skip) return;
    const fresh = await freshPostgresUrl();
    drop = fresh.drop;
    // One connection, so the statement prepared by the first run is the one every later run meets.
    const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
    pool.on('connect', () => { connections++; });
    db = new Kysely<any>({ dialect: postgresDialect(pool) });
    await sql`create table migrated (id int primary key)`.execute(db);
    await sql`insert into migrated values (1)`.execute(db);
  });
  after(async () => { if (!skip) { await db.destroy(); await drop(); } });

  it('answers outside a transaction, fails a transaction once, and then prepares on a new connection', { skip: skip ?? false }, async () => {
    const shape = new QueryShape<[number], Record<string, unknown>>(db as unknown as Kysely<never>, 1, (id) => db.selectFrom('migrated').selectAll().where('id', '=', id));
    assert.deepEqual(await shape.run(1), [{ id: 1 }]);
    // What a migration on another node does: the prepared statement's result type changes.
    await sql`alter table migrated add column note text default 'x'`.execute(db);
    assert.deepEqual(await shape.run(1), [{ id: 1, note: 'x' }], 'outside a transaction the statement runs again unprepared');
    assert.deepEqual(await shape.run(1), [{ id: 1, note: 'x' }]);
    assert.equal(connections, 2, 'the connection that held the stale statement left the pool');
    await sql`alter table migrated add column more int default 2`.execute(db);
    // Inside a transaction PostgreSQL has aborted it: the caller sees the error, once.
    // (A transaction's first statement travels with its BEGIN as plain text; the shape runs prepared after it.)
    const inTransaction = () => db.transaction().execute(async (trx) => { await sql`select 1`.execute(trx); return shape.on(trx, 1); });
    await assert.rejects(inTransaction(), /cached plan must not change result type/);
    assert.deepEqual(await inTransaction(), [{ id: 1, note: 'x', more: 2 }]);
    assert.equal(connections, 3);
    // Pipelined reads (readTogether): the stale one and those after it run again unprepared, in order.
    type Pipelining = { executePipelined(qs: unknown[]): Promise<unknown[][]> };
    const together = () => db.getExecutor().provideConnection((c) => (c as unknown as Pipelining).executePipelined([sql`select 7 as a`.compile(db), shape.compile(1), sql`select 8 as b`.compile(db)]));
    await sql`alter table migrated drop column more`.execute(db);
    assert.deepEqual(await together(), [[{ a: 7 }], [{ id: 1, note: 'x' }], [{ b: 8 }]]);
    assert.deepEqual(await together(), [[{ a: 7 }], [{ id: 1, note: 'x' }], [{ b: 8 }]]);
    assert.equal(connections, 4, 'that connection left the pool too');
    assert.deepEqual(await together(), [[{ a: 7 }], [{ id: 1, note: 'x' }], [{ b: 8 }]]);
    assert.equal(connections, 4);
  });
});
