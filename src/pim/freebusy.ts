/**
 * Busy time from stored events (RFC 5545 §3.6.4 VFREEBUSY, RFC 4791 §7.10, RFC 6638 §5), one rule
 * for every protocol that answers "when is this person busy": CalDAV's free-busy-query and outbox
 * POST, and ActiveSync's ResolveRecipients Availability ([MS-ASCMD] 2.2.3.16). Transparent and
 * cancelled events are free; a TENTATIVE status is tentative; Outlook's busy status
 * (X-MICROSOFT-CDO-BUSYSTATUS, [MS-OXCICAL] 2.1.3.1.1.20.9) OOF marks out-of-office time.
 */
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { parseCalendarObject } from './parse.js';
import { expandOccurrences } from './recurrence.js';

export interface TimeRange { start: number; end: number }

export interface BusyPeriod {
  start: number;
  end: number;
  type: 'BUSY' | 'BUSY-TENTATIVE';
  /** Out of office (Outlook's OOF busy status); still BUSY for iCalendar's FBTYPE. */
  oof: boolean;
}

/** The busy periods of the events in `folderIds` within `range`, clipped to it, by start. */
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
        const oof = String(main.getFirstPropertyValue('x-microsoft-cdo-busystatus') ?? '').toUpperCase() === 'OOF';
        for (const o of expandOccurrences(obj, new Date(range.start), new Date(range.end))) {
          out.push({ start: Math.max(o.start, range.start), end: Math.min(o.end, range.end), type: status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY', oof });
        }
      } catch { /* unparseable objects are not busy time */ }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The calendars whose events make `account` busy: every own calendar but the scheduling boxes. */
export async function busyCalendars(store: Store, account: Account): Promise<number[]> {
  return (await store.listFolders(account.id))
    .filter((f) => (f.kind === 'calendar' || f.kind === 'tasks') && f.role !== 'schedule-inbox' && f.role !== 'schedule-outbox')
    .map((f) => f.id);
}
