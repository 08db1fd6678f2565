/** DAV behaviour through app.inject(): discovery, preconditions, sync, isolation, CardDAV. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'alice@one.test', B = 'bob@one.test', X = 'eve@two.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw-a'), [B]: basic(B, 'pw-b'), [X]: basic(X, 'pw-x') };

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw-a', { displayName: 'Alice Anders' });
  await h.addUser(B, 'pw-b', { displayName: 'Bob Berg' });
  await h.addUser(X, 'pw-x');
});
after(() => h.close());

const call = (user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
const ics = (uid: string, start = '20260105T100000Z', extra = '') =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${start}\r\nDURATION:PT1H\r\n${extra}SUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const XML = { 'content-type': 'application/xml' };

test('401 with a Basic challenge without credentials', async () => {
  const r = await h.app.inject({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { depth: '0' } });
  assert.equal(r.statusCode, 401);
  assert.match(String(r.headers['www-authenticate']), /^Basic realm="Hearth"/);
});

test('OPTIONS advertises the DAV classes', async () => {
  const r = await h.app.inject({ method: 'OPTIONS', url: '/dav/' });
  assert.match(String(r.headers.dav), /1, 2, 3, access-control, calendar-access, addressbook, calendar-auto-schedule, extended-mkcol/);
});

test('well-known redirects, and PROPFIND on it answers current-user-principal', async () => {
  assert.equal((await call(A, 'GET', '/.well-known/caldav')).headers.location, '/dav/');
  const r = await call(A, 'PROPFIND', '/.well-known/carddav', '<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>', { depth: '0', ...XML });
  assert.equal(r.statusCode, 207);
  assert.match(r.body, /<D:current-user-principal><D:href>\/dav\/principals\/users\/alice@one.test\/<\/D:href>/);
});

test('PROPFIND on / and the principal answers the discovery properties', async () => {
  const body = `<x:propfind xmlns:x="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:r="urn:ietf:params:xml:ns:carddav"><x:prop>
    <x:current-user-principal/><c:calendar-home-set/><r:addressbook-home-set/><c:schedule-inbox-URL/><c:calendar-user-address-set/><x:principal-URL/></x:prop></x:propfind>`;
  for (const url of ['/', `/dav/principals/users/${A}/`]) {
    const r = await call(A, 'PROPFIND', url, body, { depth: '0', ...XML });
    assert.equal(r.statusCode, 207, url);
    assert.match(r.body, /<C:calendar-home-set><D:href>\/dav\/calendars\/alice@one.test\/<\/D:href>/);
    assert.match(r.body, /<CR:addressbook-home-set><D:href>\/dav\/addressbooks\/alice@one.test\/<\/D:href>/);
    assert.match(r.body, /mailto:alice@one.test/);
  }
});

test('Depth infinity PROPFIND is refused with propfind-finite-depth', async () => {
  const r = await call(A, 'PROPFIND', `/dav/calendars/${A}/`, undefined, { depth: 'infinity' });
  assert.equal(r.statusCode, 403);
  assert.match(r.body, /propfind-finite-depth/);
});

test('calendar home lists calendars with ctag, sync-token and component sets', async () => {
  const r = await call(A, 'PROPFIND', `/dav/calendars/${A}/`, '<propfind xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/" xmlns:c="urn:ietf:params:xml:ns:caldav"><prop><resourcetype/><cs:getctag/><sync-token/><c:supported-calendar-component-set/></prop></propfind>', { depth: '1', ...XML });
  assert.equal(r.statusCode, 207);
  assert.match(r.body, /<C:calendar\/>/);
  assert.match(r.body, /<CS:getctag>/);
  assert.match(r.body, /<C:comp name="VTODO"\/>/);
  assert.match(r.body, /<C:schedule-inbox\/>/);
});

test('MKCALENDAR, PUT with preconditions, ETags and If-Match', async () => {
  const cal = `/dav/calendars/${A}/work/`;
  const mk = await call(A, 'MKCALENDAR', cal, '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Work</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>', XML);
  assert.equal(mk.statusCode, 201);
  assert.equal((await call(A, 'MKCALENDAR', cal)).statusCode, 405);
  const put = await call(A, 'PUT', `${cal}e1.ics`, ics('e1'), { 'content-type': 'text/calendar', 'if-none-match': '*' });
  assert.equal(put.statusCode, 201);
  const etag = String(put.headers.etag);
  assert.match(etag, /^"[^"]+"$/);
  assert.equal((await call(A, 'PUT', `${cal}e1.ics`, ics('e1'), { 'content-type': 'text/calendar', 'if-none-match': '*' })).statusCode, 412);
  assert.equal((await call(A, 'PUT', `${cal}e1.ics`, ics('e1'), { 'content-type': 'text/calendar', 'if-match': '"nope"' })).statusCode, 412);
  assert.equal((await call(A, 'PUT', `${cal}e1.ics`, ics('e1'), { 'content-type': 'text/calendar', 'if-match': etag })).statusCode, 204);
  const dup = await call(A, 'PUT', `${cal}other.ics`, ics('e1'), { 'content-type': 'text/calendar' });
  assert.equal(dup.statusCode, 409);
  assert.match(dup.body, /no-uid-conflict/);
  const bad = await call(A, 'PUT', `${cal}bad.ics`, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', { 'content-type': 'text/calendar' });
  assert.equal(bad.statusCode, 403);
  assert.match(bad.body, /valid-calendar-data/);
  const todo = ics('t1').replace(/VEVENT/g, 'VTODO');
  const comp = await call(A, 'PUT', `${cal}t1.ics`, todo, { 'content-type': 'text/calendar' });
  assert.equal(comp.statusCode, 403);
  assert.match(comp.body, /supported-calendar-component/);
  const big = await call(A, 'PUT', `${cal}big.ics`, ics('big', undefined, `DESCRIPTION:${'x'.repeat(1_100_000)}\r\n`), { 'content-type': 'text/calendar' });
  assert.equal(big.statusCode, 403);
  assert.match(big.body, /max-resource-size/);
});

test('calendar-query with a time range expands recurrences; text-match filters', async () => {
  const cal = `/dav/calendars/${A}/q/`;
  await call(A, 'MKCALENDAR', cal);
  await call(A, 'PUT', `${cal}weekly.ics`, ics('weekly', '20260105T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=10\r\n'), { 'content-type': 'text/calendar' });
  await call(A, 'PUT', `${cal}jan.ics`, ics('jan', '20260110T100000Z'), { 'content-type': 'text/calendar' });
  const q = (inner: string) => `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">${inner}</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
  const march = await call(A, 'REPORT', cal, q('<C:time-range start="20260302T000000Z" end="20260303T000000Z"/>'), { depth: '1', ...XML });
  assert.equal(march.statusCode, 207);
  assert.match(march.body, /weekly.ics/);
  assert.doesNotMatch(march.body, /jan.ics/);
  const text = await call(A, 'REPORT', cal, q('<C:prop-filter name="SUMMARY"><C:text-match>JAN</C:text-match></C:prop-filter>'), { depth: '1', ...XML });
  assert.match(text.body, /jan.ics/);
  assert.doesNotMatch(text.body, /weekly.ics/);
  const exp = await call(A, 'REPORT', cal, `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data><C:expand start="20260101T000000Z" end="20260201T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260101T000000Z" end="20260201T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`, { depth: '1', ...XML });
  assert.equal((exp.body.match(/RECURRENCE-ID/g) ?? []).length, 4, exp.body);
});

test('sync-collection: initial, delta with tombstones, invalid token', async () => {
  const cal = `/dav/calendars/${A}/s/`;
  await call(A, 'MKCALENDAR', cal);
  await call(A, 'PUT', `${cal}a.ics`, ics('a'), { 'content-type': 'text/calendar' });
  await call(A, 'PUT', `${cal}b.ics`, ics('b'), { 'content-type': 'text/calendar' });
  const sync = (token: string) => call(A, 'REPORT', cal, `<sync-collection xmlns="DAV:"><sync-token>${token}</sync-token><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`, XML);
  const first = await sync('');
  assert.equal(first.statusCode, 207);
  const token = /<D:sync-token>([^<]+)</.exec(first.body)![1];
  assert.equal((first.body.match(/<D:response>/g) ?? []).length, 2);
  await call(A, 'DELETE', `${cal}a.ics`);
  await call(A, 'PUT', `${cal}c.ics`, ics('c'), { 'content-type': 'text/calendar' });
  const delta = await sync(token);
  assert.match(delta.body, /a.ics<\/D:href><D:status>HTTP\/1.1 404 Not Found/);
  assert.match(delta.body, /c.ics/);
  assert.doesNotMatch(delta.body, /b.ics/);
  const bad = await sync('http://example.com/not-ours');
  assert.equal(bad.statusCode, 403);
  assert.match(bad.body, /valid-sync-token/);
});

test('PROPPATCH stores dead properties verbatim and is atomic', async () => {
  const cal = `/dav/calendars/${A}/p/`;
  await call(A, 'MKCALENDAR', cal);
  const ok = await call(A, 'PROPPATCH', cal, '<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><Z:thing><Z:inner a="1">v</Z:inner></Z:thing><A:calendar-color>#FF0000FF</A:calendar-color></D:prop></D:set></D:propertyupdate>', XML);
  assert.equal(ok.statusCode, 207);
  const get = await call(A, 'PROPFIND', cal, '<propfind xmlns="DAV:"><prop><thing xmlns="urn:z"/><calendar-color xmlns="http://apple.com/ns/ical/"/></prop></propfind>', { depth: '0', ...XML });
  assert.match(get.body, /<thing xmlns="urn:z"><inner a="1">v<\/inner><\/thing>/);
  assert.match(get.body, /#FF0000FF/);
  const fail = await call(A, 'PROPPATCH', cal, '<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:other>1</Z:other><D:getetag>x</D:getetag></D:prop></D:set></D:propertyupdate>', XML);
  assert.match(fail.body, /424 Failed Dependency/);
  const after = await call(A, 'PROPFIND', cal, '<propfind xmlns="DAV:"><prop><other xmlns="urn:z"/></prop></propfind>', { depth: '0', ...XML });
  assert.match(after.body, /404 Not Found/);
});

test('CardDAV: vCard 3.0 stored, 4.0 negotiated, query and GAL', async () => {
  const book = `/dav/addressbooks/${A}/`;
  const home = await call(A, 'PROPFIND', book, undefined, { depth: '1' });
  const href = /<D:href>(\/dav\/addressbooks\/alice@one.test\/[^<]+\/)<\/D:href>/.exec(home.body)![1];
  const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Carol Cole\r\nEMAIL:carol@x.test\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nEND:VCARD\r\n';
  assert.equal((await call(A, 'PUT', `${href}c1.vcf`, card, { 'content-type': 'text/vcard' })).statusCode, 201);
  const v4 = await call(A, 'GET', `${href}c1.vcf`, undefined, { accept: 'text/vcard; version=4.0' });
  assert.match(v4.body, /VERSION:4.0/);
  assert.match(v4.body, /KIND:group/);
  const q = await call(A, 'REPORT', href, '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:address-data content-type="text/vcard" version="4.0"/></D:prop><C:filter><C:prop-filter name="FN"><C:text-match match-type="starts-with">carol</C:text-match></C:prop-filter></C:filter></C:addressbook-query>', { depth: '1', ...XML });
  assert.match(q.body, /VERSION:4.0/);
  const gal = await call(A, 'REPORT', '/dav/gal/one.test/', '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:address-data/></D:prop></C:addressbook-query>', { depth: '1', ...XML });
  assert.match(gal.body, /bob@one.test/);
  assert.doesNotMatch(gal.body, /two.test/);
  assert.equal((await call(A, 'PUT', '/dav/gal/one.test/9.vcf', card, { 'content-type': 'text/vcard' })).statusCode, 403);
});

test('tenant isolation: other domains and ungranted users are 404, searches stay in the domain', async () => {
  for (const url of [`/dav/calendars/${X}/`, `/dav/principals/users/${X}/`, `/dav/files/${X}/`, '/dav/gal/two.test/', `/dav/calendars/${B}/`])
    assert.equal((await call(A, 'PROPFIND', url, undefined, { depth: '0' })).statusCode, 404, url);
  const s = await call(X, 'REPORT', '/dav/principals/', '<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>a</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>', { depth: '0', ...XML });
  assert.equal(s.statusCode, 207);
  assert.doesNotMatch(s.body, /one.test/);
  const mine = await call(B, 'REPORT', '/dav/principals/', '<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>alice</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>', { depth: '0', ...XML });
  assert.match(mine.body, /Alice Anders/);
});

test('delegation: a read grant shows the calendar and the proxy group, writes are refused', async () => {
  const alice = (await h.store.getAccount(A))!;
  const bob = (await h.store.getAccount(B))!;
  // Its own calendar and event, so that the test passes alone as well as after the others.
  const cal = `/dav/calendars/${A}/delegated/`;
  assert.equal((await call(A, 'MKCALENDAR', cal)).statusCode, 201);
  assert.equal((await call(A, 'PUT', `${cal}d1.ics`, ics('d1'), { 'content-type': 'text/calendar' })).statusCode, 201);
  await h.store.createGrant({ ownerId: alice.id, granteeId: bob.id, rights: 'read', folderId: null });
  const home = await call(B, 'PROPFIND', `/dav/calendars/${A}/`, undefined, { depth: '1' });
  assert.equal(home.statusCode, 207);
  assert.match(home.body, /delegated\//);
  assert.equal((await call(B, 'GET', `${cal}d1.ics`)).statusCode, 200);
  assert.equal((await call(B, 'PUT', `${cal}e9.ics`, ics('e9'), { 'content-type': 'text/calendar' })).statusCode, 403);
  const proxy = await call(A, 'PROPFIND', `/dav/principals/users/${A}/calendar-proxy-read/`, '<propfind xmlns="DAV:"><prop><group-member-set/></prop></propfind>', { depth: '0', ...XML });
  assert.match(proxy.body, /bob@one.test/);
  const pf = await call(B, 'PROPFIND', `/dav/principals/users/${B}/`, '<propfind xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/"><prop><cs:calendar-proxy-read-for/></prop></propfind>', { depth: '0', ...XML });
  assert.match(pf.body, /alice@one.test/);
});

test('files: quota counted on PUT', async () => {
  const q = await h.addUser('quota@one.test', 'pw-q', { quotaBytes: 1000 });
  const a = basic(q.email, 'pw-q');
  const put = (name: string, size: number) => h.app.inject({ method: 'PUT', url: `/dav/files/${q.email}/${name}`, payload: Buffer.alloc(size), headers: { authorization: a } });
  assert.equal((await put('a.bin', 600)).statusCode, 201);
  const r = await put('b.bin', 600);
  assert.equal(r.statusCode, 507);
  assert.match(r.body, /quota-not-exceeded/);
});
