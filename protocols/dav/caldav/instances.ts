/**
 * Instance spans of recurring events, cached by item version (id and modseq: any write gives a
 * new modseq, so an entry can never be stale). calendar-query time-range tests on a recurring
 * VEVENT then cost a scan of numbers instead of an ical.js parse and RRULE expansion, which is
 * what dominated a month query. Only bounded sets (COUNT/UNTIL, indexed endAt) are cached; an
 * entry holds at most MAX_INSTANCES instances and the cache at most MAX_NUMBERS numbers.
 * The same §9.9 test as src/pim overlapsRange (test/protocols/dav/instances.test.ts).
 */
import { LRUCache } from 'lru-cache';
import type { Item } from '../../../src/model/types.js';
import { parseCalendarObject } from '../../../src/pim/parse.js';
import { expandOccurrences } from '../../../src/pim/recurrence.js';
import type { TimeRange } from './filter.js';

const MAX_INSTANCES = 5000;
const MAX_NUMBERS = 2_000_000;
const ALL = [new Date(-8.64e15), new Date(8.64e15)] as const;

export class InstanceCache {
  private readonly cache = new LRUCache<string, Float64Array>({ maxSize: MAX_NUMBERS, sizeCalculation: (v) => Math.max(1, v.length) });

  /** [start0, end0, start1, end1, ...] of every instance, or null when not cacheable or not parseable. */
  spans(item: Item): Float64Array | null {
    if (item.componentType !== 'VEVENT' || item.endAt === null || item.content === null) return null;
    const key = `${item.id}-${item.modseq}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let occ;
    try { occ = expandOccurrences(parseCalendarObject(item.content), ALL[0], ALL[1], MAX_INSTANCES + 1); } catch { return null; }
    if (occ.length > MAX_INSTANCES) return null;
    const out = new Float64Array(occ.length * 2);
    occ.forEach((o, i) => { out[2 * i] = o.start; out[2 * i + 1] = o.end; });
    this.cache.set(key, out);
    return out;
  }
}

/** RFC 4791 §9.9 for VEVENT instances: any instance overlapping [range.start, range.end)? */
export function spansOverlap(spans: Float64Array, range: TimeRange): boolean {
  for (let i = 0; i < spans.length; i += 2) {
    const s = spans[i];
    const e = spans[i + 1];
    if (s >= range.end) break; // sorted by start
    if (e > s ? e > range.start : range.start <= s) return true;
  }
  return false;
}
