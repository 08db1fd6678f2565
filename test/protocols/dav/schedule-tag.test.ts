/**
 * RFC 6638: Schedule-Tag and If-Schedule-Tag-Match (§3.2.10, §8.3), SCHEDULE-STATUS on the
 * organizer's copy (§7.3), and an organizer update keeping the attendee's answer (§3.2.2.1).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'org@tag.test', B = 'att@tag.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw-a'), [B]: basic(B, 'pw-b') };
const call = (user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
const CAL = { 'content-type': 'text/calendar' };
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, '');

const meeting = (partstat: string, start = '20260210T100000Z', summary = 'Meeting') => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:tag-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${start}\r\nDURATION:PT1H\r\nSUMMARY:${summary}\r\nORGANIZER:mailto:${A}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:${A}\r\nATTENDEE;PARTSTAT=${partstat}:mailto:${B}\r\nATTENDEE:mailto:ext@elsewhere.test\r\nATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:self@elsewhere.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

let calA = '', calB = '';
before(async () => {
  h = await createDavHarness();
  for (const u of [A, B]) {
    const acc = await h.addUser(u, u === A ? 'pw-a' : 'pw-b');
    const f = (await h.store.findFolderByRole(acc.id, 'calendar'))!;
    if (u === A) calA = `/dav/calendars/${A}/${f.id}/`; else calB = `/dav/calendars/${B}/${f.id}/tag-1.ics`;
  }
});
after(() => h.close());

test('Schedule-Tag: set on the organizer PUT, unchanged by replies, checked by If-Schedule-Tag-Match', async () => {
  const put = await call(A, 'PUT', `${calA}m.ics`, meeting('NEEDS-ACTION'), CAL);
  assert.equal(put.statusCode, 201);
  const tag = String(put.headers['schedule-tag']);
  assert.match(tag, /^".+"$/);
  assert.equal(put.headers.etag, undefined, 'SCHEDULE-STATUS was added: the stored object differs, no ETag (RFC 4791 §5.3.4)');

  // SCHEDULE-STATUS: delivered inside Hearth, sent by iMIP, none for SCHEDULE-AGENT=CLIENT.
  const got = await call(A, 'GET', `${calA}m.ics`);
  assert.equal(got.headers['schedule-tag'], tag);
  const text = unfold(got.body);
  assert.match(text, /ATTENDEE;PARTSTAT=NEEDS-ACTION;SCHEDULE-STATUS=1\.2:mailto:att@tag\.test/);
  assert.match(text, /ATTENDEE;SCHEDULE-STATUS=1\.1:mailto:ext@elsewhere\.test/);
  assert.match(text, /ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:self@elsewhere\.test/);
  assert.match(text, /SUMMARY:Meeting\r\n/);

  // The attendee's copy has its own tag; the attendee accepts.
  const mine = await call(B, 'GET', calB);
  assert.equal(mine.statusCode, 200);
  const tagB = String(mine.headers['schedule-tag']);
  assert.match(tagB, /^".+"$/);
  assert.equal((await call(B, 'PUT', calB, meeting('ACCEPTED'), { ...CAL, 'if-schedule-tag-match': tagB })).statusCode, 204);
  assert.equal((await call(B, 'PUT', calB, meeting('ACCEPTED'), { ...CAL, 'if-schedule-tag-match': tagB })).statusCode, 412, 'the attendee write changed the tag');

  // The reply changed the organizer's copy (ETag) but not its Schedule-Tag.
  const after = await call(A, 'GET', `${calA}m.ics`);
  assert.match(unfold(after.body), /PARTSTAT=ACCEPTED[^\r\n]*:mailto:att@tag\.test/);
  assert.equal(after.headers['schedule-tag'], tag);
  const prop = await call(A, 'PROPFIND', `${calA}m.ics`, '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:schedule-tag/></D:prop></D:propfind>', { depth: '0', 'content-type': 'application/xml' });
  assert.match(prop.body, new RegExp(`<C:schedule-tag>${tag.replace(/"/g, '&quot;')}</C:schedule-tag>`));

  // A stale tag is refused; the current one is accepted and changes the tag.
  assert.equal((await call(A, 'PUT', `${calA}m.ics`, meeting('ACCEPTED', undefined, 'Meeting 2'), { ...CAL, 'if-schedule-tag-match': '"stale"' })).statusCode, 412);
  const upd = await call(A, 'PUT', `${calA}m.ics`, meeting('ACCEPTED', undefined, 'Meeting 2'), { ...CAL, 'if-schedule-tag-match': tag });
  assert.equal(upd.statusCode, 204);
  assert.notEqual(upd.headers['schedule-tag'], tag);
  assert.equal((await call(A, 'DELETE', `${calA}m.ics`, undefined, { 'if-schedule-tag-match': tag })).statusCode, 412);
});

test('an organizer update that does not reschedule keeps the attendee PARTSTAT; a reschedule resets it', async () => {
  // The organizer's client had not seen the reply: it sends NEEDS-ACTION for the attendee.
  assert.equal((await call(A, 'PUT', `${calA}m.ics`, meeting('NEEDS-ACTION', undefined, 'Renamed'), CAL)).statusCode, 204);
  let copy = unfold((await call(B, 'GET', calB)).body);
  assert.match(copy, /SUMMARY:Renamed/);
  assert.match(copy, /PARTSTAT=ACCEPTED:mailto:att@tag\.test/);
  // A new time asks the attendee again.
  assert.equal((await call(A, 'PUT', `${calA}m.ics`, meeting('NEEDS-ACTION', '20260211T100000Z', 'Moved'), CAL)).statusCode, 204);
  copy = unfold((await call(B, 'GET', calB)).body);
  assert.match(copy, /DTSTART:20260211T100000Z/);
  assert.match(copy, /PARTSTAT=NEEDS-ACTION[^\r\n]*:mailto:att@tag\.test/);
});

test('objects without attendees carry no Schedule-Tag and keep their ETag on PUT', async () => {
  const plain = meeting('NEEDS-ACTION').replace(/UID:tag-1/, 'UID:plain-1').replace(/(ORGANIZER|ATTENDEE)[^\r\n]*\r\n/g, '');
  const r = await call(A, 'PUT', `${calA}plain.ics`, plain, CAL);
  assert.equal(r.statusCode, 201);
  assert.equal(r.headers['schedule-tag'], undefined);
  assert.match(String(r.headers.etag), /^"\d+-\d+"$/);
});
