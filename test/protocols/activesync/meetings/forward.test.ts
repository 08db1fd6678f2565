/**
 * 16.x SmartForward of a calendar item ([MS-ASCMD] 2.2.3.169) at the wire level: a phone forwards
 * a meeting with Forwardees and an airsyncbase:Body instead of MIME. A forwardee inside Hearth gets
 * the iMIP REQUEST by local delivery (a mail in the Inbox and a tentative event), one outside gets
 * it from the outbound queue at a second SMTP server on loopback; the organizer's stored event
 * takes the forwardees as attendees, an attendee's copy stays as it was; one occurrence
 * (InstanceId) goes as an override. Malformed requests answer the ComposeMail statuses and send
 * nothing. The Forwardees tokens are 16.x-only (libwbxml 0.11.8 does not know them), so the
 * requests are encoded with the project's codec.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { childText, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { AS, collection, primed, responses, sync } from '../sync/helpers.js';
import { meetingHarness, type MeetingHarness } from './harness.js';

const PW = 'Secret-pass-1';
const CM = 'ComposeMail';
const CAL = 'Calendar';
const B = 'AirSyncBase';

const forward = (o: { folderId: string; itemId: string; instanceId?: string; to: { email: string; name?: string }[]; note?: string; extra?: WbxmlElement[]; root?: string }) =>
  el(CM, o.root ?? 'SmartForward', [
    el(CM, 'ClientId', `fw-${Math.random().toString(36).slice(2)}`),
    el(CM, 'Source', [el(CM, 'FolderId', o.folderId), el(CM, 'ItemId', o.itemId), ...(o.instanceId ? [el(CM, 'InstanceId', o.instanceId)] : [])]),
    ...(o.extra ?? []),
    ...(o.note !== undefined ? [el(B, 'Body', [el(B, 'Type', '1'), el(B, 'Data', o.note)])] : []),
    ...(o.to.length ? [el(CM, 'Forwardees', o.to.map((f) => el(CM, 'Forwardee', [el(CM, 'ForwardeeEmail', f.email), ...(f.name ? [el(CM, 'ForwardeeName', f.name)] : [])])))] : []),
  ]);

/** The VEVENTs of an iCalendar text. */
const events = (ics: string) => new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
const attendees = (c: InstanceType<typeof ICAL.Component>) => c.getAllProperties('attendee').map((p) => String(p.getFirstValue()).replace(/^mailto:/i, '').toLowerCase());
/** The text/calendar part of a received iMIP message (7bit or base64, as nodemailer wrote it). */
function calendarOf(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const plain = /BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/.exec(text)?.[0];
  if (plain) return plain;
  const part = text.split(/Content-Type: text\/calendar[^\r\n]*/)[1];
  return Buffer.from(/\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n(?:--|\r\n)/.exec(part)![1], 'base64').toString('utf8');
}
/** The decoded text/plain part of a received iMIP message. */
function plainOf(bytes: Buffer): string {
  const part = bytes.toString('utf8').split(/Content-Type: text\/plain[^\r\n]*/)[1];
  const body = part.split(/\r\n\r\n/)[1].split(/\r\n--/)[0];
  return /Content-Transfer-Encoding: base64/i.test(part.split(/\r\n\r\n/)[0]) ? Buffer.from(body, 'base64').toString('utf8') : body;
}

describe('16.x SmartForward of a calendar item (Forwardees)', () => {
  let m: MeetingHarness;
  let n = 0;
  const user = async (prefix: string) => {
    const email = `${prefix}${++n}@example.test`;
    await m.h.addUser(email, PW);
    return email;
  };
  const calendarOfUser = async (email: string) => {
    const a = (await m.h.store.getAccount(email))!;
    const cal = (await m.h.store.findFolderByRole(a.id, 'calendar'))!;
    return { account: a, cal, items: await m.h.store.listItems(cal.id) };
  };
  before(async () => { m = await meetingHarness(); });
  after(async () => { await m?.close(); });

  test('the organizer forwards a meeting: inside by local delivery (mail + tentative event), outside by the queue; the stored event takes the forwardees; a copy in Sent', async () => {
    const olga = await user('olga');
    const ivy = await user('ivy');
    const pat = await user('pat');
    const p = await m.phone(olga, PW, `FWD${n}`, '16.1');
    const calId = p.folders['8'];
    const { key } = await primed(p, calId);
    const r = await sync(p, { key, id: calId, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'm1'), el(AS, 'ApplicationData', [
      el(CAL, 'AllDayEvent', '0'), el(CAL, 'BusyStatus', '2'), el(CAL, 'DtStamp', '20261201T080000Z'),
      el(CAL, 'EndTime', '20261218T110000Z'), el(CAL, 'StartTime', '20261218T100000Z'), el(CAL, 'Subject', 'Roadmap review'),
      el(CAL, 'Attendees', [el(CAL, 'Attendee', [el(CAL, 'Email', ivy), el(CAL, 'Name', 'Ivy'), el(CAL, 'AttendeeType', '1')])]),
      el(CAL, 'MeetingStatus', '1'),
    ])])] });
    const serverId = childText(responses(collection(r.doc, calId), 'Add')[0], 'ServerId', AS)!;
    const itemId = Number(serverId.split(':')[1]);
    const uid = (await m.h.store.getItem(itemId))!.uid!;
    await m.flush();
    const before = m.remote.received.length;

    const fw = await p.dev.send('SmartForward', forward({
      folderId: calId, itemId: serverId, note: 'Pat, Gus: please join us.',
      to: [{ email: pat, name: 'Pat' }, { email: 'gus@remote.example', name: 'Gus Outside' }],
    }));
    assert.equal(fw.status, 200);
    assert.equal(fw.doc, null, 'success is an empty answer');

    // Inside: a mail in Pat's Inbox and a tentative copy of the meeting in Pat's calendar.
    const patCal = await calendarOfUser(pat);
    const copy = patCal.items.find((i) => i.uid === uid);
    assert.ok(copy, 'the forwardee inside has the meeting');
    const ev = events(copy.content!)[0];
    assert.equal(String(ev.getFirstPropertyValue('organizer')).toLowerCase(), `mailto:${olga}`);
    const patAtt = ev.getAllProperties('attendee').find((a) => String(a.getFirstValue()).toLowerCase() === `mailto:${pat}`)!;
    assert.equal(patAtt.getParameter('partstat'), 'NEEDS-ACTION');
    const inbox = (await m.h.store.findFolderByRole(patCal.account.id, 'inbox'))!;
    const mails = await m.h.store.listMessages(inbox.id);
    assert.equal(mails.filter((x) => x.parsed.subject === 'Fw: Roadmap review').length, 1);

    // Outside: one iMIP REQUEST through the queue, the note in its text, both forwardees named.
    await m.flush();
    const got = m.remote.received.slice(before).filter((x) => x.to.includes('gus@remote.example'));
    assert.equal(got.length, 1);
    assert.match(got[0].bytes.toString('utf8'), /method=REQUEST/);
    assert.match(plainOf(got[0].bytes), /Pat, Gus: please join us\./);
    const sent = events(calendarOf(got[0].bytes));
    assert.equal(sent.length, 1);
    assert.equal(sent[0].getFirstPropertyValue('uid'), uid);
    assert.deepEqual(new Set(attendees(sent[0])), new Set([ivy, pat, 'gus@remote.example']));
    const gus = sent[0].getAllProperties('attendee').find((a) => /gus@/.test(String(a.getFirstValue())))!;
    assert.equal(gus.getParameter('cn'), 'Gus Outside');
    assert.equal(gus.getParameter('rsvp'), 'TRUE');
    // Ivy, already invited, hears nothing new.
    assert.equal(m.remote.received.slice(before).filter((x) => x.to.includes(ivy)).length, 0);

    // The organizer's event now lists the forwardees, so later updates reach them.
    const stored = (await m.h.store.getItem(itemId))!;
    assert.deepEqual(new Set(attendees(events(stored.content!)[0])), new Set([ivy, pat, 'gus@remote.example']));
    // And the forward is in Sent.
    const sentFolder = (await m.h.store.findFolderByRole((await m.h.store.getAccount(olga))!.id, 'sent'))!;
    assert.equal((await m.h.store.listMessages(sentFolder.id)).filter((x) => x.parsed.subject === 'Fw: Roadmap review').length, 1);
  });

  test('an attendee forwards one occurrence: an override with its RECURRENCE-ID goes out; the attendee\'s copy is unchanged', async () => {
    const jon = await user('jon');
    const quin = await user('quin');
    const uid = `series-${n}@remote.example`;
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Remote Corp//Calendar 1.0//EN', 'METHOD:REQUEST',
      'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T090000Z', 'DTSTART:20261215T140000Z', 'DTEND:20261215T150000Z',
      'RRULE:FREQ=WEEKLY;COUNT=4', 'SUMMARY:Weekly sync', 'ORGANIZER;CN=The Boss:mailto:boss@remote.example',
      `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${jon}`, 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    await m.smtp({ from: 'boss@remote.example', to: jon, subject: 'Invitation: Weekly sync', text: 'x', icalEvent: { method: 'REQUEST', content: ics } });
    const p = await m.phone(jon, PW, `FWD${n}`, '16.1');
    const { cal, items } = await calendarOfUser(jon);
    assert.equal(items.length, 1);
    const mine = items[0].content;
    const fw = await p.dev.send('SmartForward', forward({
      folderId: String(cal.id), itemId: `${cal.id}:${items[0].id}`, instanceId: '2026-12-29T14:00:00.000Z', to: [{ email: quin }],
    }));
    assert.equal(fw.status, 200);
    const copy = (await calendarOfUser(quin)).items.find((i) => i.uid === uid);
    assert.ok(copy, 'the forwardee has the occurrence');
    const [occ] = events(copy.content!);
    assert.equal(occ.getFirstPropertyValue('recurrence-id')!.toString(), '2026-12-29T14:00:00Z');
    assert.equal(occ.getFirstPropertyValue('dtstart')!.toString(), '2026-12-29T14:00:00Z');
    assert.equal(occ.hasProperty('rrule'), false);
    assert.equal(String(occ.getFirstPropertyValue('organizer')).toLowerCase(), 'mailto:boss@remote.example', 'the organizer stays the organizer');
    assert.equal((await m.h.store.getItem(items[0].id))!.content, mine, 'an attendee\'s forward leaves the stored copy alone');
  });

  test('malformed forwards answer ComposeMail statuses (101, 116, 119, 150) and send nothing', async () => {
    const kim = await user('kim');
    const lee = await user('lee');
    const p = await m.phone(kim, PW, `FWD${n}`, '16.1');
    const calId = p.folders['8'];
    const { key } = await primed(p, calId);
    const r = await sync(p, { key, id: calId, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'e1'), el(AS, 'ApplicationData', [
      el(CAL, 'AllDayEvent', '0'), el(CAL, 'DtStamp', '20261201T080000Z'), el(CAL, 'StartTime', '20261220T100000Z'),
      el(CAL, 'EndTime', '20261220T110000Z'), el(CAL, 'Subject', 'Solo appointment'),
    ])])] });
    const serverId = childText(responses(collection(r.doc, calId), 'Add')[0], 'ServerId', AS)!;
    const itemId = Number(serverId.split(':')[1]);
    const storedBefore = (await m.h.store.getItem(itemId))!.content;
    await m.flush();
    const sentBefore = m.remote.received.length;
    const status = async (body: WbxmlElement, version?: string) => {
      const dev = version ? (await m.phone(kim, PW, `FWDV${n}${version}`, version)).dev : p.dev;
      const res = await dev.send(body.tag, body);
      assert.equal(res.status, 200);
      return childText(res.doc!, 'Status', CM);
    };
    const to = [{ email: lee }];
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to, extra: [el(CM, 'Mime', 'Subject: x\r\n\r\nbody')] })), '101', 'Mime with Forwardees');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to, extra: [el(CM, 'SaveInSentItems')] })), '101', 'SaveInSentItems with Forwardees');
    assert.equal(await status(forward({ folderId: p.folders['2'], itemId: `${p.folders['2']}:1`, to })), '101', 'a mail source');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to, root: 'SendMail' })), '101', 'Forwardees in SendMail');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to: [], note: 'hi' })), '119', 'no forwardees');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to: [{ email: 'not an address' }] })), '116', 'not an address');
    assert.equal(await status(forward({ folderId: calId, itemId: `${calId}:99999999`, to })), '150', 'no such item');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to, instanceId: '2026-12-21T10:00:00.000Z' })), '150', 'not an occurrence');
    assert.equal(await status(forward({ folderId: calId, itemId: serverId, to }), '14.1'), '101', 'before 16.0');
    // Nothing went anywhere, nothing changed.
    assert.equal((await calendarOfUser(lee)).items.length, 0);
    await m.flush();
    assert.equal(m.remote.received.length, sentBefore);
    assert.equal((await m.h.store.getItem(itemId))!.content, storedBefore);
    // A plain appointment forwarded becomes the user's meeting with the forwardee as attendee.
    assert.equal((await p.dev.send('SmartForward', forward({ folderId: calId, itemId: serverId, to }))).status, 200);
    const now = events((await m.h.store.getItem(itemId))!.content!)[0];
    assert.equal(String(now.getFirstPropertyValue('organizer')).toLowerCase(), `mailto:${kim}`);
    assert.deepEqual(attendees(now), [lee]);
    assert.equal((await calendarOfUser(lee)).items.length, 1);
  });
});
