/**
 * ETags and If-Match: a write with a stale tag gets 412 and changes nothing; of concurrent
 * writers holding the same tag exactly one wins; PUTs are idempotent; on PostgreSQL the
 * compare-and-set holds across two nodes (two app instances over one database).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, type ApiHarness, type Caller } from './harness.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';
import { buildServer } from '../../../src/server/app.js';
import { contextOver } from '../../helpers/context.js';
import { openStore } from '../../../src/store/open.js';

describe('admin API: ETag and If-Match', () => {
  let h: ApiHarness;
  let root: Caller;
  before(async () => {
    h = await apiHarness();
    root = await h.as('root@a.test');
  });
  after(async () => {
    await h.close();
  });

  it('a stale If-Match gets 412 and changes nothing; the current one succeeds and moves the tag', async () => {
    const tag = (await root.req('GET', '/api/v1/users/ann@a.test')).headers.etag as string;
    const ok = await root.req('PATCH', '/api/v1/users/ann@a.test', { displayName: 'Ann One' }, { 'if-match': tag });
    assert.equal(ok.statusCode, 200);
    const stale = await root.req('PATCH', '/api/v1/users/ann@a.test', { displayName: 'Ann Two' }, { 'if-match': tag });
    assert.equal(stale.statusCode, 412);
    assert.match(String(stale.headers['content-type']), /^application\/problem\+json/);
    assert.equal((await h.t.store.getAccount('ann@a.test'))?.displayName, 'Ann One');
    assert.equal((await root.req('GET', '/api/v1/users/ann@a.test')).headers.etag, ok.headers.etag, 'the write answered the new tag');
    assert.equal(
      (await root.req('PATCH', '/api/v1/users/ann@a.test', { displayName: 'W' }, { 'if-match': `W/${ok.headers.etag}` })).statusCode,
      412,
      'weak tags never match',
    );
  });

  it('a change made elsewhere (the CLI, a protocol) also makes the old tag stale', async () => {
    const tag = (await root.req('GET', '/api/v1/domains/a.test')).headers.etag as string;
    await h.t.store.updateDomain((await h.t.store.getDomain('a.test'))!.id, { footerText: 'changed by the CLI' });
    assert.equal((await root.req('PATCH', '/api/v1/domains/a.test', { footerText: 'mine' }, { 'if-match': tag })).statusCode, 412);
  });

  it('of concurrent writers with the same tag exactly one wins', async () => {
    const tag = (await root.req('GET', '/api/v1/users/bob@b.test')).headers.etag as string;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => root.req('PATCH', '/api/v1/users/bob@b.test', { displayName: `Bob ${i}` }, { 'if-match': tag })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = results.find((r) => r.statusCode === 200)!.json().displayName;
    assert.equal((await h.t.store.getAccount('bob@b.test'))?.displayName, winner);
  });

  it('If-Match on something that does not exist is 412; If-Match: * on something that does is accepted', async () => {
    assert.equal(
      (await root.req('PUT', '/api/v1/aliases/new@a.test', { targets: ['ann@a.test'] }, { 'if-match': '"1-x"' })).statusCode,
      412,
    );
    assert.equal(await h.t.store.getAlias('new@a.test'), null);
    await root.req('PUT', '/api/v1/aliases/new@a.test', { targets: ['ann@a.test'] });
    assert.equal((await root.req('PUT', '/api/v1/aliases/new@a.test', { targets: ['bob@b.test'] }, { 'if-match': '*' })).statusCode, 200);
  });
});

describe('admin API: If-Match across two nodes (PostgreSQL)', async () => {
  const skip = await postgresSkipReason();
  it('two nodes, one tag, eight writers: one wins', { skip: skip ?? false }, async () => {
    const h = await apiHarness();
    const db = await freshPostgresUrl();
    const storeA = await openStore(db.url, '/nonexistent');
    const storeB = await openStore(db.url, '/nonexistent');
    try {
      const d = await storeA.createDomain({ name: 'n.test' });
      const { hashPassword } = await import('../../../src/auth/password.js');
      await storeA.createAccount({
        domainId: d.id,
        email: 'root@n.test',
        passwordHash: await hashPassword('node-pass-1'),
        isServerAdmin: true,
      });
      const nodeA = await buildServer(contextOver(storeA, { settings: h.t.ctx.settings }).ctx);
      const nodeB = await buildServer(contextOver(storeB, { settings: h.t.ctx.settings }).ctx);
      const token = (
        await nodeA.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'root@n.test', password: 'node-pass-1' } })
      ).json().token;
      const auth = { authorization: `Bearer ${token}` };
      // The token node A issued is good on node B (signing keys live in the store).
      const got = await nodeB.inject({ method: 'GET', url: '/api/v1/domains/n.test', headers: auth });
      assert.equal(got.statusCode, 200);
      const tag = got.headers.etag as string;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? nodeA : nodeB).inject({
            method: 'PATCH',
            url: '/api/v1/domains/n.test',
            headers: { ...auth, 'if-match': tag },
            payload: { footerText: `node ${i}` },
          }),
        ),
      );
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 412, 412, 412, 412, 412, 412, 412]);
      await nodeA.close();
      await nodeB.close();
    } finally {
      await storeA.close();
      await storeB.close();
      await db.drop();
      await h.close();
    }
  });
});
