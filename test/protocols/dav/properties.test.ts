/**
 * DAV properties defined once (issue 9.5): the member fast path (props/batch.ts) answers every
 * property that props/live.ts gives a member getter or NO_MEMBER, byte for byte as the general
 * path; DAV:supported-report-set comes from the report table, which every handler matches.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';
import type { DavRequest } from '../../../protocols/dav/request.js';
import { LockManager } from '../../../protocols/dav/locks.js';
import { noImip } from '../../../protocols/dav/scheduling/imip.js';
import { InstanceCache } from '../../../protocols/dav/caldav/instances.js';
import { renderResponses } from '../../../protocols/dav/props/batch.js';
import { renderResponse, propRequest } from '../../../protocols/dav/props/engine.js';
import { liveNames, memberGetter } from '../../../protocols/dav/props/live.js';
import { resolve } from '../../../protocols/dav/resolve.js';
import { members } from '../../../protocols/dav/members.js';
import { REPORTS } from '../../../protocols/dav/reports/index.js';
import { REPORT_SCOPES } from '../../../protocols/dav/reports/supported.js';
import { parseXml } from '../../../protocols/dav/xml/parser.js';
import { parseClark } from '../../../protocols/dav/xml/names.js';
import type { Account, Domain, Folder } from '../../../src/model/types.js';

let h: DavHarness;
let user: Account;
let domain: Domain;
let cal: Folder;
const U = 'props@defs.test';
const auth = basic(U, 'pw');

const ics = (uid: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\nSUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

const q = (): DavRequest => ({
  svc: { ctx: h.ctx, locks: new LockManager(h.ctx.store, h.ctx.now), imip: noImip, instances: new InstanceCache() },
  user, domain, method: 'PROPFIND', segments: ['dav', 'calendars', U, 'defs'], path: `/dav/calendars/${U}/defs/`, trailingSlash: true, headers: {}, body: Buffer.alloc(0),
});

before(async () => {
  h = await createDavHarness();
  user = await h.addUser(U, 'pw');
  domain = (await h.store.getDomain(user.domainId))!;
  cal = await h.store.createFolder({ accountId: user.id, name: 'Defs', kind: 'calendar', props: { davSegment: 'defs' } });
  const base = { folderId: cal.id, componentType: 'VEVENT', startAt: null, endAt: null, recurring: false };
  await h.store.createItem({ ...base, name: 'plain.ics', uid: 'plain', content: ics('plain'), size: 100, contentType: 'text/calendar; charset=utf-8; component=vevent' });
  // A scheduling object (schedule-tag present) and a content type that needs escaping.
  await h.store.createItem({ ...base, name: 'tagged.ics', uid: 'tagged', content: ics('tagged'), size: 100, contentType: 'text/calendar; x="<&>"', props: { scheduleTag: '"st-1&2"' } });
  await h.store.createItem({ ...base, name: 'untyped.ics', uid: 'untyped', content: ics('untyped'), size: 100 });
});
after(() => h.close());

test('every member-defined live property renders the same on the fast path and the general one', async () => {
  const names = liveNames().filter((n) => memberGetter(n) !== undefined);
  assert.ok(names.length >= 20, `only ${names.length} member-defined properties`);
  const prop = names.map((n) => { const { ns, local } = parseClark(n); return `<x:${local} xmlns:x="${ns}"/>`; }).join('');
  const req = propRequest(parseXml(`<D:propfind xmlns:D="DAV:"><D:prop>${prop}</D:prop></D:propfind>`));
  const r = await resolve(q());
  const ms = await members(q(), r);
  assert.equal(ms.length, 3);
  const slow: string[] = [];
  for (const m of ms) slow.push(await renderResponse(q(), m, req));
  const fast = await renderResponses(q(), ms, req);
  assert.equal(fast, slow.join(''));
  assert.match(fast, /<C:schedule-tag>&quot;st-1&amp;2&quot;<\/C:schedule-tag>/);
  assert.match(fast, /x=&quot;&lt;&amp;&gt;&quot;/);
  // One at a time too: each property alone, found or 404.
  for (const n of names) {
    const { ns, local } = parseClark(n);
    const one = propRequest(parseXml(`<D:propfind xmlns:D="DAV:"><D:prop><x:${local} xmlns:x="${ns}"/></D:prop></D:propfind>`));
    const each: string[] = [];
    for (const m of ms) each.push(await renderResponse(q(), m, one));
    assert.equal(await renderResponses(q(), ms, one), each.join(''), n);
  }
});

test('the report table and the report handlers name the same reports', () => {
  assert.deepEqual(REPORT_SCOPES.map((s) => s.name).sort(), Object.keys(REPORTS).sort());
});

test('DAV:supported-report-set follows the report table per resource', async () => {
  const reportsOf = async (path: string) => {
    const r = await h.app.inject({
      method: 'PROPFIND' as 'GET', url: path, headers: { authorization: auth, depth: '0', 'content-type': 'application/xml' },
      payload: '<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/></D:prop></D:propfind>',
    });
    assert.equal(r.statusCode, 207, path);
    return [...r.body.matchAll(/<D:report><(?:\w+:)?([\w-]+)/g)].map((m) => m[1]);
  };
  const common = ['expand-property', 'principal-property-search', 'principal-search-property-set'];
  assert.deepEqual(await reportsOf(`/dav/calendars/${U}/defs/`), ['calendar-query', 'calendar-multiget', 'free-busy-query', 'sync-collection', ...common]);
  const home = await h.app.inject({ method: 'PROPFIND' as 'GET', url: `/dav/addressbooks/${U}/`, headers: { authorization: auth, depth: '1' } });
  const book = /<D:href>(\/dav\/addressbooks\/[^<]+\/[^<]+\/)<\/D:href>/.exec(home.body)?.[1];
  assert.ok(book, 'an address book');
  assert.deepEqual(await reportsOf(book), ['addressbook-query', 'addressbook-multiget', 'sync-collection', ...common]);
  assert.deepEqual(await reportsOf(`/dav/files/${U}/`), ['sync-collection', ...common]);
  assert.deepEqual(await reportsOf(`/dav/principals/users/${U}/`), common);
});
