/**
 * Tenant isolation: an administrator of a.test against everything of b.test — users, groups,
 * resources, aliases, devices, grants, audit, usage, policy, roles, public folders — by every verb. Every answer
 * is 404, exactly as for something that does not exist (never 403, which would confirm it does),
 * and nothing of b.test changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness, type Caller } from './harness.js';
import { listPublicFolders } from '../../../src/admin/public-folders.js';

describe('admin API: a domain administrator of A learns nothing of B', () => {
  let h: ApiHarness;
  let adminA: Caller;
  let snapshot: string;
  const state = async () =>
    JSON.stringify({
      accounts: await h.t.store.listAccounts((await h.t.store.getDomain('b.test'))!.id),
      aliases: await h.t.store.listAliases(),
      domains: await h.t.store.listDomains(),
      devices: await h.t.store.listDevices((await h.t.store.getAccount('bob@b.test'))!.id),
      grants: await h.t.store.listGrantsByOwner((await h.t.store.getAccount('bob@b.test'))!.id),
      publicFolders: await listPublicFolders(h.t.store, (await h.t.store.getDomain('b.test'))!),
    });
  let folderB = 0;
  let folderA = 0;

  before(async () => {
    h = await apiHarness();
    const root = await h.as('root@a.test');
    const ok = async (r: Promise<{ statusCode: number; body: string }>) => {
      const x = await r;
      assert.ok(x.statusCode < 300, x.body);
    };
    await ok(root.req('POST', '/api/v1/domains/b.test/groups', { email: 'team@b.test' }));
    await ok(root.req('POST', '/api/v1/domains/b.test/resources', { email: 'room@b.test', resourceType: 'room' }));
    await ok(root.req('PUT', '/api/v1/aliases/sales@b.test', { targets: ['bob@b.test'] }));
    await h.t.addUser('carol@b.test', PW);
    await ok(root.req('PUT', '/api/v1/users/bob@b.test/grants/carol@b.test', { rights: 'read' }));
    const bob = (await h.t.store.getAccount('bob@b.test'))!;
    await h.t.store.touchDevice({ accountId: bob.id, deviceId: 'BOBPHONE', deviceType: 'iPhone' });
    const pf = await root.req('POST', '/api/v1/domains/b.test/public-folders', { name: 'B board', kind: 'calendar', defaultAccess: 'none' });
    await ok(Promise.resolve(pf));
    folderB = pf.json().id;
    await ok(root.req('PUT', `/api/v1/domains/b.test/public-folders/${folderB}/grants/carol@b.test`, { rights: 'read' }));
    const pfA = await root.req('POST', '/api/v1/domains/a.test/public-folders', { name: 'A news', kind: 'notes' });
    await ok(Promise.resolve(pfA));
    folderA = pfA.json().id;
    adminA = await h.as('admin@a.test');
    snapshot = await state();
  });
  after(async () => {
    await h.close();
  });

  const cases = (): [string, string, unknown?][] => [
    ['GET', '/api/v1/domains/b.test'],
    ['PATCH', '/api/v1/domains/b.test', { footerText: 'x' }],
    ['DELETE', '/api/v1/domains/b.test'],
    ['GET', '/api/v1/domains/b.test/users'],
    ['POST', '/api/v1/domains/b.test/users', { email: 'evil@b.test', password: 'evil-pass-1' }],
    ['GET', '/api/v1/users/bob@b.test'],
    ['PATCH', '/api/v1/users/bob@b.test', { disabled: true }],
    ['DELETE', '/api/v1/users/bob@b.test'],
    ['POST', '/api/v1/users/bob@b.test/password', { password: 'evil-pass-1' }],
    ['POST', '/api/v1/users/bob@b.test/unlock'],
    ['GET', '/api/v1/users/bob@b.test/roles'],
    ['PUT', '/api/v1/users/bob@b.test/roles', { adminDomains: ['a.test'] }],
    ['GET', '/api/v1/domains/b.test/groups'],
    ['GET', '/api/v1/groups/team@b.test'],
    ['GET', '/api/v1/groups/team@b.test/members'],
    ['PUT', '/api/v1/groups/team@b.test/members/bob@b.test'],
    ['DELETE', '/api/v1/groups/team@b.test'],
    ['GET', '/api/v1/domains/b.test/resources'],
    ['GET', '/api/v1/resources/room@b.test'],
    ['PATCH', '/api/v1/resources/room@b.test', { displayName: 'x' }],
    ['GET', '/api/v1/domains/b.test/aliases'],
    ['GET', '/api/v1/aliases/sales@b.test'],
    ['PUT', '/api/v1/aliases/sales@b.test', { targets: ['ann@a.test'] }],
    ['PUT', '/api/v1/aliases/new@b.test', { targets: ['ann@a.test'] }],
    ['DELETE', '/api/v1/aliases/sales@b.test'],
    ['GET', '/api/v1/users/bob@b.test/devices'],
    ['GET', '/api/v1/domains/b.test/devices'],
    ['GET', '/api/v1/users/bob@b.test/devices/BOBPHONE'],
    ['POST', '/api/v1/users/bob@b.test/devices/BOBPHONE/wipe', { password: PW }],
    ['POST', '/api/v1/users/bob@b.test/devices/BOBPHONE/wipe', { accountOnly: true }],
    ['POST', '/api/v1/users/bob@b.test/devices/BOBPHONE/cancel-wipe'],
    ['PUT', '/api/v1/users/bob@b.test/devices/BOBPHONE/access', { access: 'blocked' }],
    ['DELETE', '/api/v1/users/bob@b.test/devices/BOBPHONE'],
    ['GET', '/api/v1/users/bob@b.test/grants'],
    ['PUT', '/api/v1/users/bob@b.test/grants/carol@b.test', { rights: 'write' }],
    ['DELETE', '/api/v1/users/bob@b.test/grants/carol@b.test'],
    ['GET', '/api/v1/audit?domain=b.test'],
    ['GET', '/api/v1/domains/b.test/usage'],
    ['GET', '/api/v1/domains/b.test/device-policy'],
    ['PATCH', '/api/v1/domains/b.test/device-policy', { DevicePasswordEnabled: true }],
    ['GET', '/api/v1/domains/b.test/access-rules'],
    ['PUT', '/api/v1/domains/b.test/access-rules', { default: 'blocked', rules: [] }],
    ['GET', '/api/v1/domains/b.test/public-folders'],
    ['POST', '/api/v1/domains/b.test/public-folders', { name: 'Evil', kind: 'mail' }],
    ['GET', `/api/v1/domains/b.test/public-folders/${folderB}`],
    ['PATCH', `/api/v1/domains/b.test/public-folders/${folderB}`, { defaultAccess: 'write' }],
    ['DELETE', `/api/v1/domains/b.test/public-folders/${folderB}`],
    ['PUT', `/api/v1/domains/b.test/public-folders/${folderB}/grants/bob@b.test`, { rights: 'write' }],
    ['DELETE', `/api/v1/domains/b.test/public-folders/${folderB}/grants/carol@b.test`],
  ];

  it('every route of B answers 404 with the same problem as a name that does not exist', async () => {
    for (const [method, url, body] of cases()) {
      const r = await adminA.req(method, url, body);
      assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
      const ghost = await adminA.req(method, url.replace(/b\.test/g, 'nowhere.test'), body);
      assert.equal(ghost.statusCode, 404, `${method} ${url} (nonexistent)`);
      assert.equal(r.json().detail, ghost.json().detail, `${method} ${url}: same detail as for nothing`);
    }
    assert.equal(await state(), snapshot, 'nothing of b.test changed');
  });

  it('cross-domain references from A are refused without revealing B', async () => {
    // A grant to, a group member from, or a user made in B through A's routes.
    assert.equal((await adminA.req('PUT', '/api/v1/users/ann@a.test/grants/bob@b.test', { rights: 'read' })).statusCode, 404);
    const r = await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'x@b.test', password: 'long-enough-1' });
    assert.equal(r.statusCode, 422);
    assert.equal(await state(), snapshot);
  });

  it("B's public folders are not A's: named under A, granted to B's users, or made B's parent, they answer 404", async () => {
    const ghostId = folderB + 100_000;
    for (const [method, url, body] of [
      ['GET', `/api/v1/domains/a.test/public-folders/${folderB}`],
      ['PATCH', `/api/v1/domains/a.test/public-folders/${folderB}`, { name: 'Mine now' }],
      ['DELETE', `/api/v1/domains/a.test/public-folders/${folderB}`],
      ['PUT', `/api/v1/domains/a.test/public-folders/${folderB}/grants/ann@a.test`, { rights: 'write' }],
      ['DELETE', `/api/v1/domains/a.test/public-folders/${folderB}/grants/carol@b.test`],
    ] as [string, string, unknown?][]) {
      const r = await adminA.req(method, url, body);
      assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
      const ghost = await adminA.req(method, url.replace(String(folderB), String(ghostId)), body);
      assert.equal(r.json().detail, ghost.json().detail.replace(String(ghostId), String(folderB)), `${method} ${url}: same detail as for nothing`);
    }
    // A's own folder: a grant to B's user is 404 like a user that does not exist; B's folder as a parent is 404.
    const grant = await adminA.req('PUT', `/api/v1/domains/a.test/public-folders/${folderA}/grants/bob@b.test`, { rights: 'read' });
    assert.equal(grant.statusCode, 404);
    const nobody = await adminA.req('PUT', `/api/v1/domains/a.test/public-folders/${folderA}/grants/nobody@b.test`, { rights: 'read' });
    assert.equal(grant.json().detail, nobody.json().detail.replace('nobody@', 'bob@'));
    assert.equal((await adminA.req('POST', '/api/v1/domains/a.test/public-folders', { name: 'Under B', kind: 'mail', parentId: folderB })).statusCode, 404);
    assert.equal((await adminA.req('PATCH', `/api/v1/domains/a.test/public-folders/${folderA}`, { parentId: folderB })).statusCode, 404);
    // A's listing holds only A's.
    const listing = (await adminA.req('GET', '/api/v1/domains/a.test/public-folders')).json();
    assert.deepEqual(listing.items.map((f: { path: string }) => f.path), ['A news']);
    assert.deepEqual((await adminA.req('GET', `/api/v1/domains/a.test/public-folders/${folderA}`)).json().grants, []);
    assert.equal(await state(), snapshot, 'nothing of b.test changed');
  });

  it('listings and the audit log of A hold nothing of B', async () => {
    const domains = (await adminA.req('GET', '/api/v1/domains')).json();
    assert.deepEqual(
      domains.items.map((d: { name: string }) => d.name),
      ['a.test'],
    );
    assert.equal(domains.total, 1);
    const audit = (await adminA.req('GET', '/api/v1/audit?limit=1000')).json();
    assert.ok(
      audit.items.every((e: { target: string }) => !e.target.includes('b.test')),
      JSON.stringify(audit.items.map((e: { target: string }) => e.target)),
    );
    const usage = (await adminA.req('GET', '/api/v1/usage')).json();
    assert.deepEqual(
      usage.items.map((u: { domain: string }) => u.domain),
      ['a.test'],
    );
    const keys = (await adminA.req('GET', '/api/v1/api-keys')).json();
    assert.deepEqual(keys.items, []);
  });
});
