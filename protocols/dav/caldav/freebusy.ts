/** VFREEBUSY answers (RFC 5545 §3.6.4, RFC 4791 §7.10, RFC 6638 §5); the busy time is src/pim/freebusy.ts. */
import ICAL from 'ical.js';
import type { BusyPeriod } from '../../../src/pim/freebusy.js';
import type { TimeRange } from './filter.js';

const fmt = (ms: number) => ICAL.Time.fromJSDate(new Date(ms), true).toICALString();

export function vfreebusy(range: TimeRange, periods: BusyPeriod[], now: number, extra: string[] = []): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hearth//DAV//EN', ...(extra.length ? ['METHOD:REPLY'] : []), 'BEGIN:VFREEBUSY',
    `DTSTAMP:${fmt(now)}`, `DTSTART:${fmt(range.start)}`, `DTEND:${fmt(range.end)}`, ...extra];
  for (const p of periods) lines.push(`FREEBUSY;FBTYPE=${p.type}:${fmt(p.start)}/${fmt(p.end)}`);
  lines.push('END:VFREEBUSY', 'END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}
