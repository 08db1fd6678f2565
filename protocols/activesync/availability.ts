/**
 * ResolveRecipients Availability ([MS-ASCMD] 2.2.3.16, 14.0+): a recipient's free/busy between
 * StartTime and EndTime as MergedFreeBusy (2.2.3.107): one digit per 30 minutes, rounded up,
 * 0 free, 1 tentative, 2 busy, 3 out of office, 4 no data; a slot takes the highest digit of
 * anything in it. The busy time is the one CalDAV answers (src/pim/freebusy.ts), for accounts of
 * the user's own domain (as CalDAV's outbox free-busy); a group merges its members' (at most 20,
 * else Status 161), anyone else is Status 163 (no free/busy could be retrieved).
 */
import type { Account } from '../../src/model/types.js';
import { busyCalendars, busyPeriods, type BusyPeriod, type TimeRange } from '../../src/pim/freebusy.js';
import type { CommandContext } from './commands/types.js';
import { parseEasDate } from './convert/util.js';

const SLOT_MS = 30 * 60_000;
/** Exchange 2010 and later refuse a span over 42 days (Status 5). */
const MAX_SPAN_MS = 42 * 24 * 3600_000;
/** Without EndTime the span is seven days. */
const DEFAULT_SPAN_MS = 7 * 24 * 3600_000;
const MAX_GROUP_MEMBERS = 20;

/** [MS-ASCMD] 2.2.3.177.12, as a child of Availability. */
export const AvailabilityStatus = { Success: 1, TooManyRecipients: 160, GroupTooLarge: 161, Failed: 163 } as const;

/** The requested span, or null when it is not a valid one (the command's Status 5). */
export function availabilityRange(startTime: string | undefined, endTime: string | undefined): TimeRange | null {
  let start: number | undefined;
  let end: number | undefined;
  try {
    start = parseEasDate(startTime);
    end = endTime === undefined ? undefined : parseEasDate(endTime);
  } catch { return null; }
  if (start === undefined || (endTime !== undefined && end === undefined)) return null;
  end ??= start + DEFAULT_SPAN_MS;
  if (end < start + SLOT_MS || end - start > MAX_SPAN_MS) return null;
  return { start, end };
}

/** The MergedFreeBusy digits of `periods` over `range`. */
export function mergedFreeBusy(periods: BusyPeriod[], range: TimeRange): string {
  const slots = new Uint8Array(Math.ceil((range.end - range.start) / SLOT_MS));
  for (const p of periods) {
    const digit = p.oof ? 3 : p.type === 'BUSY-TENTATIVE' ? 1 : 2;
    const first = Math.max(0, Math.floor((p.start - range.start) / SLOT_MS));
    const last = Math.min(slots.length - 1, Math.ceil((p.end - range.start) / SLOT_MS) - 1);
    for (let i = first; i <= last; i++) if (slots[i] < digit) slots[i] = digit;
  }
  return Array.from(slots, (d) => String(d)).join('');
}

/** Status and digits for one recipient address. */
export async function availabilityOf(ctx: CommandContext, email: string, range: TimeRange): Promise<{ status: number; merged?: string }> {
  const account = await ctx.store.getAccount(email.toLowerCase());
  if (!account || account.disabled || account.domainId !== ctx.account.domainId) return { status: AvailabilityStatus.Failed };
  let people: Account[] = [account];
  if (account.kind === 'group') {
    people = (await ctx.store.listGroupMembers(account.id)).filter((m) => !m.disabled);
    if (people.length > MAX_GROUP_MEMBERS) return { status: AvailabilityStatus.GroupTooLarge };
  }
  const periods: BusyPeriod[] = [];
  for (const p of people) periods.push(...await busyPeriods(ctx.store, await busyCalendars(ctx.store, p), range));
  return { status: AvailabilityStatus.Success, merged: mergedFreeBusy(periods, range) };
}
