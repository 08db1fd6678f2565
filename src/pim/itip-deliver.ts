/**
 * Delivery of iTIP messages (RFC 5546) to a calendar user inside Hearth (RFC 6638 §3.2): the
 * message goes into the recipient's schedule inbox and is applied to the recipient's default
 * calendar. One rule for every protocol that schedules: CalDAV implicit scheduling
 * (protocols/dav/scheduling) and ActiveSync MeetingResponse both call it, so an organizer's
 * copy gets an attendee's PARTSTAT the same way whichever client the attendee answered with.
 */
import { randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { calendarItemFields } from './item.js';
import { fileInScheduleInbox } from './schedule-inbox.js';
import { setAttendeeParam } from './attendee-params.js';

type Component = InstanceType<typeof ICAL.Component>;

export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

/** Schedule-Tag (RFC 6638 §3.2.10) values: opaque, quoted. */
export const newScheduleTag = () => `"${randomBytes(9).toString('base64url')}"`;

export const mailtoAddress = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

/**
 * Puts the message in `to`'s schedule inbox and applies it to `to`'s default calendar: CANCEL
 * removes the copy; REQUEST creates or updates it with `apply` (the organizer's text); REPLY
 * updates the organizer's copy with `apply` (the copy with the attendee's new PARTSTAT).
 */
export async function deliverItip(store: Store, to: Account, method: ItipMethod, message: string, uid: string, apply?: string): Promise<void> {
  await fileInScheduleInbox(store, to, message);
  const cal = await store.findFolderByRole(to.id, 'calendar');
  if (!cal) return;
  const existing = await store.getItemByUid(cal.id, uid);
  if (method === 'CANCEL') { if (existing) await store.deleteItem(existing.id); return; }
  if (!apply) return;
  // RFC 6638 §3.2.2.1: an update that does not reschedule keeps the attendee's own answer.
  if (method === 'REQUEST' && existing?.content) apply = keepPartstat(existing.content, apply, to.email);
  const fields = { ...calendarItemFields(apply), uid };
  // An organizer's REQUEST changes the attendee copy's Schedule-Tag; a merged REPLY does not (§3.2.10).
  const props = method === 'REQUEST' ? { ...(existing?.props ?? {}), scheduleTag: newScheduleTag() } : undefined;
  if (existing) await store.updateItem(existing.id, props ? { ...fields, props } : fields);
  else if (method === 'REQUEST') await store.createItem({ folderId: cal.id, name: `${uid.replace(/[^A-Za-z0-9._-]/g, '_')}.ics`, ...fields, props });
}

/**
 * An attendee's REPLY to an organizer inside Hearth (RFC 6638 §3.2.2): the organizer's copy in
 * the default calendar takes the attendee's PARTSTAT (only that parameter changes), and the
 * REPLY waits in the organizer's schedule inbox.
 */
export async function deliverReplyToOrganizer(store: Store, organizer: Account, attendee: string, partstat: string, reply: string, uid: string): Promise<void> {
  const cal = await store.findFolderByRole(organizer.id, 'calendar');
  const copy = cal ? await store.getItemByUid(cal.id, uid) : null;
  const apply = copy?.content ? setAttendeeParam(copy.content, 'PARTSTAT', new Map([[attendee.toLowerCase(), partstat]])) : undefined;
  await deliverItip(store, organizer, 'REPLY', reply, uid, apply);
}

/** Properties whose change reschedules the event (the organizer then asks every attendee again). */
const TIMING = ['dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate'];

function mainOf(text: string): Component | null {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    return root.getAllSubcomponents().find((c) => (c.name === 'vevent' || c.name === 'vtodo') && !c.hasProperty('recurrence-id')) ?? null;
  } catch { return null; }
}

const partstatOf = (c: Component, email: string) => {
  const p = c.getAllProperties('attendee').find((a) => mailtoAddress(a.getFirstValue()) === email);
  return p ? String(p.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() : null;
};

/**
 * The organizer's new text, with the attendee's PARTSTAT from their current copy when the
 * organizer's update leaves the timing alone and asks NEEDS-ACTION (an organizer client that had
 * not yet seen the attendee's reply); a rescheduled event takes the organizer's PARTSTAT.
 */
export function keepPartstat(mine: string, incoming: string, email: string): string {
  const a = mainOf(mine);
  const b = mainOf(incoming);
  if (!a || !b) return incoming;
  const timing = (c: Component) => TIMING.map((n) => c.getAllProperties(n).map((p) => p.toICALString()).sort().join('|')).join('\n');
  if (timing(a) !== timing(b)) return incoming;
  const was = partstatOf(a, email);
  const now = partstatOf(b, email);
  if (!was || was === 'NEEDS-ACTION' || now !== 'NEEDS-ACTION') return incoming;
  return setAttendeeParam(incoming, 'PARTSTAT', new Map([[email, was]]));
}
