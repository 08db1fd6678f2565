/**
 * The member fast paths give the same answers as the general ones: props/batch.ts against
 * renderResponse, caldav/instances.ts against src/pim overlapsRange.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, type DavHarness } from './harness.js';
import type { DavRequest } from '../../../protocols/dav/request.js';
import { LockManager } from '../../../protocols/dav/locks.js';
import { noImip } from '../../../protocols/dav/scheduling/imip.js';
import { InstanceCache, spansOverlap } from '../../../protocols/dav/caldav/instances.js';
import { renderResponses } from '../../../protocols/dav/props/batch.js';
import { renderResponse } from '../../../protocols/dav/props/engine.js';
import { resolve } from '../../../protocols/dav/resolve.js';
import { members } from '../../../protocols/dav/members.js';
import { reportProps } from '../../../protocols/dav/reports/render.js';
import { parseXml } from '../../../protocols/dav/xml/parser.js';
import { overlapsRange } from '../../../src/pim/recurrence.js';
import { extractCalendarFields } from '../../../src/pim/extract.js';
import type { Account, Domain, Folder } from '../../../src/model/types.js';

let h: DavHarness;
let user: Account;
let domain: Domain;
let cal: Folder;
const U = 'fast@batch.test';

const ev = (uid: string, body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\n${body}SUMMARY:${uid} & <co>\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const EVENTS: Record<string, string> = {
  plain: ev('plain', 'DTSTART:20260105T100000Z\r\nDURATION:PT1H\r\n'),
  weekly: ev('weekly', 'DTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE:20260119T100000Z\r\n'),
  daily: ev('daily', 'DTSTART;VALUE=DATE:20260110\r\nRRULE:FREQ=DAILY;UNTIL=20260120\r\n'),
  zoned: ev('zoned', 'DTSTART;TZID=Europe/Berlin:20260301T090000\r\nDTEND;TZID=Europe/Berlin:20260301T093000\r\nRRULE:FREQ=WEEKLY;COUNT=8\r\n'),
  instant: ev('instant', 'DTSTART:20260201T120000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n'),
  override: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:override\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:override\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20260107T100000Z\r\nDTSTART:20260210T100000Z\r\nDTEND:20260210T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`,
};

const q = (): DavRequest => ({
  svc: { ctx: h.ctx, locks: new LockManager(h.ctx.store, h.ctx.now), imip: noImip, instances: new InstanceCache() },
  user, domain, method: 'REPORT', segments: ['dav', 'calendars', U, 'fast'], path: `/dav/calendars/${U}/fast/`, trailingSlash: true, headers: {}, body: Buffer.alloc(0),
});

before(async () => {
  h = await createDavHarness();
  user = await h.addUser(U, 'pw');
  domain = (await h.store.getDomain(user.domainId))!;
  cal = await h.store.createFolder({ accountId: user.id, name: 'Fast', kind: 'calendar', props: { davSegment: 'fast' } });
  for (const [name, ics] of Object.entries(EVENTS)) {
    const f = extractCalendarFields(ics);
    await h.store.createItem({ folderId: cal.id, name: `${name}.ics`, uid: f.uid, content: ics, contentType: 'text/calendar; charset=utf-8; component=vevent', size: ics.length,
      componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring,
      props: name === 'plain' ? { davDead: { '{urn:x}tag': '<tag xmlns="urn:x">v</tag>' } } : {} });
  }
  const files = await h.store.createItem({ folderId: cal.id, name: 'odd &name.ics', content: EVENTS.plain.replace(/plain/g, 'odd'), size: 10, componentType: 'VEVENT', uid: 'odd' });
  assert.ok(files);
});
after(() => h.close());

test('batch rendering equals renderResponse for every property list', async () => {
  const bodies = [
    '<D:prop xmlns:D="DAV:"><D:getetag/></D:prop>',
    '<D:prop xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:getetag/><CS:getctag/><D:displayname/></D:prop>',
    '<D:prop xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:getetag/><C:calendar-data/><D:getcontenttype/><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:creationdate/></D:prop>',
    '<D:prop xmlns:D="DAV:" xmlns:x="urn:x"><D:getetag/><x:tag/><D:supportedlock/></D:prop>',
    '<D:prop xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/></C:comp></C:comp></C:calendar-data></D:prop>',
  ];
  const r = await resolve(q());
  assert.equal(r.kind, 'collection');
  const ms = await members(q(), r, { withContent: true });
  assert.equal(ms.length, Object.keys(EVENTS).length + 1);
  for (const b of bodies) {
    const body = parseXml(`<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav">${b}</C:calendar-query>`);
    const rp = reportProps(body);
    const slow: string[] = [];
    for (const m of ms) slow.push(await renderResponse(q(), m, rp.req, rp.extra));
    assert.equal(await renderResponses(q(), ms, rp.req, rp.extra), slow.join(''), b);
  }
});

test('cached instance spans answer time ranges exactly as overlapsRange', async () => {
  const cache = new InstanceCache();
  const items = (await h.store.listItems(cal.id)).filter((i) => i.recurring);
  assert.equal(items.length, 5);
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 0, 1);
  for (const it of items) {
    const spans = cache.spans(it);
    assert.ok(spans, it.name);
    assert.equal(cache.spans(it), spans, 'cached by version');
    for (let a = 0; a < 80; a += 0.5) for (const len of [0.01, 0.25, 1, 3, 20]) {
      const range = { start: t0 + a * day, end: t0 + (a + len) * day };
      assert.equal(spansOverlap(spans, range), overlapsRange(it.content!, new Date(range.start), new Date(range.end)), `${it.name} ${a} ${len}`);
    }
  }
  // Unbounded rules are not cached (callers fall back to the full filter).
  assert.equal(cache.spans({ ...items[0], endAt: null }), null);
});
