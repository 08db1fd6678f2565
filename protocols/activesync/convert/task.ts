/**
 * [MS-ASTASK] Tasks ApplicationData <-> iCalendar VTODO (RFC 5545 §3.6.2).
 * StartDate/DueDate are the task's local dates ("2026-11-27T00:00:00.000Z" = 27 November);
 * they are stored as DTSTART/DUE VALUE=DATE, the form phones and Apple Reminders use for
 * date-only tasks. A stored DATE-TIME DUE is sent as UtcDueDate plus its local date.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { PimParseError } from '../../../src/pim/errors.js';
import { parseCalendarObject, timeToEpoch } from '../../../src/pim/parse.js';
import { patchObject, type PatchSpec } from '../../../src/pim/patch.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { readBody, writeBody } from './body.js';
import { easRecurrenceToRRule, rruleToEasRecurrence } from './recurrence.js';
import { compactUtc, find, get, isoUtc, parseEasDate, toInt, type ConvertOptions } from './util.js';
import { fromLocal, icalDate, localParts, offsetFnFor } from './zone.js';
import { PRODID } from './calendar.js';

const T = 'Tasks';
type Component = InstanceType<typeof ICAL.Component>;

export const TASK_PATCH: PatchSpec = {
  managed: { VTODO: ['SUMMARY', 'DESCRIPTION', 'CATEGORIES', 'PRIORITY', 'CLASS', 'STATUS', 'COMPLETED', 'PERCENT-COMPLETE', 'DTSTART', 'DUE', 'DURATION', 'RRULE'], VALARM: [] },
  managedComponents: ['VALARM'],
};

const CLASSES = ['PUBLIC', 'X-PERSONAL', 'PRIVATE', 'CONFIDENTIAL'];

/** The local date of an EAS StartDate/DueDate: its own Y-M-D, whatever the clock part. */
function easLocalDate(s: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s.trim());
  if (!m) throw new PimParseError('invalid-data', 'bad task date');
  parseEasDate(s);
  return `${m[1]}${m[2]}${m[3]}`;
}

export function easTaskToICal(appData: WbxmlElement[], existing?: string, opts?: Partial<ConvertOptions>): string {
  const prior = existing !== undefined ? parseCalendarObject(existing) : undefined;
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('version', '2.0');
  const todo = new ICAL.Component('vtodo');
  todo.addPropertyWithValue('uid', prior?.uid ?? randomUUID());
  todo.addProperty(ICAL.Property.fromString(`DTSTAMP:${compactUtc(Date.now())}`));
  const text = (tag: string) => { const v = get(appData, tag, T); return v === '' ? undefined : v; };
  if (text('Subject')) todo.addPropertyWithValue('summary', text('Subject')!);
  const body = readBody(appData);
  if (body) todo.addPropertyWithValue('description', body);
  const start = text('StartDate') ?? text('UtcStartDate');
  const due = text('DueDate') ?? text('UtcDueDate');
  if (start) todo.addProperty(ICAL.Property.fromString(`DTSTART;VALUE=DATE:${easLocalDate(start)}`));
  if (due) todo.addProperty(ICAL.Property.fromString(`DUE;VALUE=DATE:${easLocalDate(due)}`));
  const importance = toInt(text('Importance'));
  if (importance !== undefined) todo.addPropertyWithValue('priority', importance === 2 ? 1 : importance === 0 ? 9 : 5);
  const sens = toInt(text('Sensitivity'));
  if (sens !== undefined && CLASSES[sens]) todo.addPropertyWithValue('class', CLASSES[sens]);
  if (text('Complete') === '1') {
    todo.addPropertyWithValue('status', 'COMPLETED');
    const done = parseEasDate(text('DateCompleted')) ?? Date.now();
    todo.addProperty(ICAL.Property.fromString(`COMPLETED:${compactUtc(done)}`));
    todo.addPropertyWithValue('percent-complete', 100);
  } else {
    const ps = prior?.master?.getFirstPropertyValue('status');
    todo.addPropertyWithValue('status', typeof ps === 'string' && ps.toUpperCase() === 'IN-PROCESS' ? 'IN-PROCESS' : 'NEEDS-ACTION');
  }
  const cats = find(appData, 'Categories', T)?.children.filter((c) => c.tag === 'Category').map((c) => c.text ?? '') ?? [];
  if (cats.length) { const p = new ICAL.Property('categories'); p.setValues(cats); todo.addProperty(p); }
  const rec = find(appData, 'Recurrence', T);
  const anchor = due ?? start;
  if (rec && anchor) {
    const d = easLocalDate(anchor);
    const day = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)));
    const rrule = easRecurrenceToRRule(rec.children, T, {
      start: { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), dayOfWeek: day.getUTCDay() },
      allDay: true, untilToDate: (ms) => icalDate(localParts(ms, () => 0)),
    });
    if (rrule) todo.addProperty(ICAL.Property.fromString(`RRULE:${rrule}`));
  }
  if (text('ReminderSet') === '1' && text('ReminderTime')) {
    const at = parseEasDate(text('ReminderTime'))!;
    const alarm = new ICAL.Component('valarm');
    alarm.addPropertyWithValue('action', 'DISPLAY');
    alarm.addPropertyWithValue('description', 'Reminder');
    alarm.addProperty(ICAL.Property.fromString(`TRIGGER;VALUE=DATE-TIME:${compactUtc(at)}`));
    todo.addSubcomponent(alarm);
  }
  cal.addSubcomponent(todo);
  const out = cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
  return existing !== undefined ? patchObject(existing, out, TASK_PATCH) : out;
}

export function icalToEasTask(ics: string, opts: ConvertOptions): WbxmlElement[] {
  const obj = parseCalendarObject(ics);
  if (obj.type !== 'VTODO') throw new PimParseError('no-component', 'not a task');
  const t = obj.master ?? obj.overrides[0];
  const out: WbxmlElement[] = [];
  const body = writeBody(str(t, 'description'), opts.bodyPreference);
  if (body) out.push(body);
  if (str(t, 'summary')) out.push(el(T, 'Subject', str(t, 'summary')!));
  const prio = t.getFirstPropertyValue('priority');
  const p = typeof prio === 'number' ? prio : 0;
  out.push(el(T, 'Importance', String(p >= 1 && p <= 4 ? 2 : p >= 6 ? 0 : 1)));
  const dates = (name: 'dtstart' | 'due', utcTag: string, localTag: string) => {
    const prop = t.getFirstProperty(name);
    const v = prop?.getFirstValue();
    if (!prop || !(v instanceof ICAL.Time)) return undefined;
    const off = offsetFnFor(obj.root, typeof prop.getParameter('tzid') === 'string' ? String(prop.getParameter('tzid')) : null, opts.timezone);
    let utc: number;
    let local: string;
    if (v.isDate) {
      utc = fromLocal(v.year, v.month, v.day, 0, 0, 0, off);
      local = `${String(v.year).padStart(4, '0')}-${String(v.month).padStart(2, '0')}-${String(v.day).padStart(2, '0')}T00:00:00.000Z`;
    } else {
      utc = timeToEpoch(obj.root, prop) ?? fromLocal(v.year, v.month, v.day, v.hour, v.minute, v.second, off);
      local = isoUtc(utc + off(utc) * 60_000);
    }
    out.push(el(T, utcTag, isoUtc(utc)), el(T, localTag, local));
    return utc;
  };
  const startMs = dates('dtstart', 'UtcStartDate', 'StartDate');
  const dueMs = dates('due', 'UtcDueDate', 'DueDate');
  const cats = t.getAllProperties('categories').flatMap((c) => c.getValues().map(String)).filter(Boolean);
  if (cats.length) out.push(el(T, 'Categories', cats.map((c) => el(T, 'Category', c))));
  const rrule = t.getFirstPropertyValue('rrule');
  const anchorMs = dueMs ?? startMs;
  if (rrule instanceof ICAL.Recur && anchorMs !== undefined) {
    const d = new Date(anchorMs + offsetFnFor(obj.root, null, opts.timezone)(anchorMs) * 60_000);
    const untilMs = rrule.until ? Date.UTC(rrule.until.year, rrule.until.month - 1, rrule.until.day) : undefined;
    const rec = rruleToEasRecurrence(rrule, { start: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), dayOfWeek: d.getUTCDay() }, allDay: true },
      { ns: T, protocolVersion: opts.protocolVersion, untilFormat: 'iso', untilMs });
    // [MS-ASTASK] 2.2.2.21: Start is required first.
    if (rec) out.push(el(T, 'Recurrence', [el(T, 'Start', isoUtc(startMs ?? anchorMs)), ...rec]));
  }
  const status = String(t.getFirstPropertyValue('status') ?? '').toUpperCase();
  const completed = timeToEpoch(obj.root, t.getFirstProperty('completed'));
  const done = status === 'COMPLETED' || completed !== null;
  out.push(el(T, 'Complete', done ? '1' : '0'));
  if (done) out.push(el(T, 'DateCompleted', isoUtc(completed ?? Date.now())));
  const cls = t.getFirstPropertyValue('class');
  if (typeof cls === 'string') out.push(el(T, 'Sensitivity', String(Math.max(0, CLASSES.indexOf(cls.toUpperCase())) || (cls.toUpperCase() === 'PUBLIC' ? 0 : 2))));
  const reminder = reminderTime(obj.root, t, startMs, dueMs);
  out.push(el(T, 'ReminderSet', reminder !== undefined ? '1' : '0'));
  if (reminder !== undefined) out.push(el(T, 'ReminderTime', isoUtc(reminder)));
  return out;
}

function str(c: Component, name: string): string | undefined {
  const v = c.getFirstPropertyValue(name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function reminderTime(root: Component, t: Component, startMs?: number, dueMs?: number): number | undefined {
  for (const a of t.getAllSubcomponents('valarm')) {
    const tp = a.getFirstProperty('trigger');
    const v = tp?.getFirstValue();
    if (v instanceof ICAL.Time) return timeToEpoch(root, tp!) ?? undefined;
    if (v instanceof ICAL.Duration) {
      const rel = String(tp!.getParameter('related') ?? 'START').toUpperCase();
      const base = rel === 'END' ? dueMs ?? startMs : startMs ?? dueMs;
      if (base !== undefined) return base + v.toSeconds() * 1000;
    }
  }
  return undefined;
}
