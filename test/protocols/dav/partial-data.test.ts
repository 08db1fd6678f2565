/** calendar-data partial retrieval (RFC 4791 §9.6) and address-data selection (RFC 6352 §10.4.2). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'pat@partial.test';
const auth = basic(A, 'pw');
const XML = { 'content-type': 'application/xml' };
const call = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth, ...headers } });

const EVENT = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n' +
  'BEGIN:VEVENT\r\nUID:part-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\nSUMMARY:Budget\r\nDESCRIPTION:A very long description that is folded by the client because it is long\r\n  enough to need it\r\nATTENDEE;CN="Doe: J";PARTSTAT=ACCEPTED:mailto:j@x.test\r\n' +
  'BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw');
  assert.equal((await call('MKCALENDAR', `/dav/calendars/${A}/p/`)).statusCode, 201);
  assert.equal((await call('PUT', `/dav/calendars/${A}/p/e.ics`, EVENT, { 'content-type': 'text/calendar' })).statusCode, 201);
  assert.equal((await call('MKCOL', `/dav/addressbooks/${A}/b/`, '<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>', XML)).statusCode, 201);
  const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c-1\r\nFN:Jo Doe\r\nN:Doe;Jo;;;\r\nEMAIL;TYPE=WORK:jo@x.test\r\nTEL;TYPE=CELL:+1 555\r\nNOTE:secret\r\nEND:VCARD\r\n';
  assert.equal((await call('PUT', `/dav/addressbooks/${A}/b/c.vcf`, card, { 'content-type': 'text/vcard' })).statusCode, 201);
});
after(() => h.close());

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const dataOf = (body: string, tag: string) => unescape(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(body)?.[1] ?? '');

test('calendar-data with comp/prop selection returns only the selected components and properties', async () => {
  const sel = `<C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/><C:prop name="SUMMARY"/><C:prop name="DESCRIPTION"/><C:prop name="ATTENDEE" novalue="yes"/></C:comp></C:comp></C:calendar-data>`;
  for (const [report, body] of [
    ['multiget', `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>${sel}</D:prop><D:href>/dav/calendars/${A}/p/e.ics</D:href></C:calendar-multiget>`],
    ['query', `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${sel}</D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`],
  ]) {
    const r = await call('REPORT', `/dav/calendars/${A}/p/`, body, { depth: '1', ...XML });
    assert.equal(r.statusCode, 207, report);
    assert.equal(dataOf(r.body, 'C:calendar-data'),
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:part-1\r\nSUMMARY:Budget\r\nDESCRIPTION:A very long description that is folded by the client because it is long\r\n  enough to need it\r\n' +
      'ATTENDEE;CN="Doe: J";PARTSTAT=ACCEPTED:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', report);
  }
});

test('calendar-data allprop/allcomp keeps everything below; no comp element returns the object as stored', async () => {
  const body = (cd: string) => `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>${cd}</D:prop><D:href>/dav/calendars/${A}/p/e.ics</D:href></C:calendar-multiget>`;
  const all = await call('REPORT', `/dav/calendars/${A}/p/`, body('<C:calendar-data><C:comp name="VCALENDAR"><C:allprop/><C:comp name="VEVENT"><C:allprop/><C:allcomp/></C:comp></C:comp></C:calendar-data>'), XML);
  const text = dataOf(all.body, 'C:calendar-data');
  assert.equal(text, EVENT.replace(/BEGIN:VTIMEZONE[\s\S]*END:VTIMEZONE\r\n/, ''), 'VTIMEZONE was not selected, VALARM came with allcomp');
  const whole = await call('REPORT', `/dav/calendars/${A}/p/`, body('<C:calendar-data/>'), XML);
  assert.equal(dataOf(whole.body, 'C:calendar-data'), EVENT);
});

test('address-data selection keeps the frame and the named properties, novalue empties them', async () => {
  const r = await call('REPORT', `/dav/addressbooks/${A}/b/`, `<CR:addressbook-multiget xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:prop><CR:address-data><CR:prop name="FN"/><CR:prop name="EMAIL"/><CR:prop name="TEL" novalue="yes"/></CR:address-data></D:prop><D:href>/dav/addressbooks/${A}/b/c.vcf</D:href></CR:addressbook-multiget>`, XML);
  assert.equal(r.statusCode, 207);
  assert.equal(dataOf(r.body, 'CR:address-data'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c-1\r\nFN:Jo Doe\r\nEMAIL;TYPE=WORK:jo@x.test\r\nTEL;TYPE=CELL:\r\nEND:VCARD\r\n');
  const all = await call('REPORT', `/dav/addressbooks/${A}/b/`, `<CR:addressbook-multiget xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:prop><CR:address-data><CR:allprop/></CR:address-data></D:prop><D:href>/dav/addressbooks/${A}/b/c.vcf</D:href></CR:addressbook-multiget>`, XML);
  assert.match(dataOf(all.body, 'CR:address-data'), /NOTE:secret/);
});
