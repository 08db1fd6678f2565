/**
 * [MS-ASCAL] 2.2.2.39 Recurrence / [MS-ASTASK] 2.2.2.21 <-> RFC 5545 RRULE.
 * Type: 0 daily, 1 weekly, 2 monthly on day N, 3 monthly on the Nth weekday, 5 yearly on a
 * date, 6 yearly on the Nth weekday. DayOfWeek is a bitmask (1 Sunday ... 64 Saturday,
 * 127 = "day"), WeekOfMonth 1..5 with 5 = last.
 */
import ICAL from 'ical.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { compactUtc, get, isoUtc, parseEasDate, toInt } from './util.js';

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export interface RecurrenceContext {
  /** Start of the series: its weekday/day/month fill in what the rule leaves implicit. */
  start: { year: number; month: number; day: number; dayOfWeek: number };
  allDay: boolean;
  /** Local zone offset at the series' start (minutes), to express an all-day UNTIL as a date. */
  untilToDate?: (ms: number) => string;
}

function daysFromMask(mask: number): string[] {
  return DAYS.filter((_, i) => mask & (1 << i));
}

function maskFromDays(days: string[]): number {
  return days.reduce((m, d) => m | (1 << DAYS.indexOf(d)), 0);
}

/** RRULE text (without "RRULE:") from an EAS Recurrence element's children. */
export function easRecurrenceToRRule(rec: WbxmlElement[], ns: string, ctx: RecurrenceContext): string | undefined {
  const type = toInt(get(rec, 'Type', ns)) ?? toInt(get(rec, 'Recurrence_Type'));
  if (type === undefined) return undefined;
  const interval = toInt(get(rec, 'Interval', ns));
  const count = toInt(get(rec, 'Occurrences', ns));
  const untilMs = parseEasDate(get(rec, 'Until', ns));
  const dow = toInt(get(rec, 'DayOfWeek', ns));
  let dom = toInt(get(rec, 'DayOfMonth', ns));
  const week = toInt(get(rec, 'WeekOfMonth', ns));
  const moy = toInt(get(rec, 'MonthOfYear', ns));
  const fdow = toInt(get(rec, 'FirstDayOfWeek', ns));
  if (dom !== undefined && (dom < 1 || dom > 31)) dom = undefined; // out of range: fall back to the start's day
  const parts: string[] = [];
  const nth = week === 5 ? -1 : week ?? 1;
  const byDayNth = (mask: number): string[] => {
    if (mask === 127) return [`BYMONTHDAY=${nth}`];
    const days = daysFromMask(mask);
    if (days.length === 1) return [`BYDAY=${nth}${days[0]}`];
    return [`BYDAY=${days.join(',')}`, `BYSETPOS=${nth}`];
  };
  switch (type) {
    case 0:
      parts.push('FREQ=DAILY');
      if (dow) parts.push(`BYDAY=${daysFromMask(dow).join(',')}`);
      break;
    case 1:
      parts.push('FREQ=WEEKLY', `BYDAY=${daysFromMask(dow || 1 << ctx.start.dayOfWeek).join(',')}`);
      break;
    case 2:
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${dom ?? ctx.start.day}`);
      break;
    case 3:
      parts.push('FREQ=MONTHLY', ...byDayNth(dow || 1 << ctx.start.dayOfWeek));
      break;
    case 5:
      parts.push('FREQ=YEARLY', `BYMONTH=${moy ?? ctx.start.month}`, `BYMONTHDAY=${dom ?? ctx.start.day}`);
      break;
    case 6:
      parts.push('FREQ=YEARLY', `BYMONTH=${moy ?? ctx.start.month}`, ...byDayNth(dow || 1 << ctx.start.dayOfWeek));
      break;
    default:
      return undefined;
  }
  if (interval !== undefined && interval > 1) parts.push(`INTERVAL=${interval}`);
  if (count !== undefined && count > 0) parts.push(`COUNT=${count}`);
  else if (untilMs !== undefined) parts.push(`UNTIL=${ctx.allDay && ctx.untilToDate ? ctx.untilToDate(untilMs) : compactUtc(untilMs)}`);
  if (fdow !== undefined && fdow >= 0 && fdow <= 6) parts.push(`WKST=${DAYS[fdow]}`);
  return parts.join(';');
}

export interface EasRecurrenceOptions {
  ns: 'Calendar' | 'Tasks';
  protocolVersion: string;
  /** Calendar wants "20261127T100000Z", Tasks ISO dates. */
  untilFormat: 'compact' | 'iso';
  /** UNTIL as an instant; DATE UNTILs are resolved by the caller (end of that local day). */
  untilMs?: number;
}

/**
 * EAS Recurrence children for an RRULE, or undefined when the rule has no EAS form
 * (HOURLY and finer, BYWEEKNO, BYYEARDAY, several BYMONTHDAYs ...): the caller then sends the
 * event as a single instance (documented in docs/pim.md).
 */
export function rruleToEasRecurrence(recur: InstanceType<typeof ICAL.Recur>, ctx: RecurrenceContext, opts: EasRecurrenceOptions): WbxmlElement[] | undefined {
  const ns = opts.ns;
  const parts = recur.parts as Record<string, (string | number)[] | undefined>;
  const unsupported = ['BYHOUR', 'BYMINUTE', 'BYSECOND', 'BYWEEKNO', 'BYYEARDAY'].some((k) => parts[k]?.length);
  if (unsupported) return undefined;
  const byday = (parts.BYDAY ?? []).map(String);
  const bymonthday = (parts.BYMONTHDAY ?? []).map(Number);
  const bymonth = (parts.BYMONTH ?? []).map(Number);
  const bysetpos = (parts.BYSETPOS ?? []).map(Number);
  if (bymonthday.length > 1 || bymonth.length > 1 || bysetpos.length > 1) return undefined;
  const parsedDays = byday.map((d) => /^([+-]?\d+)?(SU|MO|TU|WE|TH|FR|SA)$/.exec(d)).filter((m): m is RegExpExecArray => !!m);
  if (parsedDays.length !== byday.length) return undefined;
  const ords = new Set(parsedDays.map((m) => (m[1] ? Number(m[1]) : 0)));
  const mask = maskFromDays(parsedDays.map((m) => m[2]));
  const weekOf = (n: number): number | undefined => (n === -1 ? 5 : n >= 1 && n <= 4 ? n : undefined);
  let type: number;
  let dow: number | undefined;
  let dom: number | undefined;
  let week: number | undefined;
  let moy: number | undefined;
  switch (recur.freq) {
    case 'DAILY':
      if (bymonthday.length || bymonth.length || [...ords].some((o) => o !== 0)) return undefined;
      type = 0;
      dow = mask || undefined;
      break;
    case 'WEEKLY':
      if (bymonthday.length || bymonth.length || [...ords].some((o) => o !== 0)) return undefined;
      type = 1;
      dow = mask || 1 << ctx.start.dayOfWeek;
      break;
    case 'MONTHLY':
    case 'YEARLY': {
      const yearly = recur.freq === 'YEARLY';
      if (yearly) moy = bymonth[0] ?? ctx.start.month;
      else if (bymonth.length) return undefined;
      if (byday.length) {
        if (bymonthday.length) return undefined;
        const ord = bysetpos[0] ?? (ords.size === 1 ? [...ords][0] : NaN);
        if (!bysetpos.length && parsedDays.length > 1) return undefined;
        week = weekOf(ord);
        if (week === undefined) return undefined;
        type = yearly ? 6 : 3;
        dow = mask;
      } else if (bymonthday.length === 1 && bymonthday[0] === -1) {
        type = yearly ? 6 : 3;
        dow = 127;
        week = 5;
      } else if (bymonthday.length === 1 && bysetpos.length === 0 && bymonthday[0] > 0) {
        type = yearly ? 5 : 2;
        dom = bymonthday[0];
      } else if (bymonthday.length === 0 && bysetpos.length === 0) {
        type = yearly ? 5 : 2;
        dom = ctx.start.day;
      } else return undefined;
      break;
    }
    default:
      return undefined;
  }
  // [MS-ASCAL] 2.2.2.39 child order: Type, Occurrences, Interval, WeekOfMonth, DayOfWeek, MonthOfYear, Until, DayOfMonth, ..., FirstDayOfWeek
  const out: WbxmlElement[] = [el(ns, 'Type', String(type))];
  if (recur.count) out.push(el(ns, 'Occurrences', String(recur.count)));
  out.push(el(ns, 'Interval', String(recur.interval || 1)));
  if (week !== undefined) out.push(el(ns, 'WeekOfMonth', String(week)));
  if (dow !== undefined) out.push(el(ns, 'DayOfWeek', String(dow)));
  if (moy !== undefined) out.push(el(ns, 'MonthOfYear', String(moy)));
  if (!recur.count && opts.untilMs !== undefined) out.push(el(ns, 'Until', opts.untilFormat === 'compact' ? compactUtc(opts.untilMs) : isoUtc(opts.untilMs)));
  if (dom !== undefined) out.push(el(ns, 'DayOfMonth', String(dom)));
  // FirstDayOfWeek exists from 14.0 on; only sent when the rule names WKST.
  const wkst = /WKST=(SU|MO|TU|WE|TH|FR|SA)/.exec(recur.toString());
  if (parseFloat(opts.protocolVersion) >= 14 && wkst) out.push(el(ns, 'FirstDayOfWeek', String(DAYS.indexOf(wkst[1]))));
  return out;
}
