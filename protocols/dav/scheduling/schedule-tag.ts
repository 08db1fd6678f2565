/**
 * Schedule-Tag (RFC 6638 §3.2.10): kept in the item's props. It changes when the organizer's
 * client writes the organizer's copy, when the attendee's client writes the attendee's copy,
 * and when an organizer's REQUEST is applied to an attendee's copy; it does not change when a
 * reply merges an attendee's PARTSTAT into the organizer's copy ("inconsequential" changes), so
 * that an organizer client's If-Schedule-Tag-Match (§8.3) still holds after replies arrive.
 */
import type { Item } from '../../../src/model/types.js';
import type { DavRequest } from '../request.js';
import { header } from '../request.js';
import { DavError } from '../errors.js';

export { newScheduleTag } from '../../../src/pim/itip-deliver.js';

export const scheduleTagOf = (item: Item | null | undefined): string | null =>
  typeof item?.props['scheduleTag'] === 'string' ? (item.props['scheduleTag'] as string) : null;

/** A scheduling object resource (§3.1): an ORGANIZER and at least one ATTENDEE. */
export const isSchedulingObject = (ics: string) => /^ORGANIZER[;:]/im.test(ics) && /^ATTENDEE[;:]/im.test(ics);

/** RFC 6638 §8.3: If-Schedule-Tag-Match on PUT and DELETE; 412 when it does not hold. */
export function checkScheduleTagMatch(q: DavRequest, item: Item | null): void {
  const want = header(q, 'if-schedule-tag-match');
  if (want === undefined) return;
  const have = scheduleTagOf(item);
  if (have === null || have !== want.trim()) throw new DavError(412);
}
