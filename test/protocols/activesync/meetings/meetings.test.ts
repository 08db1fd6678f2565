/**
 * Meetings over ActiveSync at the wire level: invitations arrive over SMTP (nodemailer's iMIP
 * shape: text/calendar inside multipart/alternative, RFC 6047) and show as meeting requests with
 * Email:MeetingRequest and a tentative calendar event; MeetingResponse answers them, updating the
 * calendar and telling the organizer: an organizer inside Hearth through CalDAV scheduling's path
 * (checked over CalDAV), an organizer outside by an iMIP REPLY that reaches a second SMTP server
 * on loopback through the outbound queue. Answers are decoded with our codec and, where
 * libwbxml2-utils is installed, cross-checked with its wbxml2xml. Each test has its own users.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, appData, collection, commands, keyOf, primed, responses, serverIdOf, sync } from '../sync/helpers.js';
import type { Phone } from '../sync/helpers.js';
import { meetingHarness, type MeetingHarness } from './harness.js';

const PW = 'Secret-pass-1';
const E = 'Email';
const E2 = 'Email2';
const MR = 'MeetingResponse';
const CAL = 'Calendar';
const B = 'AirSyncBase';

const haveLibwbxml = spawnSync('sh', ['-c', 'command -v wbxml2xml']).status === 0;
function wbxml2xml(data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-meet-'));
  try {
    writeFileSync(join(dir, 'in'), data);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', join(dir, 'out'), join(dir, 'in')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const invitation = (o: { uid: string; organizer: string; attendee: string; method?: string; summary?: string; extra?: string; sequence?: number }) => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Remote Corp//Calendar 1.0//EN', `METHOD:${o.method ?? 'REQUEST'}`,
  'BEGIN:VEVENT', `UID:${o.uid}`, 'DTSTAMP:20261201T090000Z', 'DTSTART:20261215T140000Z', 'DTEND:20261215T150000Z',
  `SEQUENCE:${o.sequence ?? 0}`, `SUMMARY:${o.summary ?? 'Budget review'}`, 'LOCATION:Room 4', 'CLASS:PUBLIC',
  `ORGANIZER;CN=The Boss:mailto:${o.organizer}`,
  `ATTENDEE;CN=Boss;PARTSTAT=ACCEPTED:mailto:${o.organizer}`,
  `ATTENDEE;CN=Invitee;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${o.attendee}`,
  ...(o.extra ? [o.extra] : []),
  'BEGIN:VALARM', 'TRIGGER:-PT15M', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'END:VALARM',
  'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

/** The Inbox Adds of a phone after a fresh sync. */
async function inboxItems(p: Phone): Promise<WbxmlElement[]> {
  return (await primed(p, p.folders['2'], [el(B, 'BodyPreference', [el(B, 'Type', '1')])])).items;
}

const bySubject = (items: WbxmlElement[], re: RegExp) => {
  const a = items.find((i) => re.test(childText(appData(i), 'Subject', E) ?? ''));
  assert.ok(a, `no message matching ${re}: ${items.map((i) => childText(appData(i), 'Subject', E)).join(', ')}`);
  return a;
};

async function calendarEvents(m: MeetingHarness, email: string) {
  const a = (await m.h.store.getAccount(email))!;
  const cal = (await m.h.store.findFolderByRole(a.id, 'calendar'))!;
  return { cal, items: await m.h.store.listItems(cal.id) };
}

const meetingResponse = (requests: WbxmlElement[][]) => el(MR, 'MeetingResponse', requests.map((r) => el(MR, 'Request', r)));
const resultsOf = (doc: WbxmlElement | null) => children(doc!, 'Result', MR);

/** The attendee's PARTSTAT in an iCalendar text. */
const partstatOf = (ics: string, email: string) =>
  new RegExp(`ATTENDEE[^\\r\\n]*PARTSTAT=([A-Z-]+)[^\\r\\n]*:mailto:${email.replace(/[.]/g, '\\.')}`, 'i').exec(ics.replace(/\r\n[ \t]/g, ''))?.[1];

describe('meetings over ActiveSync', () => {
  let m: MeetingHarness;
  let n = 0;
  const user = async (prefix: string) => {
    const email = `${prefix}${++n}@example.test`;
    await m.h.addUser(email, PW);
    return email;
  };
  before(async () => { m = await meetingHarness(); });
  after(async () => { await m?.close(); });

  test('an invitation by SMTP is a meeting request (MeetingRequest, GlobalObjId) and a tentative event; accepting replies by iMIP to the outside organizer', async () => {
    const ann = await user('ann');
    const uid = `ext-${n}@remote.example`;
    const ics = invitation({ uid, organizer: 'boss@remote.example', attendee: ann });
    await m.smtp({ from: 'The Boss <boss@remote.example>', to: ann, subject: 'Invitation: Budget review', text: 'Please come.', icalEvent: { method: 'REQUEST', content: ics } });

    // The calendar: one tentative copy, before the phone ever asks.
    const { cal, items } = await calendarEvents(m, ann);
    assert.equal(items.length, 1);
    assert.equal(partstatOf(items[0].content!, ann), 'NEEDS-ACTION');

    const p = await m.phone(ann, PW, `MEET${n}`, '16.1');
    const first = await sync(p, { key: '0', id: p.folders['2'] });
    const key = keyOf(collection(first.doc, p.folders['2']));
    const r = await sync(p, { key, id: p.folders['2'], windowSize: 50, options: [el(B, 'BodyPreference', [el(B, 'Type', '1')])] });
    const add = bySubject(commands(collection(r.doc, p.folders['2'])), /Budget review/);
    const data = appData(add);
    assert.equal(childText(data, 'MessageClass', E), 'IPM.Schedule.Meeting.Request');
    const req = child(data, 'MeetingRequest', E)!;
    assert.ok(req, 'Email:MeetingRequest present');
    assert.equal(childText(req, 'AllDayEvent', E), '0');
    assert.equal(childText(req, 'StartTime', E), '2026-12-15T14:00:00.000Z');
    assert.equal(childText(req, 'EndTime', E), '2026-12-15T15:00:00.000Z');
    assert.equal(childText(req, 'DtStamp', E), '2026-12-01T09:00:00.000Z');
    assert.equal(childText(req, 'InstanceType', E), '0');
    assert.equal(childText(child(req, 'Location', B)!, 'DisplayName', B), 'Room 4', '16.x: AirSyncBase:Location');
    assert.equal(childText(req, 'Organizer', E), '"The Boss" <boss@remote.example>');
    assert.equal(childText(req, 'Reminder', E), '900', 'MS-ASEMAIL Reminder counts seconds');
    assert.equal(childText(req, 'ResponseRequested', E), '1');
    assert.equal(childText(req, 'Sensitivity', E), '0');
    assert.ok(childText(req, 'TimeZone', E), 'a TimeZone blob');
    assert.equal(childText(req, 'MeetingMessageType', E2), '1');
    // [MS-ASEMAIL] 2.2.2.37: CLASSID, zero INSTDATE/NOW/RESERVED, byte count, "vCal-Uid" 01000000 UID NUL.
    const goid = Buffer.from(childText(req, 'GlobalObjId', E)!, 'base64');
    assert.equal(goid.subarray(0, 16).toString('hex').toUpperCase(), '040000008200E00074C5B7101A82E008');
    assert.equal(goid.readUInt32LE(36), goid.length - 40);
    assert.equal(goid.subarray(40, 48).toString('latin1'), 'vCal-Uid');
    assert.equal(goid.subarray(52, goid.length - 1).toString('utf8'), uid);
    if (haveLibwbxml) {
      const xml = wbxml2xml(r.raw);
      // libwbxml names the namespaces its own way (xmlns="Email:"): compare the structure.
      assert.match(xml, /<MessageClass[^>]*>IPM\.Schedule\.Meeting\.Request<\/MessageClass>/);
      const goidText = /<MeetingRequest[^>]*>[\s\S]*<GlobalObjId>([^<]+)<\/GlobalObjId>[\s\S]*<\/MeetingRequest>/.exec(xml)?.[1];
      assert.equal(goidText, childText(req, 'GlobalObjId', E));
      assert.match(xml, /<StartTime>2026-12-15T14:00:00\.000Z<\/StartTime>/);
    }

    // The calendar over ActiveSync: tentative, not yet answered.
    assert.equal(p.folders['8'], String(cal.id), 'the default calendar is the phone\'s type-8 folder');
    const { items: events } = await primed(p, p.folders['8']);
    assert.equal(events.length, 1);
    assert.equal(childText(appData(events[0]), 'BusyStatus', CAL), '1', 'tentative until answered');
    assert.equal(childText(appData(events[0]), 'ResponseType', CAL), '5', 'not responded');

    // Accept, with a note, asking the server to send the response (16.x SendResponse).
    const resp = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(add)),
      el(MR, 'SendResponse', [el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', 'See you there')])]),
    ]]));
    assert.equal(resp.status, 200);
    const [res] = resultsOf(resp.doc);
    assert.equal(childText(res, 'Status', MR), '1');
    assert.equal(childText(res, 'RequestId', MR), serverIdOf(add));
    const event = (await calendarEvents(m, ann)).items[0];
    assert.equal(childText(res, 'CalendarId', MR), `${cal.id}:${event.id}`);
    assert.equal(partstatOf(event.content!, ann), 'ACCEPTED');
    assert.match(event.content!, /X-MICROSOFT-CDO-BUSYSTATUS:BUSY/);
    if (haveLibwbxml) assert.match(wbxml2xml(resp.raw), /<Result>[\s\S]*<Status>1<\/Status>[\s\S]*<CalendarId>[^<]+<\/CalendarId>/);

    // The REPLY leaves through the queue and reaches the organizer's MX.
    await m.flush();
    const got = m.remote.received.filter((x) => x.to.includes('boss@remote.example') && x.bytes.includes(uid));
    assert.equal(got.length, 1, 'one REPLY at the remote MX');
    assert.equal(got[0].from, ann);
    const text = got[0].bytes.toString('utf8');
    assert.match(text, /Content-Type: text\/calendar; charset=utf-8; method=REPLY/i);
    const calPart = /BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/.exec(text.replace(/=\r\n/g, ''))?.[0];
    const reply = new ICAL.Component(ICAL.parse(calPart ?? Buffer.from(/\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n--/.exec(text.split('method=REPLY')[1])![1], 'base64').toString('utf8')));
    assert.equal(reply.getFirstPropertyValue('method'), 'REPLY');
    const v = reply.getFirstSubcomponent('vevent')!;
    assert.equal(v.getFirstPropertyValue('uid'), uid);
    const atts = v.getAllProperties('attendee');
    assert.equal(atts.length, 1, 'only the replying attendee');
    assert.equal(String(atts[0].getFirstValue()).toLowerCase(), `mailto:${ann}`);
    assert.equal(atts[0].getParameter('partstat'), 'ACCEPTED');
    assert.equal(v.getFirstPropertyValue('comment'), 'See you there');
  });

  test('tentative and decline of an outside invitation: tentative stays, decline removes the event; each sends one REPLY', async () => {
    const bea = await user('bea');
    for (const [i, answer, partstat] of [[1, '2', 'TENTATIVE'], [2, '3', 'DECLINED']] as const) {
      const uid = `ext-${n}-${i}@remote.example`;
      await m.smtp({ from: 'boss@remote.example', to: bea, subject: `Invitation ${i}`, text: 'x', icalEvent: { method: 'REQUEST', content: invitation({ uid, organizer: 'boss@remote.example', attendee: bea, summary: `Meeting ${i}` }) } });
    }
    const p = await m.phone(bea, PW, `MEET${n}`, '16.0');
    const items = await inboxItems(p);
    for (const [i, answer, partstat] of [[1, '2', 'TENTATIVE'], [2, '3', 'DECLINED']] as const) {
      const add = bySubject(items, new RegExp(`Invitation ${i}`));
      const r = await p.dev.send('MeetingResponse', meetingResponse([[
        el(MR, 'UserResponse', answer), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(add)), el(MR, 'SendResponse'),
      ]]));
      const [res] = resultsOf(r.doc);
      assert.equal(childText(res, 'Status', MR), '1');
      const uid = `ext-${n}-${i}@remote.example`;
      const events = (await calendarEvents(m, bea)).items.filter((e) => e.uid === uid);
      if (partstat === 'DECLINED') {
        assert.equal(events.length, 0, 'a declined meeting leaves the calendar');
        assert.equal(child(res, 'CalendarId', MR), undefined);
      } else {
        assert.equal(partstatOf(events[0].content!, bea), 'TENTATIVE');
        assert.match(events[0].content!, /X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE/);
      }
      await m.flush();
      const got = m.remote.received.filter((x) => x.bytes.includes(uid) && x.bytes.includes('method=REPLY'));
      assert.equal(got.length, 1, `one REPLY for ${partstat}`);
      assert.match(got[0].bytes.toString('utf8').replace(/\r\n[ \t]/g, ''), new RegExp(`PARTSTAT=${partstat}`));
    }
  });

  test('an organizer inside Hearth (CalDAV): accept, tentative and decline from the phone change the organizer\'s copy, visible over CalDAV', async () => {
    const org = await user('org');
    const cat = await user('cat');
    const orgAcc = (await m.h.store.getAccount(org))!;
    const orgCal = (await m.h.store.findFolderByRole(orgAcc.id, 'calendar'))!;
    const uid = `int-${n}@example.test`;
    const event = invitation({ uid, organizer: org, attendee: cat }).replace('METHOD:REQUEST\r\n', '');
    const put = await m.dav(org, PW, 'PUT', `/dav/calendars/${org}/${orgCal.id}/meet.ics`, event, { 'content-type': 'text/calendar' });
    assert.equal(put.status, 201);
    // CalDAV scheduling put it on the attendee's calendar; no mail was involved.
    const { cal, items } = await calendarEvents(m, cat);
    assert.equal(items.length, 1);
    const p = await m.phone(cat, PW, `MEET${n}`, '16.1');
    const { items: events } = await primed(p, String(cal.id));
    assert.equal(events.length, 1);
    const requestId = serverIdOf(events[0]);
    const orgCopy = async () => (await m.dav(org, PW, 'GET', `/dav/calendars/${org}/${orgCal.id}/meet.ics`)).body;
    for (const [answer, partstat] of [['2', 'TENTATIVE'], ['1', 'ACCEPTED'], ['3', 'DECLINED']] as const) {
      const r = await p.dev.send('MeetingResponse', meetingResponse([[
        el(MR, 'UserResponse', answer), el(MR, 'CollectionId', String(cal.id)), el(MR, 'RequestId', requestId), el(MR, 'SendResponse'),
      ]]));
      assert.equal(childText(resultsOf(r.doc)[0], 'Status', MR), '1', `answer ${partstat}`);
      assert.equal(partstatOf(await orgCopy(), cat), partstat, `the organizer's copy says ${partstat}`);
    }
    assert.equal((await calendarEvents(m, cat)).items.length, 0, 'declined: gone from the attendee calendar');
    // The organizer's schedule inbox got the replies; nothing went out by mail.
    await m.flush();
    assert.equal(m.remote.received.filter((x) => x.bytes.includes(uid)).length, 0);
  });

  test('the same invitation by CalDAV scheduling and by mail is one event; answering the mail item reaches the organizer', async () => {
    const org = await user('org');
    const dan = await user('dan');
    const orgAcc = (await m.h.store.getAccount(org))!;
    const orgCal = (await m.h.store.findFolderByRole(orgAcc.id, 'calendar'))!;
    const uid = `dup-${n}@example.test`;
    const ics = invitation({ uid, organizer: org, attendee: dan });
    assert.equal((await m.dav(org, PW, 'PUT', `/dav/calendars/${org}/${orgCal.id}/dup.ics`, ics.replace('METHOD:REQUEST\r\n', ''), { 'content-type': 'text/calendar' })).status, 201);
    await m.smtp({ from: org, to: dan, subject: 'Invitation: Budget review', text: 'also by mail', icalEvent: { method: 'REQUEST', content: ics } });
    assert.equal((await calendarEvents(m, dan)).items.filter((e) => e.uid === uid).length, 1, 'no duplicate');
    const p = await m.phone(dan, PW, `MEET${n}`, '16.1');
    const add = bySubject(await inboxItems(p), /Budget review/);
    const r = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(add)), el(MR, 'SendResponse'),
    ]]));
    assert.equal(childText(resultsOf(r.doc)[0], 'Status', MR), '1');
    assert.equal(partstatOf((await m.dav(org, PW, 'GET', `/dav/calendars/${org}/${orgCal.id}/dup.ics`)).body, dan), 'ACCEPTED');
  });

  test('a cancellation by SMTP is IPM.Schedule.Meeting.Canceled and removes the tentative event', async () => {
    const eve = await user('eve');
    const uid = `cancel-${n}@remote.example`;
    await m.smtp({ from: 'boss@remote.example', to: eve, subject: 'Invitation: Standup', text: 'x', icalEvent: { method: 'REQUEST', content: invitation({ uid, organizer: 'boss@remote.example', attendee: eve, summary: 'Standup' }) } });
    assert.equal((await calendarEvents(m, eve)).items.length, 1);
    await m.smtp({ from: 'boss@remote.example', to: eve, subject: 'Cancelled: Standup', text: 'x', icalEvent: { method: 'CANCEL', content: invitation({ uid, organizer: 'boss@remote.example', attendee: eve, summary: 'Standup', method: 'CANCEL', sequence: 1, extra: 'STATUS:CANCELLED' }) } });
    assert.equal((await calendarEvents(m, eve)).items.length, 0);
    const p = await m.phone(eve, PW, `MEET${n}`, '14.1');
    const items = await inboxItems(p);
    const cancel = appData(bySubject(items, /Cancelled/));
    assert.equal(childText(cancel, 'MessageClass', E), 'IPM.Schedule.Meeting.Canceled');
    const req = child(cancel, 'MeetingRequest', E)!;
    assert.equal(childText(req, 'Location', E), 'Room 4', '14.1: Email:Location');
    assert.equal(childText(req, 'MeetingMessageType', E2), '0');
    // A cancellation is not something to answer.
    const r = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(bySubject(items, /Cancelled/))),
    ]]));
    assert.equal(childText(resultsOf(r.doc)[0], 'Status', MR), '2');
  });

  test('14.1: MeetingResponse answers the calendar but sends nothing (the client mails its own response); recurring requests carry Recurrences; InstanceId declines one occurrence', async () => {
    const fay = await user('fay');
    const uid = `weekly-${n}@remote.example`;
    await m.smtp({ from: 'boss@remote.example', to: fay, subject: 'Invitation: Weekly', text: 'x', icalEvent: { method: 'REQUEST', content: invitation({ uid, organizer: 'boss@remote.example', attendee: fay, summary: 'Weekly', extra: 'RRULE:FREQ=WEEKLY;COUNT=4' }) } });
    const p = await m.phone(fay, PW, `MEET${n}`, '14.1');
    const add = bySubject(await inboxItems(p), /Weekly/);
    const req = child(appData(add), 'MeetingRequest', E)!;
    assert.equal(childText(req, 'InstanceType', E), '1');
    const rec = child(child(req, 'Recurrences', E)!, 'Recurrence', E)!;
    assert.equal(childText(rec, 'Type', E), '1');
    assert.equal(childText(rec, 'Occurrences', E), '4');
    const before = m.remote.received.length;
    const r = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(add)),
    ]]));
    assert.equal(childText(resultsOf(r.doc)[0], 'Status', MR), '1');
    const { cal, items } = await calendarEvents(m, fay);
    assert.equal(partstatOf(items[0].content!, fay), 'ACCEPTED');
    // Decline the second occurrence from the calendar item.
    const r2 = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '3'), el(MR, 'CollectionId', String(cal.id)), el(MR, 'RequestId', `${cal.id}:${items[0].id}`),
      el(MR, 'InstanceId', '2026-12-22T14:00:00.000Z'),
    ]]));
    const [res2] = resultsOf(r2.doc);
    assert.equal(childText(res2, 'Status', MR), '1');
    assert.equal(childText(res2, 'InstanceId', MR), '2026-12-22T14:00:00.000Z');
    const after = (await calendarEvents(m, fay)).items[0].content!;
    assert.match(after, /^EXDATE:20261222T140000Z\r?$/m);
    assert.equal(partstatOf(after, fay), 'ACCEPTED', 'the series stays accepted');
    await m.flush();
    assert.equal(m.remote.received.length, before, 'no REPLY sent by the server before 16.0');
  });

  test('bad requests answer Status 2 per Result and change nothing', async () => {
    const gus = await user('gus');
    const uid = `bad-${n}@remote.example`;
    await m.smtp({ from: 'boss@remote.example', to: gus, subject: 'Invitation: Bad', text: 'x', icalEvent: { method: 'REQUEST', content: invitation({ uid, organizer: 'boss@remote.example', attendee: gus, summary: 'Bad' }) } });
    await m.smtp({ from: 'friend@remote.example', to: gus, subject: 'Just mail', text: 'hello' });
    const { cal } = await calendarEvents(m, gus);
    // The user's own meeting (organizer = user).
    const mine = await m.h.store.createItem({ folderId: cal.id, name: 'mine.ics', uid: 'mine-1', content: invitation({ uid: 'mine-1', organizer: gus, attendee: 'x@remote.example' }).replace('METHOD:REQUEST\r\n', ''), contentType: 'text/calendar' });
    const p = await m.phone(gus, PW, `MEET${n}`, '14.1');
    const items = await inboxItems(p);
    const invite = serverIdOf(bySubject(items, /Bad/));
    const plain = serverIdOf(bySubject(items, /Just mail/));
    const before = (await calendarEvents(m, gus)).items.map((i) => `${i.id}:${i.modseq}`).sort();
    const r = await p.dev.send('MeetingResponse', meetingResponse([
      [el(MR, 'UserResponse', '7'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', invite)],
      [el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', plain)],
      [el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', invite), el(MR, 'InstanceId', '2026-12-15T14:00:00.000Z')],
      [el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', String(cal.id)), el(MR, 'RequestId', `${cal.id}:${mine.id}`)],
      [el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', '999999'), el(MR, 'RequestId', '999999:1')],
      [el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', 'garbage')],
    ]));
    assert.equal(r.status, 200);
    assert.deepEqual(resultsOf(r.doc).map((x) => childText(x, 'Status', MR)), ['2', '2', '2', '2', '2', '2']);
    assert.deepEqual((await calendarEvents(m, gus)).items.map((i) => `${i.id}:${i.modseq}`).sort(), before);
    // A request without any Request element, and one that is not a MeetingResponse at all.
    const empty = await p.dev.send('MeetingResponse', el(MR, 'MeetingResponse'));
    assert.equal(childText(resultsOf(empty.doc)[0], 'Status', MR), '2');
    const wrong = await p.dev.send('MeetingResponse', el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]));
    assert.equal(wrong.status, 200);
    assert.equal(childText(resultsOf(wrong.doc)[0], 'Status', MR), '2');
  });

  test('a phone\'s own invitation to an outside attendee (SendMail with text/calendar) leaves through the queue intact', async () => {
    const hal = await user('hal');
    const p = await m.phone(hal, PW, `MEET${n}`, '14.1');
    const uid = `phone-${n}@example.test`;
    const ics = invitation({ uid, organizer: hal, attendee: 'guest@remote.example' });
    const mime = [
      `From: ${hal}`, 'To: guest@remote.example', 'Subject: Invitation from the phone', 'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Come along.',
      '--b1', 'Content-Type: text/calendar; charset=utf-8; method=REQUEST', 'Content-Transfer-Encoding: 7bit', '', ics.trimEnd(), '--b1--', '',
    ].join('\r\n');
    const r = await p.dev.send('SendMail', el('ComposeMail', 'SendMail', [el('ComposeMail', 'ClientId', `c-${n}`), el('ComposeMail', 'Mime', mime)]));
    assert.equal(r.status, 200);
    await m.flush();
    const got = m.remote.received.filter((x) => x.to.includes('guest@remote.example') && x.bytes.includes(uid));
    assert.equal(got.length, 1);
    assert.ok(got[0].bytes.toString('utf8').includes(ics.trimEnd()), 'the calendar part arrives byte for byte');
    assert.match(got[0].bytes.toString('utf8'), /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
  });
  test('16.x: a meeting the phone creates with attendees is sent by the server (inside: CalDAV path, outside: iMIP); deleting it cancels; 14.1 sends nothing', async () => {
    const olga = await user('olga');
    const ivy = await user('ivy');
    const meetingAdd = (clientId: string, subject: string) => el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [
      el(CAL, 'AllDayEvent', '0'), el(CAL, 'BusyStatus', '2'), el(CAL, 'DtStamp', '20261201T080000Z'),
      el(CAL, 'EndTime', '20261218T110000Z'), el(CAL, 'StartTime', '20261218T100000Z'), el(CAL, 'Subject', subject),
      el(CAL, 'Attendees', [
        el(CAL, 'Attendee', [el(CAL, 'Email', ivy), el(CAL, 'Name', 'Ivy'), el(CAL, 'AttendeeType', '1')]),
        el(CAL, 'Attendee', [el(CAL, 'Email', 'guest@remote.example'), el(CAL, 'Name', 'Guest'), el(CAL, 'AttendeeType', '1')]),
      ]),
      el(CAL, 'MeetingStatus', '1'),
    ])]);
    // 16.1: the server sends.
    const p = await m.phone(olga, PW, `MEET${n}`, '16.1');
    const calId = p.folders['8'];
    const { key } = await primed(p, calId);
    const r = await sync(p, { key, id: calId, getChanges: false, commands: [meetingAdd('m1', 'Kickoff from the phone')] });
    const add = responses(collection(r.doc, calId), 'Add')[0];
    assert.equal(childText(add, 'Status', AS), '1');
    const stored = (await m.h.store.getItem(Number(childText(add, 'ServerId', AS)!.split(':')[1])))!;
    assert.match(stored.content!, new RegExp(`ORGANIZER:mailto:${olga}`), 'the server made the user the organizer');
    const inIvy = (await calendarEvents(m, ivy)).items.filter((e) => e.uid === stored.uid);
    assert.equal(inIvy.length, 1, 'the internal attendee has the meeting');
    await m.flush();
    const sent = m.remote.received.filter((x) => x.to.includes('guest@remote.example') && x.bytes.includes(stored.uid!));
    assert.equal(sent.length, 1);
    assert.match(sent[0].bytes.toString('utf8'), /method=REQUEST/);
    // Deleting it cancels it for both.
    const key2 = keyOf(collection(r.doc, calId));
    const d = await sync(p, { key: key2, id: calId, getChanges: false, commands: [el(AS, 'Delete', [el(AS, 'ServerId', childText(add, 'ServerId', AS)!)])] });
    assert.equal(collection(d.doc, calId) !== undefined, true);
    assert.equal((await calendarEvents(m, ivy)).items.filter((e) => e.uid === stored.uid).length, 0, 'cancelled inside');
    await m.flush();
    assert.equal(m.remote.received.filter((x) => x.bytes.includes(stored.uid!) && x.bytes.includes('method=CANCEL')).length, 1, 'cancelled outside');

    // 14.1: the client sends its own invitations; the server stays quiet.
    const p14 = await m.phone(olga, PW, `MEETB${n}`, '14.1');
    const k14 = (await primed(p14, calId)).key;
    const r14 = await sync(p14, { key: k14, id: calId, getChanges: false, commands: [meetingAdd('m2', 'Quiet one')] });
    const add14 = responses(collection(r14.doc, calId), 'Add')[0];
    const item14 = (await m.h.store.getItem(Number(childText(add14, 'ServerId', AS)!.split(':')[1])))!;
    await m.flush();
    assert.equal(m.remote.received.filter((x) => x.bytes.includes(item14.uid!)).length, 0);
    assert.equal((await calendarEvents(m, ivy)).items.filter((e) => e.uid === item14.uid).length, 0);
  });
  test('16.x: a tentative answer to one occurrence adds an override and replies for that occurrence only', async () => {
    const jon = await user('jon');
    const uid = `occ-${n}@remote.example`;
    await m.smtp({ from: 'boss@remote.example', to: jon, subject: 'Invitation: Series', text: 'x', icalEvent: { method: 'REQUEST', content: invitation({ uid, organizer: 'boss@remote.example', attendee: jon, summary: 'Series', extra: 'RRULE:FREQ=WEEKLY;COUNT=4' }) } });
    const p = await m.phone(jon, PW, `MEET${n}`, '16.1');
    const { cal, items } = await calendarEvents(m, jon);
    const r = await p.dev.send('MeetingResponse', meetingResponse([[
      el(MR, 'UserResponse', '2'), el(MR, 'CollectionId', String(cal.id)), el(MR, 'RequestId', `${cal.id}:${items[0].id}`),
      el(MR, 'InstanceId', '2026-12-29T14:00:00.000Z'), el(MR, 'SendResponse'),
    ]]));
    assert.equal(childText(resultsOf(r.doc)[0], 'Status', MR), '1');
    const stored = (await calendarEvents(m, jon)).items[0].content!;
    assert.match(stored, /^RECURRENCE-ID:20261229T140000Z\r?$/m);
    assert.equal((stored.match(/^BEGIN:VEVENT/gm) ?? []).length, 2, 'master and one override');
    await m.flush();
    const got = m.remote.received.filter((x) => x.bytes.includes(uid) && x.bytes.includes('method=REPLY'));
    assert.equal(got.length, 1);
    const text = got[0].bytes.toString('utf8');
    const ics = /BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/.exec(text)?.[0]
      ?? Buffer.from(/\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n--/.exec(text.split('method=REPLY')[1])![1], 'base64').toString('utf8');
    const v = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    assert.equal(v.getFirstPropertyValue('recurrence-id')!.toString(), '2026-12-29T14:00:00Z');
    assert.equal(v.getFirstPropertyValue('dtstart')!.toString(), '2026-12-29T14:00:00Z');
    assert.equal(v.hasProperty('rrule'), false);
    assert.equal(v.getFirstProperty('attendee')!.getParameter('partstat'), 'TENTATIVE');
  });
  test('hostile calendar parts: the message syncs as an ordinary email, the calendar is untouched', async () => {
    const kai = await user('kai');
    const broken = [
      ['not iCalendar', 'this is not a calendar'],
      ['method mismatch', invitation({ uid: `mm-${n}@remote.example`, organizer: 'boss@remote.example', attendee: kai, method: 'PUBLISH' })],
      ['no UID', invitation({ uid: '', organizer: 'boss@remote.example', attendee: kai })],
      ['bad dates', invitation({ uid: `bd-${n}@remote.example`, organizer: 'boss@remote.example', attendee: kai }).replace('DTSTART:20261215T140000Z', 'DTSTART:2026-99-99')],
    ];
    for (const [what, content] of broken) {
      await m.smtp({ from: 'boss@remote.example', to: kai, subject: `Hostile ${what}`, text: 'x', alternatives: [{ contentType: 'text/calendar; charset=utf-8; method=REQUEST', content }] });
    }
    const p = await m.phone(kai, PW, `MEET${n}`, '16.1');
    const items = await inboxItems(p);
    assert.equal(items.length, broken.length);
    for (const [what] of broken) {
      const data = appData(bySubject(items, new RegExp(`Hostile ${what}`)));
      assert.equal(child(data, 'MeetingRequest', E), undefined, what);
      assert.notEqual(childText(data, 'MessageClass', E), 'IPM.Schedule.Meeting.Canceled', what);
    }
    assert.equal((await calendarEvents(m, kai)).items.length, 0);
  });
});
