/** Busy time from stored events (RFC 5545 §3.6.4, RFC 4791 §7.10, RFC 6638 §5). */
import ICAL from 'ical.js';
import type { Store } from '../../../src/store/store.js';
import { parseCalendarObject } from '../../../src/pim/parse.js';
import { expandOccurrences } from '../../../src/pim/recurrence.js';
import type { TimeRange } from './filter.js';

export interface BusyPeriod { start: number; end: number; type: 'BUSY' | 'BUSY-TENTATIVE' }

export async function busyPeriods(store: Store, folderIds: number[], range: TimeRange): Promise<BusyPeriod[]> {
  const out: BusyPeriod[] = [];
  for (const fid of folderIds) {
    for (const it of await store.listItems(fid, { from: range.start, to: range.end, componentType: 'VEVENT' })) {
      if (!it.content) continue;
      try {
        const obj = parseCalendarObject(it.content);
        const main = obj.master ?? obj.overrides[0];
        if (String(main.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') continue;
        const status = String(main.getFirstPropertyValue('status') ?? '').toUpperCase();
        if (status === 'CANCELLED') continue;
        for (const o of expandOccurrences(obj, new Date(range.start), new Date(range.end)))
          out.push({ start: Math.max(o.start, range.start), end: Math.min(o.end, range.end), type: status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY' });
      } catch { /* unparseable objects are not busy time */ }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

const fmt = (ms: number) => ICAL.Time.fromJSDate(new Date(ms), true).toICALString();

export function vfreebusy(range: TimeRange, periods: BusyPeriod[], now: number, extra: string[] = []): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hearth//DAV//EN', ...(extra.length ? ['METHOD:REPLY'] : []), 'BEGIN:VFREEBUSY',
    `DTSTAMP:${fmt(now)}`, `DTSTART:${fmt(range.start)}`, `DTEND:${fmt(range.end)}`, ...extra];
  for (const p of periods) lines.push(`FREEBUSY;FBTYPE=${p.type}:${fmt(p.start)}/${fmt(p.end)}`);
  lines.push('END:VFREEBUSY', 'END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}
