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

test('sync-collection on the file space: level 1 reports members; infinite with sub-folders is refused (RFC 6578 §3.3)', async () => {
  const sync = (level: string) => call(A, 'REPORT', `/dav/files/${A}/`, `<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>${level}</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`, XML);
  assert.equal((await call(A, 'PUT', `/dav/files/${A}/a.txt`, 'hello')).statusCode, 201);
  // No sub-folders yet: infinite is the same as 1.
  const flat = await sync('infinite');
  assert.equal(flat.statusCode, 207);
  assert.ok(hrefs(flat.body).includes(`/dav/files/${A}/a.txt`));
  assert.equal((await call(A, 'MKCOL', `/dav/files/${A}/sub/`)).statusCode, 201);
  const deep = await sync('infinite');
  assert.equal(deep.statusCode, 403);
  assert.match(deep.body, /sync-traversal-supported/);
  assert.equal((await sync('1')).statusCode, 207);
});
