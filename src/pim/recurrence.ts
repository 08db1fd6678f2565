/**
 * Occurrence expansion and RFC 4791 §9.9 time-range tests, shared by CalDAV calendar-query
 * (time-range, expand, limit-recurrence-set) and ActiveSync (FilterType windows).
 *
 * Floating DATE-TIME and DATE values are evaluated as UTC (there is no calendar time zone in
 * the core); callers that know the calendar's zone may widen their ranges by ±14 hours.
 */
import ICAL from 'ical.js';
import { PimParseError } from './errors.js';
import { parseCalendarObject, timeToEpoch, type CalendarObject } from './parse.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface Occurrence {
  /** Start (epoch ms). For a VTODO without DTSTART, its DUE. */
  start: number;
  /** End (epoch ms); equals start for zero-length instances. */
  end: number;
  /** RECURRENCE-ID as iCalendar text (UTC for DATE-TIME, YYYYMMDD for DATE); null when not recurring. */
  recurrenceId: string | null;
  /** True when the instance comes from a RECURRENCE-ID override component. */
  overridden: boolean;
  allDay: boolean;
}

/** Stop expanding after this many instances whatever the range (bounds CPU on hostile rules). */
export const MAX_ITERATIONS = 100_000;
const DAY = 86_400_000;

interface Span { start: number | null; end: number | null; due: number | null; allDay: boolean; hasEnd: boolean; duration: number | null }

function span(obj: CalendarObject, c: Component, startOverride?: number): Span {
  const dtstartProp = c.getFirstProperty('dtstart');
  const startVal = dtstartProp?.getFirstValue();
  const allDay = startVal instanceof ICAL.Time && startVal.isDate;
  const start0 = timeToEpoch(obj.root, dtstartProp);
  const start = startOverride ?? start0;
  const shift = start !== null && start0 !== null ? start - start0 : 0;
  const durVal = c.getFirstPropertyValue('duration');
  const duration = durVal instanceof ICAL.Duration ? durVal.toSeconds() * 1000 : null;
  const dtend = timeToEpoch(obj.root, c.getFirstProperty('dtend'));
  const dueRaw = timeToEpoch(obj.root, c.getFirstProperty('due'));
  const due = dueRaw === null ? null : dueRaw + shift;
  let end: number | null = null;
  let hasEnd = false;
  if (start !== null) {
    if (dtend !== null) { end = dtend + shift; hasEnd = true; }
    else if (duration !== null) { end = start + duration; hasEnd = true; }
    else if (due !== null) { end = due; hasEnd = true; }
    else end = allDay ? start + DAY : start;
  } else if (due !== null) end = due;
  return { start, end, due, allDay, hasEnd, duration };
}

function recurrenceIdText(t: InstanceType<typeof ICAL.Time>): string {
  if (t.isDate) return t.toICALString();
  return t.convertToZone(ICAL.Timezone.utcTimezone).toICALString();
}

/** Does one instance overlap [rs, re)? RFC 4791 §9.9 for VEVENT, VTODO and VJOURNAL. */
function instanceOverlaps(type: CalendarObject['type'], c: Component, obj: CalendarObject, s: Span, rs: number, re: number): boolean {
  if (type === 'VEVENT') {
    if (s.start === null) return false;
    const end = s.end ?? s.start;
    if (end > s.start) return s.start < re && end > rs;
    return rs <= s.start && s.start < re;
  }
  if (type === 'VJOURNAL') {
    if (s.start === null) return false;
    if (s.allDay) return rs < s.start + DAY && re > s.start;
    return rs <= s.start && re > s.start;
  }
  // VTODO
  if (s.start !== null && s.duration !== null) {
    const e = s.start + s.duration;
    return rs <= e && (re > s.start || re >= e);
  }
  if (s.start !== null && s.due !== null) return (rs < s.due || rs <= s.start) && (re > s.start || re >= s.due);
  if (s.start !== null) return rs <= s.start && re > s.start;
  if (s.due !== null) return rs < s.due && re >= s.due;
  const completed = timeToEpoch(obj.root, c.getFirstProperty('completed'));
  const created = timeToEpoch(obj.root, c.getFirstProperty('created'));
  if (completed !== null && created !== null) return (rs <= created || rs <= completed) && (re >= created || re >= completed);
  if (completed !== null) return rs <= completed && re >= completed;
  if (created !== null) return re > created;
  return true;
}

function toOccurrence(s: Span, recurrenceId: string | null, overridden: boolean): Occurrence {
  const start = s.start ?? s.due ?? 0;
  return { start, end: Math.max(start, s.end ?? start), recurrenceId, overridden, allDay: s.allDay };
}

interface Instance { c: Component; s: Span; recurrenceId: string | null; overridden: boolean }

/**
 * Walk every instance whose (original) start is before `until`, in start order for the
 * master's rule, then every override. `visit` returns false to stop.
 */
function walk(obj: CalendarObject, until: number, visit: (i: Instance) => boolean): { complete: boolean } {
  const overrideById = new Map<number, Component>();
  for (const o of obj.overrides) {
    const rid = timeToEpoch(obj.root, o.getFirstProperty('recurrence-id'));
    if (rid !== null) overrideById.set(rid, o);
  }
  const m = obj.master;
  let complete = true;
  if (m) {
    const recurring = m.hasProperty('rrule') || m.hasProperty('rdate');
    const dtstart = m.getFirstPropertyValue('dtstart');
    if (!recurring || !(dtstart instanceof ICAL.Time)) {
      if (!visit({ c: m, s: span(obj, m), recurrenceId: null, overridden: false })) return { complete: false };
    } else {
      let exp: InstanceType<typeof ICAL.RecurExpansion>;
      try {
        exp = new ICAL.RecurExpansion({ component: m, dtstart });
      } catch (err) {
        throw new PimParseError('invalid-ical', 'invalid recurrence', { cause: err });
      }
      for (let n = 0; ; n++) {
        if (n >= MAX_ITERATIONS) { complete = false; break; }
        const t = exp.next();
        if (!t) break;
        const tt = t.clone();
        if (!tt.isDate && dtstart.zone) tt.zone = dtstart.zone;
        const startMs = epochOf(obj, m, tt);
        if (startMs >= until) { complete = false; break; }
        if (overrideById.has(startMs)) continue;
        if (!visit({ c: m, s: span(obj, m, startMs), recurrenceId: recurrenceIdText(tt), overridden: false })) return { complete: false };
      }
    }
  }
  for (const o of obj.overrides) {
    const rid = o.getFirstPropertyValue('recurrence-id');
    if (!visit({ c: o, s: span(obj, o), recurrenceId: rid instanceof ICAL.Time ? recurrenceIdText(rid) : null, overridden: true })) return { complete: false };
  }
  return { complete };
}

/** Epoch ms of an occurrence time produced for master `m`, resolving the DTSTART's TZID. */
function epochOf(obj: CalendarObject, m: Component, t: InstanceType<typeof ICAL.Time>): number {
  if (t.isDate) return Date.UTC(t.year, t.month - 1, t.day);
  const p = m.getFirstProperty('dtstart')!;
  const tzid = p.getParameter('tzid');
  const clone = t.clone();
  if (typeof tzid === 'string') {
    const zone = obj.root.getAllSubcomponents('vtimezone').find((z) => z.getFirstPropertyValue('tzid') === tzid);
    const tz = zone ? new ICAL.Timezone(zone) : ICAL.TimezoneService.has(tzid) ? ICAL.TimezoneService.get(tzid) : undefined;
    if (tz) clone.zone = tz;
  }
  return clone.toUnixTime() * 1000;
}

function asObject(ics: string | CalendarObject): CalendarObject {
  return typeof ics === 'string' ? parseCalendarObject(ics) : ics;
}

/**
 * The instances overlapping [rangeStart, rangeEnd), RECURRENCE-ID overrides and EXDATE
 * honoured, sorted by start, at most `max` (default 1000). RFC 4791 §9.6.5 (expand).
 */
export function expandOccurrences(ics: string | CalendarObject, rangeStart: Date, rangeEnd: Date, max = 1000): Occurrence[] {
  const obj = asObject(ics);
  const rs = rangeStart.getTime();
  const re = rangeEnd.getTime();
  const out: Occurrence[] = [];
  walk(obj, re, (i) => {
    if (instanceOverlaps(obj.type, i.c, obj, i.s, rs, re)) out.push(toOccurrence(i.s, i.recurrenceId, i.overridden));
    return true;
  });
  out.sort((a, b) => a.start - b.start);
  return out.slice(0, max);
}

/**
 * Every instance whose start is before `until`, with the component it comes from (the master
 * for generated instances, the override for a RECURRENCE-ID component). `visit` returns false
 * to stop. Masters in rule order, then overrides.
 */
export function walkInstances(ics: string | CalendarObject, until: number, visit: (o: Occurrence, from: Component) => boolean): void {
  const obj = asObject(ics);
  walk(obj, until, (i) => visit(toOccurrence(i.s, i.recurrenceId, i.overridden), i.c));
}

/** RFC 4791 §9.9: does any instance of the object overlap [start, end)? */
export function overlapsRange(ics: string | CalendarObject, start: Date, end: Date): boolean {
  const obj = asObject(ics);
  const rs = start.getTime();
  const re = end.getTime();
  let hit = false;
  walk(obj, re, (i) => {
    hit = instanceOverlaps(obj.type, i.c, obj, i.s, rs, re);
    return !hit;
  });
  return hit;
}

/**
 * End of the last instance (epoch ms), or null when the recurrence is unbounded (or longer
 * than MAX_ITERATIONS instances, which the index treats the same way).
 */
export function lastInstanceEnd(obj: CalendarObject): number | null {
  const unbounded = obj.master?.getAllProperties('rrule').some((p) => {
    const r = p.getFirstValue();
    return r instanceof ICAL.Recur && !r.count && !r.until;
  });
  if (unbounded) return null;
  let last: number | null = null;
  const { complete } = walk(obj, Number.MAX_SAFE_INTEGER, (i) => {
    const o = toOccurrence(i.s, i.recurrenceId, i.overridden);
    if (i.s.start === null && i.s.due === null) return true;
    last = last === null ? o.end : Math.max(last, o.end);
    return true;
  });
  return complete ? last : null;
}
