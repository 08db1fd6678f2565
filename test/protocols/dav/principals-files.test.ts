/** Principal collections stay inside the domain; sync-collection depth on the file space. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'ann@one.test', B = 'ben@one.test', R = 'room@one.test', X = 'xen@two.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw'), [X]: basic(X, 'pw') };
const XML = { 'content-type': 'application/xml' };
const call = (user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
const hrefs = (body: string) => [...body.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw', { displayName: 'Ann One' });
  await h.addUser(B, 'pw', { displayName: 'Ben One' });
  await h.addUser(R, '', { kind: 'resource', displayName: 'Room One' });
  await h.addUser(X, 'pw', { displayName: 'Xen Two' });
});
after(() => h.close());

test('PROPFIND Depth 1 on /dav/principals/users/ lists the principals of the own domain only', async () => {
  const users = await call(A, 'PROPFIND', '/dav/principals/users/', '<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:propfind>', { depth: '1', ...XML });
  assert.equal(users.statusCode, 207);
  assert.deepEqual(hrefs(users.body).sort(), ['/dav/principals/users/', `/dav/principals/users/${A}/`, `/dav/principals/users/${B}/`]);
  const rooms = await call(A, 'PROPFIND', '/dav/principals/resources/', undefined, { depth: '1' });
  assert.deepEqual(hrefs(rooms.body).sort(), ['/dav/principals/resources/', `/dav/principals/resources/${R}/`]);
  const other = await call(X, 'PROPFIND', '/dav/principals/users/', undefined, { depth: '1' });
  assert.deepEqual(hrefs(other.body).sort(), ['/dav/principals/users/', `/dav/principals/users/${X}/`]);
});

test('principal-property-search matches across the own domain only', async () => {
  const search = (user: string, match: string) => call(user, 'REPORT', '/dav/principals/', `<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>${match}</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>`, { depth: '0', ...XML });
  const one = await search(A, 'n');
  assert.deepEqual(hrefs(one.body).sort(), [`/dav/principals/resources/${R}/`, `/dav/principals/users/${A}/`, `/dav/principals/users/${B}/`]);
  assert.deepEqual(hrefs((await search(A, 'Xen')).body), []);
  assert.deepEqual(hrefs((await search(X, 'One')).body), []);
});

test('sync-collection on the file space: infinite reports sub-collections and their members at every depth; level 1 only the top (RFC 6578 §3.3)', async () => {
  const base = `/dav/files/${A}/`;
  const sync = (level: string, token = '') => call(A, 'REPORT', base, `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>${level}</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`, XML);
  const tokenOf = (body: string) => /<D:sync-token>([^<]+)</.exec(body)![1];
  assert.equal((await call(A, 'PUT', `${base}a.txt`, 'hello')).statusCode, 201);
  assert.equal((await call(A, 'MKCOL', `${base}sub/`)).statusCode, 201);
  assert.equal((await call(A, 'MKCOL', `${base}sub/deep/`)).statusCode, 201);
  assert.equal((await call(A, 'PUT', `${base}sub/deep/b.txt`, 'deep')).statusCode, 201);
  const all = await sync('infinite');
  assert.equal(all.statusCode, 207, all.body);
  assert.deepEqual(hrefs(all.body).sort(), [`${base}a.txt`, `${base}sub/`, `${base}sub/deep/`, `${base}sub/deep/b.txt`]);
  assert.ok(!hrefs((await sync('1')).body).includes(`${base}sub/deep/b.txt`), 'level 1 stays at the top');
  // Delta: a change and a deletion deep down, nothing else.
  const t1 = tokenOf(all.body);
  assert.equal((await call(A, 'PUT', `${base}sub/deep/c.txt`, 'new')).statusCode, 201);
  assert.equal((await call(A, 'DELETE', `${base}sub/deep/b.txt`)).statusCode, 204);
  const delta = await sync('infinite', t1);
  assert.equal(delta.statusCode, 207, delta.body);
  assert.deepEqual(hrefs(delta.body).sort(), [`${base}sub/deep/b.txt`, `${base}sub/deep/c.txt`]);
  assert.match(delta.body, /<D:href>[^<]*b\.txt<\/D:href><D:status>HTTP\/1.1 404 Not Found/);
  // A level-1 token is not an infinite one, nor the other way round.
  assert.equal((await sync('infinite', tokenOf((await sync('1')).body))).statusCode, 403);
  // A sub-collection moved since the token: its members' old hrefs are unknown, so the token is refused.
  const t2 = tokenOf(delta.body);
  assert.equal((await call(A, 'MOVE', `${base}sub/deep/`, undefined, { destination: `${base}moved/` })).statusCode, 201);
  const stale = await sync('infinite', t2);
  assert.equal(stale.statusCode, 403);
  assert.match(stale.body, /valid-sync-token/);
});
