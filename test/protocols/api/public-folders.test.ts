/**
 * Public folders over the admin API: every operation (list with paging, sort and filters; create;
 * read; rename, move and default access with If-Match; delete; grants by PUT and DELETE), by
 * role (server admin, domain admin, domain read-only, read-only and read-write API keys), the
 * access the protocols then give (src/auth/folder-access.ts), and the audit events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness, type Caller } from './harness.js';
import { folderAccess } from '../../../src/auth/folder-access.js';

const BASE = '/api/v1/domains/a.test/public-folders';

describe('admin API: public folders', () => {
  let h: ApiHarness;
  let adminA: Caller;
  let root: Caller;
  before(async () => {
    h = await apiHarness();
    adminA = await h.as('admin@a.test');
    root = await h.as('root@a.test');
  });
  after(async () => h.close());

  const access = async (email: string, id: number) => folderAccess(h.t.store, (await h.t.store.getAccount(email))!, (await h.t.store.getFolder(id))!);

  it('a domain admin builds a tree, renames and moves with If-Match, grants, deletes; users see it; all audited', async () => {
    assert.deepEqual((await adminA.req('GET', BASE)).json(), { items: [], total: 0, limit: 100, offset: 0 });
    const sales = await adminA.req('POST', BASE, { name: 'Sales', kind: 'mail' });
    assert.equal(sales.statusCode, 201, sales.body);
    const s = sales.json();
    assert.deepEqual([s.name, s.path, s.kind, s.defaultAccess, s.parentId, s.grants], ['Sales', 'Sales', 'mail', 'read', null, []]);
    assert.equal(sales.headers.location, `${BASE}/${s.id}`);
    assert.ok(sales.headers.etag);
    const cal = (await adminA.req('POST', BASE, { name: 'Holidays', kind: 'calendar', parentId: s.id, defaultAccess: 'write' })).json();
    assert.equal(cal.path, 'Sales/Holidays');
    assert.equal(await access('ann@a.test', cal.id), 'write', 'every user of the domain has the default access');
    assert.equal(await access('bob@b.test', cal.id), 'none');

    // Refusals: duplicate sibling (any case) 409, bad name 422, bad kind or field 400, unknown parent 404.
    assert.equal((await adminA.req('POST', BASE, { name: 'sales', kind: 'mail' })).statusCode, 409);
    const slash = await adminA.req('POST', BASE, { name: 'a/b', kind: 'mail' });
    assert.equal(slash.statusCode, 422);
    assert.match(String(slash.headers['content-type']), /^application\/problem\+json/);
    assert.equal((await adminA.req('POST', BASE, { name: 'Files', kind: 'files' })).statusCode, 400);
    assert.equal((await adminA.req('POST', BASE, { name: 'X', kind: 'mail', parentId: 'top' })).statusCode, 400);
    assert.equal((await adminA.req('POST', BASE, { name: 'X', kind: 'mail', defaultAccess: 'owner' })).statusCode, 400);
    assert.equal((await adminA.req('POST', BASE, { name: 'X', kind: 'mail', parentId: 999999 })).statusCode, 404);

    // Read with its ETag; a rename with it; the stale tag again is 412 and changes nothing.
    const got = await adminA.req('GET', `${BASE}/${s.id}`);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), s);
    const renamed = await adminA.req('PATCH', `${BASE}/${s.id}`, { name: 'Sales team' }, { 'if-match': String(got.headers.etag) });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().path, 'Sales team');
    const stale = await adminA.req('PATCH', `${BASE}/${s.id}`, { defaultAccess: 'none' }, { 'if-match': String(got.headers.etag) });
    assert.equal(stale.statusCode, 412);
    assert.equal((await adminA.req('GET', `${BASE}/${s.id}`)).json().defaultAccess, 'read');
    assert.equal((await adminA.req('GET', `${BASE}/${s.id}`)).headers.etag, renamed.headers.etag, 'the write answered the new tag');
    // The child's path moved with its parent: its old tag is stale too.
    assert.equal((await adminA.req('GET', `${BASE}/${cal.id}`)).json().path, 'Sales team/Holidays');

    // Move to the top and back; never under itself.
    assert.equal((await adminA.req('PATCH', `${BASE}/${cal.id}`, { parentId: null })).json().path, 'Holidays');
    assert.equal((await adminA.req('PATCH', `${BASE}/${cal.id}`, { parentId: s.id })).json().path, 'Sales team/Holidays');
    assert.equal((await adminA.req('PATCH', `${BASE}/${s.id}`, { parentId: cal.id })).statusCode, 422);
    assert.equal((await adminA.req('PATCH', `${BASE}/${s.id}`, { kind: 'notes' })).json().kind, 'mail', 'the kind is fixed');

    // Grants: idempotent PUT, to a user or a group; the answer is the folder with its new tag.
    const board = (await adminA.req('POST', BASE, { name: 'Board', kind: 'contacts', defaultAccess: 'none' })).json();
    assert.equal((await root.req('POST', '/api/v1/domains/a.test/groups', { email: 'team@a.test' })).statusCode, 201);
    const g1 = await adminA.req('PUT', `${BASE}/${board.id}/grants/ANN@a.test`, { rights: 'write' });
    assert.equal(g1.statusCode, 200, g1.body);
    assert.deepEqual(g1.json().grants, [{ grantee: 'ann@a.test', granteeKind: 'user', rights: 'write' }]);
    const g2 = await adminA.req('PUT', `${BASE}/${board.id}/grants/ann@a.test`, { rights: 'write' });
    assert.deepEqual(g2.json(), g1.json(), 'the same PUT again: the same folder');
    assert.equal((await adminA.req('PUT', `${BASE}/${board.id}/grants/team@a.test`, { rights: 'read' }, { 'if-match': String(g2.headers.etag) })).statusCode, 200);
    assert.equal((await adminA.req('PUT', `${BASE}/${board.id}/grants/admin@a.test`, { rights: 'read' }, { 'if-match': String(g2.headers.etag) })).statusCode, 412, 'grants change the tag');
    assert.equal(await access('ann@a.test', board.id), 'write');
    assert.equal(await access('admin@a.test', board.id), 'none');
    assert.equal((await adminA.req('PUT', `${BASE}/${board.id}/grants/ann@a.test`, { rights: 'owner' })).statusCode, 400);
    assert.equal((await adminA.req('PUT', `${BASE}/${board.id}/grants/nobody@a.test`, { rights: 'read' })).statusCode, 404);
    assert.equal((await adminA.req('PUT', `${BASE}/${board.id}/grants/.public@a.test`, { rights: 'read' })).statusCode, 404, 'not the owner of the public folders');
    assert.equal((await adminA.req('DELETE', `${BASE}/${board.id}/grants/ann@a.test`)).statusCode, 204);
    assert.equal((await adminA.req('DELETE', `${BASE}/${board.id}/grants/ann@a.test`)).statusCode, 204, 'idempotent');
    assert.equal(await access('ann@a.test', board.id), 'none');
    assert.deepEqual((await adminA.req('GET', `${BASE}/${board.id}`)).json().grants, [{ grantee: 'team@a.test', granteeKind: 'group', rights: 'read' }]);

    // Delete with the subtree; again is 404; a stale tag is 412.
    const tag = String((await adminA.req('GET', `${BASE}/${s.id}`)).headers.etag);
    await adminA.req('PATCH', `${BASE}/${s.id}`, { defaultAccess: 'write' });
    assert.equal((await adminA.req('DELETE', `${BASE}/${s.id}`, undefined, { 'if-match': tag })).statusCode, 412);
    assert.equal((await adminA.req('DELETE', `${BASE}/${s.id}`)).statusCode, 204);
    assert.equal((await adminA.req('DELETE', `${BASE}/${s.id}`)).statusCode, 404);
    assert.equal((await adminA.req('GET', `${BASE}/${cal.id}`)).statusCode, 404, 'its subfolder went with it');
    assert.equal(await h.t.store.getFolder(cal.id), null);

    const audit = (await adminA.req('GET', '/api/v1/audit?action=public-folder.&limit=100')).json();
    assert.deepEqual(audit.items.map((e: { action: string }) => e.action).reverse(), [
      'public-folder.created', 'public-folder.created',
      // rename, to the top, back (the PATCH of the fixed kind changed nothing: no entry)
      'public-folder.updated', 'public-folder.updated', 'public-folder.updated',
      // ann write, team read, ann removed (the repeated PUT and the second DELETE changed nothing)
      'public-folder.created', 'public-folder.grant', 'public-folder.grant', 'public-folder.grant',
      'public-folder.updated', 'public-folder.deleted',
    ]);
    assert.equal(audit.items[0].actor, 'admin@a.test');
    assert.equal(audit.items[0].target, 'public-folder:a.test/Sales team');
  });

  it('lists with paging and totals, sorted and filtered', async () => {
    const made: Record<string, number> = {};
    for (const [name, kind, defaultAccess] of [['Zeta', 'notes', 'read'], ['Alpha', 'calendar', 'none'], ['Mid', 'tasks', 'write']] as const) {
      made[name] = (await adminA.req('POST', BASE, { name, kind, defaultAccess })).json().id;
    }
    await adminA.req('POST', BASE, { name: 'Child', kind: 'calendar', parentId: made.Zeta });
    const all = (await adminA.req('GET', BASE)).json();
    assert.deepEqual(all.items.map((f: { path: string }) => f.path), ['Alpha', 'Board', 'Mid', 'Zeta', 'Zeta/Child']);
    const p2 = (await adminA.req('GET', `${BASE}?limit=2&offset=2`)).json();
    assert.deepEqual([p2.total, p2.limit, p2.offset, p2.items.map((f: { path: string }) => f.path)], [5, 2, 2, ['Mid', 'Zeta']]);
    const byName = (await adminA.req('GET', `${BASE}?sort=name&order=desc`)).json();
    assert.deepEqual(byName.items.map((f: { name: string }) => f.name), ['Zeta', 'Mid', 'Child', 'Board', 'Alpha']);
    const cals = (await adminA.req('GET', `${BASE}?kind=calendar`)).json();
    assert.deepEqual(cals.items.map((f: { path: string }) => f.path), ['Alpha', 'Zeta/Child']);
    assert.equal(cals.total, 2);
    assert.deepEqual((await adminA.req('GET', `${BASE}?q=zeta/`)).json().items.map((f: { path: string }) => f.path), ['Zeta/Child']);
    assert.deepEqual((await adminA.req('GET', `${BASE}?defaultAccess=none`)).json().items.map((f: { path: string }) => f.path), ['Alpha', 'Board']);
    const newest = (await adminA.req('GET', `${BASE}?sort=createdAt&order=desc&limit=1`)).json();
    assert.equal(newest.items[0].path, 'Zeta/Child');
    assert.equal((await adminA.req('GET', `${BASE}?sort=size`)).statusCode, 400);
    assert.equal((await adminA.req('GET', `${BASE}/abc`)).statusCode, 400, 'an id is a number');
  });

  it('a domain read-only administrator and a read-only key read but may not change (403); a read-write key may', async () => {
    await h.t.addUser('viewer@a.test', PW);
    assert.equal((await root.req('PUT', '/api/v1/users/viewer@a.test/roles', { readOnlyDomains: ['a.test'] })).statusCode, 200);
    const id = (await adminA.req('GET', `${BASE}?q=alpha`)).json().items[0].id as number;
    const roKey = h.bearer((await adminA.req('POST', '/api/v1/api-keys', { access: 'read' })).json().secret);
    const rwKey = h.bearer((await adminA.req('POST', '/api/v1/api-keys', { access: 'write' })).json().secret);
    for (const ro of [await h.as('viewer@a.test'), roKey]) {
      assert.equal((await ro.req('GET', BASE)).statusCode, 200);
      assert.equal((await ro.req('GET', `${BASE}/${id}`)).statusCode, 200);
      for (const [method, url, body] of [
        ['POST', BASE, { name: 'Nope', kind: 'mail' }],
        ['PATCH', `${BASE}/${id}`, { defaultAccess: 'write' }],
        ['DELETE', `${BASE}/${id}`],
        ['PUT', `${BASE}/${id}/grants/ann@a.test`, { rights: 'write' }],
        ['DELETE', `${BASE}/${id}/grants/ann@a.test`],
      ] as const) {
        const r = await ro.req(method, url, body);
        assert.equal(r.statusCode, 403, `${method} ${url}: ${r.body}`);
      }
    }
    const f = (await adminA.req('GET', `${BASE}/${id}`)).json();
    assert.deepEqual([f.defaultAccess, f.grants], ['none', []], 'nothing changed');
    const made = await rwKey.req('POST', BASE, { name: 'By key', kind: 'notes' });
    assert.equal(made.statusCode, 201, made.body);
    const audit = (await adminA.req('GET', '/api/v1/audit?target=public-folder:a.test/By key')).json();
    assert.match(audit.items[0].actor, /^apikey:/);
  });

  it("a server administrator manages every domain's public folders", async () => {
    const b = await root.req('POST', '/api/v1/domains/b.test/public-folders', { name: 'B news', kind: 'notes' });
    assert.equal(b.statusCode, 201, b.body);
    assert.equal((await root.req('PUT', `/api/v1/domains/b.test/public-folders/${b.json().id}/grants/bob@b.test`, { rights: 'write' })).statusCode, 200);
    assert.equal(await access('bob@b.test', b.json().id), 'write');
    assert.equal(await access('ann@a.test', b.json().id), 'none');
    assert.deepEqual((await root.req('GET', '/api/v1/domains/b.test/public-folders')).json().items.map((f: { path: string }) => f.path), ['B news']);
    assert.equal((await root.req('GET', `${BASE}/${b.json().id}`)).statusCode, 404, "b.test's folder is not a.test's");
  });
});
