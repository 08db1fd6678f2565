/**
 * A meeting message (iMIP, RFC 6047: a text/calendar part with METHOD, alone or inside
 * multipart/alternative or multipart/mixed) as ActiveSync shows it: the MessageClass
 * IPM.Schedule.Meeting.Request / .Canceled / .Resp.Pos|Tent|Neg ([MS-ASEMAIL] 2.2.2.49, [MS-OXOCAL]
 * 2.2.6-2.2.8) and, for a request or a cancellation to an attendee, the Email:MeetingRequest
 * container ([MS-ASEMAIL] 2.2.2.48). Its values come from the Calendar conversion of the same
 * iCalendar (./calendar.ts), so the request and the calendar item agree (times, zone, recurrence).
 *
 * Kept apart from ./email.ts, which calls meetingOf() once per message: messages without a
 * text/calendar part cost one walk of the cached MIME tree.
 */
import type { MailMessage } from '../../../src/model/mail.js';
import { decodedText } from '../../../src/mail/part-content.js';
import { calendarPart, itipFromText, MAX_IMIP_PART_BYTES } from '../../../src/mail/imip/incoming.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { icalToEasEvent } from './calendar.js';
import { get, parseEasDate } from './util.js';

type ReadBytes = (range: { start: number; end: number }) => Promise<Buffer>;

export interface MeetingMessage {
  messageClass: string;
  /** Email:MeetingRequest, for a REQUEST or CANCEL to someone other than the organizer. */
  element: WbxmlElement | null;
}

const E = 'Email';
const E2 = 'Email2';
const CAL = 'Calendar';

/** [MS-ASEMAIL] 2.2.2.37 GlobalObjId, CLASSID: the PidLidGlobalObjectId byte array id. */
const CLASS_ID = Buffer.from('040000008200E00074C5B7101A82E008', 'hex');

/**
 * [MS-ASEMAIL] 2.2.2.37 GlobalObjId of a UID, base64: an Outlook UID (the hex of a global
 * object id, [MS-OXCICAL] 2.1.3.1.1.20.26) is its own bytes; any other UID is wrapped as
 * "vCal-Uid" data. NOW and RESERVED are zero, as in [MS-ASEMAIL] 4.3 example 2, so the value is
 * stable from one Sync to the next. INSTDATE names the occurrence of a single-instance request.
 */
export function globalObjId(uid: string, instance?: { year: number; month: number; day: number }): string {
  let out: Buffer;
  if (/^040000008200E00074C5B7101A82E008(?:[0-9A-F]{2})+$/i.test(uid) && uid.length >= 80) {
    out = Buffer.from(uid, 'hex');
  } else {
    const data = Buffer.concat([Buffer.from('vCal-Uid', 'latin1'), Buffer.from([1, 0, 0, 0]), Buffer.from(uid, 'utf8'), Buffer.from([0])]);
    const head = Buffer.alloc(40);
    CLASS_ID.copy(head, 0);
    head.writeUInt32LE(data.length, 36);
    out = Buffer.concat([head, data]);
  }
  if (instance) {
    out.writeUInt16BE(instance.year, 16);
    out.writeUInt8(instance.month, 18);
    out.writeUInt8(instance.day, 19);
  }
  return out.toString('base64');
}

/** Calendar "20261210T100000Z" as Email's dateTime "2026-12-10T10:00:00.000Z" ([MS-ASDTYPE] 2.3). */
function isoOf(compact: string | undefined): string | undefined {
  try {
    const ms = parseEasDate(compact);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  } catch {
    return undefined;
  }
}

const REPLY_CLASS: Record<string, string> = { ACCEPTED: 'IPM.Schedule.Meeting.Resp.Pos', TENTATIVE: 'IPM.Schedule.Meeting.Resp.Tent', DECLINED: 'IPM.Schedule.Meeting.Resp.Neg' };

/** Calendar:Recurrence children as Email:Recurrences ([MS-ASEMAIL] 2.2.2.60). */
function recurrences(rec: WbxmlElement, v: number): WbxmlElement {
  const kids: WbxmlElement[] = [];
  for (const c of rec.children) {
    if (c.tag === 'Until') kids.push(el(E, 'Until', isoOf(c.text) ?? c.text ?? ''));
    else if (c.tag === 'CalendarType' || c.tag === 'IsLeapMonth') { if (v >= 14) kids.push(el(E2, c.tag, c.text ?? '')); }
    else if (c.tag === 'FirstDayOfWeek') { if (v >= 14.1) kids.push(el(E2, c.tag, c.text ?? '')); }
    else kids.push(el(E, c.tag, c.text ?? ''));
  }
  return el(E, 'Recurrences', [el(E, 'Recurrence', kids)]);
}

/** The meeting view of `msg` for a user, or null for an ordinary message. */
export async function meetingOf(msg: MailMessage, read: ReadBytes, o: { protocolVersion: string; userEmail: string }): Promise<MeetingMessage | null> {
  const part = calendarPart(msg.parsed.mime);
  if (!part || part.bodyEnd - part.bodyStart > MAX_IMIP_PART_BYTES) return null;
  let itip;
  try {
    const bytes = await read({ start: part.bodyStart, end: part.bodyEnd });
    itip = itipFromText(await decodedText(bytes, { ...part, bodyStart: 0, bodyEnd: bytes.length }), part);
  } catch {
    return null;
  }
  if (typeof itip === 'string' || itip.main.name !== 'vevent') return null;
  const me = o.userEmail.toLowerCase();
  const organizer = String(itip.main.getFirstPropertyValue('organizer') ?? '').replace(/^mailto:/i, '').trim().toLowerCase();
  if (itip.method === 'REPLY') {
    const att = itip.main.getFirstProperty('attendee');
    const ps = String(att?.getParameter('partstat') ?? '').toUpperCase();
    return REPLY_CLASS[ps] ? { messageClass: REPLY_CLASS[ps], element: null } : null;
  }
  if (itip.method !== 'REQUEST' && itip.method !== 'CANCEL') return null;
  const messageClass = itip.method === 'REQUEST' ? 'IPM.Schedule.Meeting.Request' : 'IPM.Schedule.Meeting.Canceled';
  // The organizer's own copy is not a request to answer ([MS-ASEMAIL] 2.2.2.48: "the client's user is an attendee").
  if (!organizer || organizer === me) return { messageClass, element: null };
  // A UID far beyond any real one (RFC 5545 sets no limit) would make an outsized GlobalObjId.
  if (String(itip.main.getFirstPropertyValue('uid')).length > 2048) return { messageClass, element: null };
  let cal: WbxmlElement[];
  try {
    cal = icalToEasEvent(itip.text.replace(/^METHOD:[^\r\n]*\r?\n/im, ''), { protocolVersion: o.protocolVersion, userEmail: me });
  } catch {
    return null;
  }
  return { messageClass, element: meetingRequestElement(itip, cal, me, o.protocolVersion) };
}

function meetingRequestElement(itip: Exclude<ReturnType<typeof itipFromText>, string>, cal: WbxmlElement[], me: string, version: string): WbxmlElement {
  const v = parseFloat(version);
  const main = itip.main;
  const out: WbxmlElement[] = [];
  const put = (tag: string, value: string | undefined, ns = E) => { if (value !== undefined && value !== '') out.push(el(ns, tag, value)); };
  const calText = (tag: string) => get(cal, tag, CAL);
  // [MS-ASEMAIL] 2.2.2.48 child order.
  put('AllDayEvent', calText('AllDayEvent') ?? '0');
  put('StartTime', isoOf(calText('StartTime')));
  put('DtStamp', isoOf(calText('DtStamp')) ?? new Date().toISOString());
  put('EndTime', isoOf(calText('EndTime')));
  const rec = cal.find((c) => c.ns === CAL && c.tag === 'Recurrence');
  const rid = main.getFirstPropertyValue('recurrence-id');
  // [MS-ASEMAIL] 2.2.2.39 InstanceType: 0 single, 1 recurring master, 2 single instance of a series.
  put('InstanceType', rec ? '1' : rid ? '2' : '0');
  const loc = cal.find((c) => c.tag === 'Location');
  if (loc?.ns === 'AirSyncBase') out.push(loc);
  else put('Location', loc?.text);
  const orgEmail = calText('OrganizerEmail');
  const orgName = calText('OrganizerName');
  if (orgEmail) put('Organizer', orgName ? `"${orgName.replace(/["\\]/g, '')}" <${orgEmail}>` : `<${orgEmail}>`);
  if (rid && typeof rid === 'object' && 'toJSDate' in rid) put('RecurrenceId', (rid as { toJSDate(): Date }).toJSDate().toISOString());
  // [MS-ASEMAIL] 2.2.2.63 Reminder: seconds before the start (Calendar counts minutes).
  const reminder = calText('Reminder');
  if (reminder !== undefined) put('Reminder', String(Number(reminder) * 60));
  const mine = main.getAllProperties('attendee').find((p) => String(p.getFirstValue() ?? '').replace(/^mailto:/i, '').trim().toLowerCase() === me);
  // RFC 5545 §3.2.17: RSVP defaults to FALSE.
  put('ResponseRequested', String(mine?.getParameter('rsvp') ?? '').toUpperCase() === 'TRUE' ? '1' : '0');
  if (rec) out.push(recurrences(rec, v));
  put('Sensitivity', calText('Sensitivity') ?? '0');
  put('BusyStatus', calText('BusyStatus') ?? '2');
  put('TimeZone', calText('Timezone'));
  const uid = String(main.getFirstPropertyValue('uid')).trim();
  const inst = rid && typeof rid === 'object' && 'year' in rid ? (rid as { year: number; month: number; day: number }) : undefined;
  put('GlobalObjId', globalObjId(uid, inst));
  if (v >= 14) put('DisallowNewTimeProposal', calText('DisallowNewTimeProposal') ?? '0');
  // [MS-ASEMAIL] 2.2.2.50 MeetingMessageType (14.1+): 1 a first request, 2 an update (full), 0 otherwise.
  if (v >= 14.1) {
    const seq = Number(main.getFirstPropertyValue('sequence') ?? 0) || 0;
    put('MeetingMessageType', itip.method === 'REQUEST' ? (seq > 0 ? '2' : '1') : '0', E2);
  }
  return el(E, 'MeetingRequest', out);
}
