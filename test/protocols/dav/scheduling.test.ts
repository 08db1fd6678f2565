/** Implicit scheduling, outbox free-busy and calendarserver-sharing through app.inject(). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'org@sched.test', B = 'att@sched.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw-a'), [B]: basic(B, 'pw-b') };

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw-a');
  await h.addUser(B, 'pw-b');
});
after(() => h.close());

const call = (user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
async function defaultCal(user: string): Promise<string> {
  const r = await call(user, 'PROPFIND', `/dav/calendars/${user}/`, undefined, { depth: '1' });
  const acc = (await h.store.getAccount(user))!;
  const f = (await h.store.findFolderByRole(acc.id, 'calendar'))!;
  assert.match(r.body, new RegExp(`/dav/calendars/${user}/${f.id}/`));
  return `/dav/calendars/${user}/${f.id}/`;
}
const meeting = (partstat: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:meet-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260210T100000Z\r\nDTEND:20260210T110000Z\r\nSUMMARY:Meeting\r\nORGANIZER:mailto:${A}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:${A}\r\nATTENDEE;PARTSTAT=${partstat}:mailto:${B}\r\nATTENDEE:mailto:ext@elsewhere.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

test('organizer PUT invites the internal attendee; the attendee reply updates the organizer', async () => {
  const calA = await defaultCal(A);
  assert.equal((await call(A, 'PUT', `${calA}meet.ics`, meeting('NEEDS-ACTION'), { 'content-type': 'text/calendar' })).statusCode, 201);
  const inbox = await call(B, 'PROPFIND', `/dav/calendars/${B}/inbox/`, undefined, { depth: '1' });
  assert.equal((inbox.body.match(/<D:response>/g) ?? []).length, 2, 'the inbox and one message');
  const calB = await defaultCal(B);
  const q = await call(B, 'REPORT', calB, '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>', { depth: '1', 'content-type': 'application/xml' });
  const hrefB = /<D:href>([^<]+\.ics)<\/D:href>/.exec(q.body)![1];
  assert.equal((await call(B, 'PUT', hrefB, meeting('ACCEPTED'), { 'content-type': 'text/calendar' })).statusCode, 204);
  const orgCopy = await call(A, 'GET', `${calA}meet.ics`);
  assert.match(orgCopy.body.replace(/\r\n /g, ''), /PARTSTAT=ACCEPTED[^\r\n]*:mailto:att@sched.test/);
});

test('outbox POST answers free-busy for the internal attendee and 3.7 for unknown ones', async () => {
  // The attendee's own busy event, on a day no other test uses, so that this test stands alone.
  const busy = meeting('ACCEPTED').replace('meet-1', 'busy-12').replace(/ORGANIZER[^\r]*\r\n|ATTENDEE[^\r]*\r\n/g, '').replace(/20260210T/g, '20260212T');
  assert.equal((await call(B, 'PUT', `${await defaultCal(B)}busy-12.ics`, busy, { 'content-type': 'text/calendar' })).statusCode, 201);
  const body = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\nUID:fb-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260212T000000Z\r\nDTEND:20260213T000000Z\r\nORGANIZER:mailto:${A}\r\nATTENDEE:mailto:${B}\r\nATTENDEE:mailto:nobody@other.test\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n`;
  const r = await call(A, 'POST', `/dav/calendars/${A}/outbox/`, body, { 'content-type': 'text/calendar' });
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /FREEBUSY;FBTYPE=BUSY:20260212T100000Z\/20260212T110000Z/);
  assert.match(r.body, /3.7;Invalid calendar user/);
});

test('sharing: share read-write, invitation, accept, sharee writes, unshare', async () => {
  const cal = `/dav/calendars/${A}/team/`;
  assert.equal((await call(A, 'MKCALENDAR', cal)).statusCode, 201);
  const share = await call(A, 'POST', cal, `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${B}</D:href><CS:read-write/></CS:set></CS:share>`, { 'content-type': 'application/xml' });
  assert.equal(share.statusCode, 200);
  const notes = await call(B, 'PROPFIND', `/dav/calendars/${B}/notifications/`, undefined, { depth: '1' });
  const invite = /notifications\/(invite-(\d+)\.xml)/.exec(notes.body)!;
  const reply = await call(B, 'POST', `/dav/calendars/${B}/`, `<CS:invite-reply xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:href>mailto:${A}</D:href><CS:invite-accepted/><CS:in-reply-to>${invite[2]}</CS:in-reply-to></CS:invite-reply>`, { 'content-type': 'application/xml' });
  assert.equal(reply.statusCode, 200);
  const sharedAs = /<D:href>([^<]+)<\/D:href>/.exec(reply.body)![1];
  const ev = meeting('ACCEPTED').replace('meet-1', 'team-1').replace(/ORGANIZER[^\r]*\r\n|ATTENDEE[^\r]*\r\n/g, '');
  assert.equal((await call(B, 'PUT', `${sharedAs}t.ics`, ev, { 'content-type': 'text/calendar' })).statusCode, 201);
  assert.equal((await call(A, 'GET', `${cal}t.ics`)).statusCode, 200);
  const inv = await call(A, 'PROPFIND', cal, '<propfind xmlns="DAV:" xmlns:cs="http://calendarserver.org/ns/"><prop><cs:invite/></prop></propfind>', { depth: '0', 'content-type': 'application/xml' });
  assert.match(inv.body, /invite-accepted/);
  await call(A, 'POST', cal, `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:${B}</D:href></CS:remove></CS:share>`, { 'content-type': 'application/xml' });
  assert.equal((await call(B, 'GET', `${sharedAs}t.ics`)).statusCode, 404);
});

