/**
 * Issue 14: the ACL method is refused by design (docs/protocols/dav.md "ACL"): 403 with
 * DAV:need-privileges naming write-acl, which no principal is said to hold; 404 for nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'acl@acl.test';
const XML = { 'content-type': 'application/xml' };
const call = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(A, 'pw'), ...headers } });

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw');
});
after(() => h.close());

test('ACL answers 403 need-privileges for write-acl, and no one is said to hold write-acl', async () => {
  const cal = `/dav/calendars/${A}/acl-cal/`;
  assert.equal((await call('MKCALENDAR', cal)).statusCode, 201);
  const body =
    '<D:acl xmlns:D="DAV:"><D:ace><D:principal><D:href>/dav/principals/users/someone@acl.test/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>';
  const r = await call('ACL', cal, body, XML);
  assert.equal(r.statusCode, 403);
  assert.match(
    r.body,
    /<D:need-privileges><D:resource><D:href>[^<]*acl-cal\/<\/D:href><D:privilege><D:write-acl\/><\/D:privilege><\/D:resource><\/D:need-privileges>/,
  );
  assert.equal((await call('ACL', `/dav/calendars/${A}/nothing/`, body, XML)).statusCode, 404);
  const props = await call(
    'PROPFIND',
    cal,
    '<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/><D:acl/></D:prop></D:propfind>',
    { depth: '0', ...XML },
  );
  assert.equal(props.statusCode, 207);
  assert.match(props.body, /<D:write\/>/);
  assert.doesNotMatch(props.body, /<D:write-acl\/>|<D:all\/>/);
  assert.match(props.body, /<D:protected\/>/);
});
