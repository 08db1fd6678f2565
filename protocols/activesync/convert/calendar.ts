/**
 * [MS-ASCAL] Calendar ApplicationData <-> iCalendar VEVENT (RFC 5545). Mapping table and the
 * choices made (time zones, all-day dates, busy status, exceptions) are in docs/pim.md.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { PimParseError } from '../../../src/pim/errors.js';
import { parseCalendarObject, timeToEpoch } from '../../../src/pim/parse.js';
import { patchObject, type PatchSpec } from '../../../src/pim/patch.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { readBody, writeBody } from './body.js';
import { easRecurrenceToRRule, rruleToEasRecurrence } from './recurrence.js';
import { encodeTimeZone } from './timezone.js';
import { compactUtc, find, get, has, isV16, parseEasDate, put, splitAddress, toInt, type ConvertOptions } from './util.js';
import { type GhostGroup, ghostPlan, injectStored, withoutGhosted } from './ghost.js';
import { blobForZone, fromLocal, icalDate, icalLocal, localParts, offsetFnFor, zoneFromBlob, type EventZone } from './zone.js';

type Component = InstanceType<typeof ICAL.Component>;
const NS = 'Calendar';
const DAY = 86_400_000;
export const PRODID = '-//Hearth//ActiveSync//EN';

/** What an ActiveSync edit owns in a stored event; everything else is kept byte for byte. */
export const CALENDAR_PATCH: PatchSpec = {
  managed: {
    VEVENT: ['DTSTART', 'DTEND', 'DURATION', 'SUMMARY', 'LOCATION', 'DESCRIPTION', 'CLASS', 'TRANSP', 'X-MICROSOFT-CDO-BUSYSTATUS',
      'ORGANIZER', 'ATTENDEE', 'CATEGORIES', 'RRULE', 'EXDATE', 'STATUS', 'X-MICROSOFT-DISALLOW-COUNTER'],
    VALARM: [],
  },
  managedComponents: ['VEVENT', 'VALARM'],
};

/**
 * Which stored properties / components each group of Calendar elements feeds (ghosted properties,
 * ghost.ts). Times, time zone, UID and DtStamp are never ghosted.
 */
export const CALENDAR_GHOSTS: GhostGroup[] = [
  { tags: ['Subject'], props: ['SUMMARY'] },
  { tags: ['Location'], props: ['LOCATION'] },
  { tags: ['Body'], props: ['DESCRIPTION'] },
  { tags: ['Sensitivity'], props: ['CLASS'] },
  { tags: ['BusyStatus'], props: ['TRANSP', 'X-MICROSOFT-CDO-BUSYSTATUS'] },
  { tags: ['OrganizerName', 'OrganizerEmail'], props: ['ORGANIZER'] },
  { tags: ['Attendees'], props: ['ATTENDEE'] },
  { tags: ['Categories'], props: ['CATEGORIES'] },
  { tags: ['Recurrence'], props: ['RRULE'] },
  { tags: ['Exceptions'], props: ['EXDATE'], comps: ['VEVENT'] },
  { tags: ['MeetingStatus'], props: ['STATUS'] },
  { tags: ['DisallowNewTimeProposal'], props: ['X-MICROSOFT-DISALLOW-COUNTER'] },
  { tags: ['Reminder'], props: [], comps: ['VALARM'] },
];

// [MS-ASCAL] 2.2.2.41 Sensitivity <-> RFC 5545 §3.8.1.3 CLASS. 1 (Personal) has no iCalendar
// name: CLASS:X-PERSONAL, which RFC 5545 readers treat as PRIVATE.
const SENSITIVITY_TO_CLASS = ['PUBLIC', 'X-PERSONAL', 'PRIVATE', 'CONFIDENTIAL'];
// [MS-ASCAL] 2.2.2.10 BusyStatus: 0 Free, 1 Tentative, 2 Busy, 3 Out of office, 4 Working elsewhere.
const BUSY_CDO = ['FREE', 'TENTATIVE', 'BUSY', 'OOF', 'WORKINGELSEWHERE'];
// [MS-ASCAL] 2.2.2.4 AttendeeStatus <-> PARTSTAT; 0 "response unknown" is the absence of PARTSTAT.
const STATUS_TO_PARTSTAT: Record<number, string | undefined> = { 2: 'TENTATIVE', 3: 'ACCEPTED', 4: 'DECLINED', 5: 'NEEDS-ACTION' };
const PARTSTAT_TO_STATUS: Record<string, number> = { TENTATIVE: 2, ACCEPTED: 3, DECLINED: 4, 'NEEDS-ACTION': 5 };

// ---------------------------------------------------------------------------------------------
// EAS -> iCalendar

/**
 * iCalendar text for an ActiveSync event. With `existing`, the stored object is patched:
 * properties and components ActiveSync does not know survive byte for byte, as do those of
 * elements the client does not manage (`opts.supported`, ghost.ts).
 */
export function easEventToICal(change: WbxmlElement[], existing?: string, opts?: Partial<ConvertOptions>): string {
  const prior = existing !== undefined ? parseCalendarObject(existing) : undefined;
  const plan = existing !== undefined ? ghostPlan(CALENDAR_GHOSTS, change, opts?.supported) : null;
  const appData = plan
    ? injectStored(change, () => icalToEasEvent(existing!, { protocolVersion: opts?.protocolVersion ?? '16.1', userEmail: opts?.userEmail, timezone: opts?.timezone }), plan)
    : change;
  const spec = plan ? withoutGhosted(CALENDAR_PATCH, 'VEVENT', plan) : CALENDAR_PATCH;
  const startMs = parseEasDate(get(appData, 'StartTime', NS));
  const zone = zoneFromBlob(get(appData, 'Timezone', NS), startMs, opts?.timezone);
  const allDay = get(appData, 'AllDayEvent', NS) === '1';
  const uid = get(appData, 'UID', NS) ?? get(appData, 'ClientUid', NS) ?? prior?.uid ?? randomUUID();

  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('version', '2.0');
  if (zone.vtimezone) cal.addSubcomponent(new ICAL.Component(ICAL.parse(zone.vtimezone) as unknown[]));

  const master = new ICAL.Component('vevent');
  master.addPropertyWithValue('uid', uid);
  const dtstamp = parseEasDate(get(appData, 'DtStamp', NS) ?? get(appData, 'DTStamp', NS)) ?? Date.now();
  master.addProperty(ICAL.Property.fromString(`DTSTAMP:${compactUtc(dtstamp)}`));
  const endMs = parseEasDate(get(appData, 'EndTime', NS));
  writeTimes(master, startMs, endMs, allDay, zone);
  writeCommon(master, appData, opts, prior?.master ?? null);

  // Recurrence ([MS-ASCAL] 2.2.2.39)
  const rec = find(appData, 'Recurrence', NS);
  if (rec && startMs !== undefined) {
    const s = localParts(startMs, zone.offsetAt);
    const rrule = easRecurrenceToRRule(rec.children, NS, {
      start: s, allDay,
      untilToDate: (ms) => icalDate(localParts(ms, zone.offsetAt)),
    });
    if (rrule) master.addProperty(ICAL.Property.fromString(`RRULE:${rrule}`));
  }
  cal.addSubcomponent(master);

  // Exceptions ([MS-ASCAL] 2.2.2.20): Deleted -> EXDATE, others -> RECURRENCE-ID overrides.
  const exceptions = find(appData, 'Exceptions', NS)?.children.filter((c) => c.tag === 'Exception') ?? [];
  const duration = startMs !== undefined && endMs !== undefined ? endMs - startMs : 0;
  for (const ex of exceptions) {
    const original = parseEasDate(get(ex.children, 'ExceptionStartTime', NS) ?? get(ex.children, 'InstanceId', 'AirSyncBase'));
    if (original === undefined) continue;
    if (get(ex.children, 'Deleted', NS) === '1') {
      master.addProperty(timeProp('exdate', original, allDay, zone));
      continue;
    }
    const o = new ICAL.Component('vevent');
    o.addPropertyWithValue('uid', uid);
    o.addProperty(ICAL.Property.fromString(`DTSTAMP:${compactUtc(parseEasDate(get(ex.children, 'DtStamp', NS)) ?? dtstamp)}`));
    o.addProperty(timeProp('recurrence-id', original, allDay, zone));
    const exAllDay = has(ex.children, 'AllDayEvent', NS) ? get(ex.children, 'AllDayEvent', NS) === '1' : allDay;
    const exStart = parseEasDate(get(ex.children, 'StartTime', NS)) ?? original;
    const exEnd = parseEasDate(get(ex.children, 'EndTime', NS)) ?? exStart + duration;
    writeTimes(o, exStart, exEnd, exAllDay, zone);
    // An exception inherits what it does not override ([MS-ASCAL] 2.2.2.19).
    writeCommon(o, [...ex.children, ...appData.filter((m) => !has(ex.children, m.tag, m.ns) && INHERITED.has(m.tag))], opts, null);
    cal.addSubcomponent(o);
  }

  const text = cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
  return existing !== undefined ? patchObject(existing, text, spec) : text;
}

const INHERITED = new Set(['Subject', 'Location', 'Body', 'Sensitivity', 'BusyStatus', 'Reminder', 'Categories', 'OrganizerName', 'OrganizerEmail', 'Attendees', 'MeetingStatus']);

function timeProp(name: string, ms: number, allDay: boolean, zone: EventZone): InstanceType<typeof ICAL.Property> {
  if (allDay) return ICAL.Property.fromString(`${name.toUpperCase()};VALUE=DATE:${icalDate(localParts(ms, zone.offsetAt))}`);
  if (!zone.tzid) return ICAL.Property.fromString(`${name.toUpperCase()}:${compactUtc(ms)}`);
  return ICAL.Property.fromString(`${name.toUpperCase()};TZID=${zone.tzid}:${icalLocal(ms, zone.offsetAt)}`);
}

function writeTimes(c: Component, startMs: number | undefined, endMs: number | undefined, allDay: boolean, zone: EventZone): void {
  if (startMs === undefined) return;
  c.addProperty(timeProp('dtstart', startMs, allDay, zone));
  if (endMs === undefined) return;
  if (allDay) {
    // All-day ends are exclusive dates (RFC 5545 §3.6.1); a device's end that is not local midnight rounds up.
    const s = localParts(startMs, zone.offsetAt);
    const e = localParts(endMs, zone.offsetAt);
    let endDay = Date.UTC(e.year, e.month - 1, e.day) + (e.hour || e.minute || e.second ? DAY : 0);
    if (endDay <= Date.UTC(s.year, s.month - 1, s.day)) endDay = Date.UTC(s.year, s.month - 1, s.day) + DAY;
    const d = new Date(endDay);
    c.addProperty(ICAL.Property.fromString(`DTEND;VALUE=DATE:${icalDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() })}`));
  } else {
    c.addProperty(timeProp('dtend', Math.max(endMs, startMs), false, zone));
  }
}

/** Everything but times, recurrence and exceptions: shared by the master and its exceptions. */
function writeCommon(c: Component, items: WbxmlElement[], opts: Partial<ConvertOptions> | undefined, prior: Component | null): void {
  put2(c, 'summary', get(items, 'Subject', NS));
  const loc16 = find(items, 'Location', 'AirSyncBase');
  put2(c, 'location', loc16 ? get(loc16.children, 'DisplayName', 'AirSyncBase') : get(items, 'Location', NS));
  put2(c, 'description', readBody(items));
  const sens = toInt(get(items, 'Sensitivity', NS));
  if (sens !== undefined && SENSITIVITY_TO_CLASS[sens]) c.addPropertyWithValue('class', SENSITIVITY_TO_CLASS[sens]);
  const busy = toInt(get(items, 'BusyStatus', NS));
  if (busy !== undefined && BUSY_CDO[busy]) {
    c.addPropertyWithValue('transp', busy === 0 || busy === 4 ? 'TRANSPARENT' : 'OPAQUE');
    // TRANSP says free or busy; Outlook's property carries the rest (RFC 5545 has no tentative/OOF).
    if (busy === 1 || busy === 3 || busy === 4) c.addPropertyWithValue('x-microsoft-cdo-busystatus', BUSY_CDO[busy]);
  }
  // Organizer and attendees ([MS-ASCAL] 2.2.2.33/34, 2.2.2.3)
  const orgEmail = get(items, 'OrganizerEmail', NS);
  if (orgEmail) {
    const { name, address } = splitAddress(orgEmail);
    const p = new ICAL.Property('organizer');
    p.setValue(`mailto:${address}`);
    const cn = get(items, 'OrganizerName', NS) ?? name;
    if (cn) p.setParameter('cn', cn);
    c.addProperty(p);
  }
  const attendees = find(items, 'Attendees', NS)?.children.filter((a) => a.tag === 'Attendee') ?? [];
  const user = opts?.userEmail?.toLowerCase();
  // [MS-ASCAL] 2.2.2.33/34: 16.x clients do not send the organizer; the server sets it (the
  // stored one, else the user, who is creating a meeting with attendees).
  if (!orgEmail && attendees.length && isV16(opts?.protocolVersion ?? '') && (prior?.hasProperty('organizer') || user)) {
    c.addProperty(prior?.getFirstProperty('organizer') ? ICAL.Property.fromString(prior.getFirstProperty('organizer')!.toICALString()) : ICAL.Property.fromString(`ORGANIZER:mailto:${user}`));
  }
  const responseType = toInt(get(items, 'ResponseType', NS));
  for (const a of attendees) {
    const email = get(a.children, 'Email', NS);
    if (!email) continue;
    const { name, address } = splitAddress(email);
    const p = new ICAL.Property('attendee');
    p.setValue(`mailto:${address}`);
    const cn = get(a.children, 'Name', NS) ?? name;
    if (cn && cn !== address) p.setParameter('cn', cn);
    let status = toInt(get(a.children, 'AttendeeStatus', NS));
    if (user && address.toLowerCase() === user && responseType !== undefined && responseType >= 2) status = responseType;
    const partstat = status !== undefined ? STATUS_TO_PARTSTAT[status] : undefined;
    if (partstat) p.setParameter('partstat', partstat);
    const type = toInt(get(a.children, 'AttendeeType', NS));
    if (type === 3) { p.setParameter('cutype', 'RESOURCE'); p.setParameter('role', 'NON-PARTICIPANT'); }
    else p.setParameter('role', type === 2 ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
    c.addProperty(p);
  }
  const cats = find(items, 'Categories', NS)?.children.filter((x) => x.tag === 'Category').map((x) => x.text ?? '') ?? [];
  if (cats.length) {
    const p = new ICAL.Property('categories');
    p.setValues(cats);
    c.addProperty(p);
  }
  // MeetingStatus ([MS-ASCAL] 2.2.2.29): the "canceled" bit is STATUS:CANCELLED; the rest follows
  // from ORGANIZER/ATTENDEE and the account's address.
  const ms = toInt(get(items, 'MeetingStatus', NS));
  const priorStatus = prior?.getFirstPropertyValue('status');
  if (ms !== undefined && ms & 4) c.addPropertyWithValue('status', 'CANCELLED');
  else if (typeof priorStatus === 'string' && priorStatus.toUpperCase() !== 'CANCELLED') c.addPropertyWithValue('status', priorStatus);
  if (get(items, 'DisallowNewTimeProposal', NS) === '1') c.addPropertyWithValue('x-microsoft-disallow-counter', 'TRUE');
  // Reminder ([MS-ASCAL] 2.2.2.38): minutes before the start.
  const reminder = toInt(get(items, 'Reminder', NS));
  if (reminder !== undefined && reminder >= 0) {
    const alarm = new ICAL.Component('valarm');
    alarm.addPropertyWithValue('action', 'DISPLAY');
    alarm.addPropertyWithValue('description', 'Reminder');
    alarm.addProperty(ICAL.Property.fromString(`TRIGGER:${reminder === 0 ? 'PT0S' : `-PT${reminder}M`}`));
    c.addSubcomponent(alarm);
  }
}

function put2(c: Component, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') c.addPropertyWithValue(name, value);
}

// ---------------------------------------------------------------------------------------------
// iCalendar -> EAS

/** ApplicationData children for a stored VEVENT object ([MS-ASCAL] 2.2.2 element order). */
export function icalToEasEvent(ics: string, opts: ConvertOptions): WbxmlElement[] {
  const obj = parseCalendarObject(ics);
  if (obj.type !== 'VEVENT') throw new PimParseError('no-component', 'not an event');
  const m = obj.master ?? obj.overrides[0];
  const v16 = isV16(opts.protocolVersion);
  const dtstart = m.getFirstProperty('dtstart');
  const startVal = dtstart?.getFirstValue();
  const allDay = startVal instanceof ICAL.Time && startVal.isDate;
  const tzidParam = dtstart?.getParameter('tzid');
  const tzid = typeof tzidParam === 'string' ? tzidParam : null;
  const isUtc = startVal instanceof ICAL.Time && startVal.zone === ICAL.Timezone.utcTimezone;
  // Floating times and dates are in the account's zone.
  const offsetAt = isUtc ? () => 0 : offsetFnFor(obj.root, tzid, opts.timezone);
  const toMs = (p: InstanceType<typeof ICAL.Property> | null): number | undefined => {
    if (!p) return undefined;
    const v = p.getFirstValue();
    if (!(v instanceof ICAL.Time)) return undefined;
    if (v.isDate || (!v.zone || v.zone === ICAL.Timezone.localTimezone) && !p.getParameter('tzid')) {
      return fromLocal(v.year, v.month, v.day, v.isDate ? 0 : v.hour, v.isDate ? 0 : v.minute, v.isDate ? 0 : v.second, offsetAt);
    }
    return timeToEpoch(obj.root, p) ?? undefined;
  };
  const start = toMs(dtstart ?? null);
  let end = toMs(m.getFirstProperty('dtend'));
  const dur = m.getFirstPropertyValue('duration');
  if (end === undefined && start !== undefined) end = dur instanceof ICAL.Duration ? start + dur.toSeconds() * 1000 : start + (allDay ? DAY : 0);
  const year = new Date(start ?? Date.now()).getUTCFullYear();

  const out: WbxmlElement[] = [];
  const blob = isUtc && !opts.timezone ? blobForZone(obj.root, null, year) : blobForZone(obj.root, tzid, year, opts.timezone);
  out.push(el(NS, 'Timezone', encodeTimeZone(blob)));  // [MS-ASCAL] 2.2.2.46
  out.push(el(NS, 'AllDayEvent', allDay ? '1' : '0'));
  const body = writeBody(text(m, 'description'), opts.bodyPreference);
  if (body) out.push(body);
  out.push(el(NS, 'BusyStatus', String(busyStatus(m))));
  const org = m.getFirstProperty('organizer');
  const orgAddr = org ? mailto(String(org.getFirstValue() ?? '')) : undefined;
  if (org) {
    const cn = org.getParameter('cn');
    put(out, NS, 'OrganizerName', typeof cn === 'string' ? cn : undefined);
    put(out, NS, 'OrganizerEmail', orgAddr);
  }
  const stamp = timeToEpoch(obj.root, m.getFirstProperty('dtstamp'));
  if (stamp !== null) out.push(el(NS, 'DtStamp', compactUtc(stamp)));
  if (end !== undefined) out.push(el(NS, 'EndTime', compactUtc(end)));
  const location = text(m, 'location');
  if (location) out.push(v16 ? el('AirSyncBase', 'Location', [el('AirSyncBase', 'DisplayName', location)]) : el(NS, 'Location', location));
  const reminder = reminderMinutes(obj.root, m);
  if (reminder !== undefined) out.push(el(NS, 'Reminder', String(reminder)));
  const sens = sensitivity(m);
  if (sens !== undefined) out.push(el(NS, 'Sensitivity', String(sens)));
  put(out, NS, 'Subject', text(m, 'summary'));
  if (start !== undefined) out.push(el(NS, 'StartTime', compactUtc(start)));
  out.push(el(NS, 'UID', obj.uid));
  const attendees = m.getAllProperties('attendee');
  out.push(el(NS, 'MeetingStatus', String(meetingStatus(m, orgAddr, opts.userEmail))));
  if (attendees.length) {
    out.push(el(NS, 'Attendees', attendees.map((a) => {
      const kids: WbxmlElement[] = [el(NS, 'Email', mailto(String(a.getFirstValue() ?? '')))];
      const cn = a.getParameter('cn');
      kids.push(el(NS, 'Name', typeof cn === 'string' && cn ? cn : mailto(String(a.getFirstValue() ?? ''))));
      const ps = a.getParameter('partstat');
      const st = typeof ps === 'string' ? PARTSTAT_TO_STATUS[ps.toUpperCase()] : undefined;
      kids.push(el(NS, 'AttendeeStatus', String(st ?? 0)));
      const cutype = a.getParameter('cutype');
      const role = a.getParameter('role');
      const type = typeof cutype === 'string' && /^(RESOURCE|ROOM)$/i.test(cutype) ? 3 : typeof role === 'string' && /^(OPT|NON)-PARTICIPANT$/i.test(role) ? 2 : 1;
      kids.push(el(NS, 'AttendeeType', String(type)));
      return el(NS, 'Attendee', kids);
    })));
  }
  const cats = categories(m);
  if (cats.length) out.push(el(NS, 'Categories', cats.map((x) => el(NS, 'Category', x))));

  // Recurrence
  const rrule = m.getFirstPropertyValue('rrule');
  let recurring = false;
  if (rrule instanceof ICAL.Recur && start !== undefined) {
    const s = localParts(start, offsetAt);
    let untilMs: number | undefined;
    if (rrule.until) {
      const u = rrule.until;
      untilMs = u.isDate ? fromLocal(u.year, u.month, u.day, 0, 0, 0, offsetAt) + (allDay ? 0 : DAY - 1000)
        : u.zone === ICAL.Timezone.utcTimezone ? u.toUnixTime() * 1000 : fromLocal(u.year, u.month, u.day, u.hour, u.minute, u.second, offsetAt);
    }
    const rec = rruleToEasRecurrence(rrule, { start: s, allDay }, { ns: NS, protocolVersion: opts.protocolVersion, untilFormat: 'compact', untilMs });
    if (rec) { out.push(el(NS, 'Recurrence', rec)); recurring = true; }
  }
  // Exceptions
  if (recurring) {
    const exceptions: WbxmlElement[] = [];
    const exId = (ms: number) => (v16 ? el('AirSyncBase', 'InstanceId', compactUtc(ms)) : el(NS, 'ExceptionStartTime', compactUtc(ms)));
    for (const p of m.getAllProperties('exdate')) {
      for (const v of p.getValues()) {
        if (!(v instanceof ICAL.Time)) continue;
        const ms = v.isDate || (!p.getParameter('tzid') && v.zone !== ICAL.Timezone.utcTimezone)
          ? fromLocal(v.year, v.month, v.day, v.isDate ? (startVal as InstanceType<typeof ICAL.Time>).hour : v.hour, v.isDate ? (startVal as InstanceType<typeof ICAL.Time>).minute : v.minute, v.isDate ? 0 : v.second, offsetAt)
          : timeZoneEpoch(obj.root, p, v);
        exceptions.push(el(NS, 'Exception', [el(NS, 'Deleted', '1'), exId(ms)]));
      }
    }
    for (const o of obj.overrides) {
      const rid = toMs(o.getFirstProperty('recurrence-id'));
      if (rid === undefined) continue;
      const kids: WbxmlElement[] = [exId(rid)];
      const diff = (name: string) => text(o, name) !== text(m, name);
      if (diff('summary')) put(kids, NS, 'Subject', text(o, 'summary') ?? '');
      const os = toMs(o.getFirstProperty('dtstart'));
      let oe = toMs(o.getFirstProperty('dtend'));
      const od = o.getFirstPropertyValue('duration');
      if (oe === undefined && os !== undefined) oe = od instanceof ICAL.Duration ? os + od.toSeconds() * 1000 : os + (end! - start!);
      if (os !== undefined) kids.push(el(NS, 'StartTime', compactUtc(os)));
      if (oe !== undefined) kids.push(el(NS, 'EndTime', compactUtc(oe)));
      if (diff('description')) { const b = writeBody(text(o, 'description'), opts.bodyPreference); if (b) kids.push(b); }
      if (diff('location')) {
        const l = text(o, 'location') ?? '';
        kids.push(v16 ? el('AirSyncBase', 'Location', [el('AirSyncBase', 'DisplayName', l)]) : el(NS, 'Location', l));
      }
      if (categories(o).join('\u0000') !== cats.join('\u0000')) kids.push(el(NS, 'Categories', categories(o).map((x) => el(NS, 'Category', x))));
      if (sensitivity(o) !== sens && sensitivity(o) !== undefined) kids.push(el(NS, 'Sensitivity', String(sensitivity(o))));
      if (busyStatus(o) !== busyStatus(m)) kids.push(el(NS, 'BusyStatus', String(busyStatus(o))));
      const oAllDay = (o.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time> | null)?.isDate ?? allDay;
      if (oAllDay !== allDay) kids.push(el(NS, 'AllDayEvent', oAllDay ? '1' : '0'));
      const r = reminderMinutes(obj.root, o);
      if (r !== undefined && r !== reminder) kids.push(el(NS, 'Reminder', String(r)));
      const os2 = o.getFirstPropertyValue('status');
      if (typeof os2 === 'string' && os2.toUpperCase() === 'CANCELLED' && !(meetingStatus(m, orgAddr, opts.userEmail) & 4)) {
        kids.push(el(NS, 'MeetingStatus', String(meetingStatus(o, orgAddr, opts.userEmail))));
      }
      exceptions.push(el(NS, 'Exception', kids));
    }
    if (exceptions.length) out.push(el(NS, 'Exceptions', exceptions));
  }
  const rt = responseType(m, orgAddr, opts.userEmail);
  if (rt !== undefined && parseFloat(opts.protocolVersion) >= 14) out.push(el(NS, 'ResponseType', String(rt)));
  if (String(m.getFirstPropertyValue('x-microsoft-disallow-counter') ?? '').toUpperCase() === 'TRUE' && parseFloat(opts.protocolVersion) >= 14) {
    out.push(el(NS, 'DisallowNewTimeProposal', '1'));
  }
  return out;
}

function timeZoneEpoch(root: Component, p: InstanceType<typeof ICAL.Property>, v: InstanceType<typeof ICAL.Time>): number {
  const tzid = p.getParameter('tzid');
  if (typeof tzid === 'string') {
    const off = offsetFnFor(root, tzid);
    return fromLocal(v.year, v.month, v.day, v.hour, v.minute, v.second, off);
  }
  return v.toUnixTime() * 1000;
}

function text(c: Component, name: string): string | undefined {
  const v = c.getFirstPropertyValue(name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function mailto(v: string): string {
  return v.replace(/^mailto:/i, '');
}

function categories(c: Component): string[] {
  return c.getAllProperties('categories').flatMap((p) => p.getValues().map(String)).filter((x) => x !== '');
}

function sensitivity(c: Component): number | undefined {
  const cls = c.getFirstPropertyValue('class');
  if (typeof cls !== 'string') return undefined;
  const i = SENSITIVITY_TO_CLASS.indexOf(cls.toUpperCase());
  return i >= 0 ? i : 2; // RFC 5545 §3.8.1.3: unknown classes are treated as PRIVATE
}

function busyStatus(c: Component): number {
  const cdo = c.getFirstPropertyValue('x-microsoft-cdo-busystatus');
  if (typeof cdo === 'string' && BUSY_CDO.includes(cdo.toUpperCase())) return BUSY_CDO.indexOf(cdo.toUpperCase());
  const transp = c.getFirstPropertyValue('transp');
  return typeof transp === 'string' && transp.toUpperCase() === 'TRANSPARENT' ? 0 : 2;
}

function reminderMinutes(root: Component, c: Component): number | undefined {
  const start = timeToEpoch(root, c.getFirstProperty('dtstart'));
  for (const alarm of c.getAllSubcomponents('valarm')) {
    const tp = alarm.getFirstProperty('trigger');
    const v = tp?.getFirstValue();
    if (v instanceof ICAL.Duration) {
      const related = tp!.getParameter('related');
      if (typeof related === 'string' && related.toUpperCase() === 'END') continue;
      const secs = v.toSeconds();
      if (secs <= 0) return Math.round(-secs / 60);
    } else if (v instanceof ICAL.Time && start !== null) {
      const diff = start - v.toUnixTime() * 1000;
      if (diff >= 0) return Math.round(diff / 60_000);
    }
  }
  return undefined;
}

function meetingStatus(c: Component, orgAddr: string | undefined, user: string | undefined): number {
  const cancelled = String(c.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
  if (!c.hasProperty('attendee') && !c.hasProperty('organizer')) return 0;
  if (!c.hasProperty('attendee')) return 0;
  const organizer = !orgAddr || (user !== undefined && orgAddr.toLowerCase() === user.toLowerCase());
  return organizer ? (cancelled ? 5 : 1) : cancelled ? 7 : 3;
}

function responseType(c: Component, orgAddr: string | undefined, user: string | undefined): number | undefined {
  if (!user || !c.hasProperty('attendee')) return undefined;
  if (orgAddr && orgAddr.toLowerCase() === user.toLowerCase()) return 1;
  const me = c.getAllProperties('attendee').find((a) => mailto(String(a.getFirstValue() ?? '')).toLowerCase() === user.toLowerCase());
  if (!me) return undefined;
  const ps = me.getParameter('partstat');
  return typeof ps === 'string' ? PARTSTAT_TO_STATUS[ps.toUpperCase()] ?? 0 : 0;
}
