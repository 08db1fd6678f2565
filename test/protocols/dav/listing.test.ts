/**
 * Lean listings (props/batch.ts listingPlan over Store.listItemFields): PROPFIND Depth 1 and an
 * initial sync-collection of more members than are sent in one piece (streamed) answer every
 * member with its own ETag; a member with dead properties still answers them (general path);
 * DAV:limit cuts an initial sync with a 507 (RFC 6578 §3.6); multiget answers by name in one read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';
import { STREAM_ABOVE } from '../../../protocols/dav/multistatus.js';
import type { Folder, Item } from '../../../src/model/types.js';

let h: DavHarness;
let cal: Folder;
let items: Item[];
const U = 'lean@listing.test';
const PW = 'Listing-pass-1';
const N = STREAM_ABOVE + 5;
const base = `/dav/calendars/${U}/lean/`;
const XML = { 'content-type': 'application/xml', authorization: basic(U, PW) };
const ics = (i: number) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:l${i}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nSUMMARY:e${i}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const etagsOf = (xml: string) => new Map([...xml.matchAll(/<D:href>([^<]+)<\/D:href><D:propstat><D:prop><D:getetag>([^<]+)<\/D:getetag>/g)].map((m) => [m[1], m[2]]));

before(async () => {
  h = await createDavHarness();
  const a = await h.addUser(U, PW);
  cal = await h.store.createFolder({ accountId: a.id, name: 'Lean', kind: 'calendar', props: { davSegment: 'lean' } });
  items = await h.store.createItems(Array.from({ length: N }, (_, i) => ({ folderId: cal.id, name: `e${i}.ics`, uid: `l${i}`, content: ics(i), contentType: 'text/calendar', componentType: 'VEVENT' })));
  await h.store.updateItem(items[7].id, { props: { davDead: { '{urn:x}tag': '<tag xmlns="urn:x">kept</tag>' } } });
  items[7] = (await h.store.getItem(items[7].id))!;
});
after(() => h.close());

const expected = () => new Map(items.map((it) => [`${base}${it.name}`, `&quot;${it.id}-${it.modseq}&quot;`]));

test('PROPFIND Depth 1 over a streamed listing answers every member with its ETag, dead properties included', async () => {
  const r = await h.app.inject({ method: 'PROPFIND', url: base, headers: { ...XML, depth: '1' }, payload: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:x"><d:prop><d:getetag/><x:tag/></d:prop></d:propfind>' });
  assert.equal(r.statusCode, 207);
  const tags = etagsOf(r.body);
  assert.ok(tags.delete(base), 'the collection answers too');
  assert.deepEqual(tags, expected());
  assert.match(r.body, /<tag xmlns="urn:x">kept<\/tag>/);
  assert.equal(r.body.match(/<D:response>/g)?.length, N + 1);
});

test('an initial sync-collection lists every member once; DAV:limit cuts it with a 507 and a token that resumes', async () => {
  const body = (token: string, limit = '') => `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>${limit}<d:prop><d:getetag/></d:prop></d:sync-collection>`;
  const all = await h.app.inject({ method: 'REPORT', url: base, headers: XML, payload: body('') });
  assert.equal(all.statusCode, 207);
  assert.deepEqual(etagsOf(all.body), expected());
  const cut = await h.app.inject({ method: 'REPORT', url: base, headers: XML, payload: body('', '<d:limit><d:nresults>10</d:nresults></d:limit>') });
  assert.equal(etagsOf(cut.body).size, 10);
  assert.match(cut.body, /507 Insufficient Storage/);
  const token = /<D:sync-token>([^<]+)</.exec(cut.body)![1];
  const rest = await h.app.inject({ method: 'REPORT', url: base, headers: XML, payload: body(token) });
  assert.equal(etagsOf(rest.body).size + 10, N, 'the rest, each once');
});

test('calendar-multiget by name answers found members with their data and 404 for the others', async () => {
  const hrefs = [`${base}e3.ics`, `${base}missing.ics`, `${base}e7.ics`];
  const r = await h.app.inject({ method: 'REPORT', url: base, headers: XML, payload: `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((x) => `<d:href>${x}</d:href>`).join('')}</c:calendar-multiget>` });
  assert.equal(r.statusCode, 207);
  assert.deepEqual([...r.body.matchAll(/<D:href>([^<]+)</g)].map((m) => m[1]), hrefs, 'in request order');
  assert.match(r.body, /UID:l3/);
  assert.match(r.body, /UID:l7/);
  assert.match(r.body, /missing\.ics<\/D:href><D:status>HTTP\/1\.1 404/);
});
