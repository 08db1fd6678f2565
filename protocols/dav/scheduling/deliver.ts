/**
 * Delivery of iTIP messages (RFC 5546) inside Hearth (RFC 6638 §3.2): into the recipient's
 * schedule inbox and onto the recipient's default calendar. Recipients outside the organizer's
 * domain, or unknown, go through the iMIP seam (scheduling/imip.ts) instead.
 */
import ICAL from 'ical.js';
import type { Account } from '../../../src/model/types.js';
import { calendarItemFields } from '../../../src/pim/item.js';
import { fileInScheduleInbox } from '../../../src/pim/schedule-inbox.js';
import type { DavRequest } from '../request.js';
import { newScheduleTag } from './schedule-tag.js';
import { setAttendeeParam } from '../../../src/pim/attendee-params.js';

type Component = InstanceType<typeof ICAL.Component>;

export const mailto = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

/** The recipient account when it is inside the sender's domain, else null (iMIP). */
export async function internalRecipient(q: DavRequest, email: string): Promise<Account | null> {
  const a = await q.svc.ctx.store.getAccount(email);
  return a && a.domainId === q.user.domainId && !a.disabled ? a : null;
}

export function withMethod(root: Component, method: string): string {
  const c = ICAL.Component.fromString(root.toString());
  c.removeAllProperties('method');
  c.addPropertyWithValue('method', method);
  return c.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

export function withoutMethod(text: string): string {
  return text.replace(/^METHOD:[^\r\n]*\r?\n/im, '');
}

/** Puts the message in the inbox and applies it to the recipient's default calendar. */
export async function deliver(q: DavRequest, to: Account, method: 'REQUEST' | 'CANCEL' | 'REPLY', message: string, uid: string, apply?: string): Promise<void> {
  const store = q.svc.ctx.store;
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

/** Properties whose change reschedules the event (the organizer then asks every attendee again). */
const TIMING = ['dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate'];

function mainOf(text: string): Component | null {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    return root.getAllSubcomponents().find((c) => (c.name === 'vevent' || c.name === 'vtodo') && !c.hasProperty('recurrence-id')) ?? null;
  } catch { return null; }
}

const partstatOf = (c: Component, email: string) => {
  const p = c.getAllProperties('attendee').find((a) => mailto(a.getFirstValue()) === email);
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
