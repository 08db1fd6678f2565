/**
 * An invitation that arrived by mail (iMIP, RFC 6047) on the invitee's calendar, as Exchange
 * does it: a REQUEST puts a tentative copy (PARTSTAT NEEDS-ACTION, busy status TENTATIVE) in
 * the default calendar until the user answers; a CANCEL removes the copy. Guards:
 * - one event per UID: when the user's calendars already hold it (an organizer inside Hearth
 *   delivered it by CalDAV scheduling, src/pim/itip-deliver.ts), only a newer revision
 *   (RFC 5546 §2.1.5: SEQUENCE, then DTSTAMP) updates it, keeping the user's answer unless the
 *   meeting was rescheduled;
 * - mail never changes an event of another organizer, nor one the user organizes;
 * - VTODO requests stay in the schedule inbox only.
 */
import ICAL from 'ical.js';
import type { Account, Item } from '../model/types.js';
import type { Store } from '../store/store.js';
import { calendarItemFields } from './item.js';
import { keepPartstat, newScheduleTag } from './itip-deliver.js';
import { tentativeCopy } from './meeting-answer.js';

type Component = InstanceType<typeof ICAL.Component>;

export type InvitationResult = 'created' | 'updated' | 'unchanged' | 'removed' | 'skipped';

const mailto = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

/** The user's event with this UID in any own calendar (not the schedule inbox/outbox). */
export async function findEventByUid(store: Store, account: Account, uid: string): Promise<Item | null> {
  const folders = (await store.listFolders(account.id)).filter(
    (f) => f.kind === 'calendar' && f.role !== 'schedule-inbox' && f.role !== 'schedule-outbox',
  );
  for (const f of folders) {
    const item = await store.getItemByUid(f.id, uid);
    if (item) return item;
  }
  return null;
}

function masterOf(text: string): Component | null {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    const comps = root.getAllSubcomponents('vevent');
    return comps.find((c) => !c.hasProperty('recurrence-id')) ?? comps[0] ?? null;
  } catch { return null; }
}

/** RFC 5546 §2.1.5: a higher SEQUENCE is newer; with equal SEQUENCE, a later DTSTAMP. */
function isNewer(incoming: Component, stored: Component): boolean {
  const seq = (c: Component) => Number(c.getFirstPropertyValue('sequence') ?? 0) || 0;
  if (seq(incoming) !== seq(stored)) return seq(incoming) > seq(stored);
  const stamp = (c: Component) => { const v = c.getFirstPropertyValue('dtstamp'); return v instanceof ICAL.Time ? v.toUnixTime() : 0; };
  return stamp(incoming) > stamp(stored);
}

/** Applies an incoming REQUEST or CANCEL (`itip`, a VCALENDAR with METHOD) to `account`'s calendar. */
export async function fileInvitation(store: Store, account: Account, method: 'REQUEST' | 'CANCEL', itip: string): Promise<InvitationResult> {
  const incoming = masterOf(itip);
  if (!incoming) return 'skipped';
  const uid = String(incoming.getFirstPropertyValue('uid') ?? '').trim();
  const organizer = mailto(incoming.getFirstPropertyValue('organizer'));
  if (!uid || !organizer || organizer === account.email.toLowerCase()) return 'skipped';
  const existing = await findEventByUid(store, account, uid);
  const stored = existing?.content ? masterOf(existing.content) : null;
  if (existing && (!stored || mailto(stored.getFirstPropertyValue('organizer')) !== organizer)) return 'skipped';
  if (method === 'CANCEL') {
    if (!existing) return 'unchanged';
    // A cancellation of one occurrence (RECURRENCE-ID) leaves the series to the user's client.
    if (incoming.hasProperty('recurrence-id')) return 'unchanged';
    await store.deleteItem(existing.id);
    return 'removed';
  }
  if (existing) {
    if (!isNewer(incoming, stored!)) return 'unchanged';
    const text = keepPartstat(existing.content!, tentativeCopy(itip, account.email), account.email);
    await store.updateItem(existing.id, { ...calendarItemFields(text), uid, props: { ...existing.props, scheduleTag: newScheduleTag() } });
    return 'updated';
  }
  const cal = await store.findFolderByRole(account.id, 'calendar');
  if (!cal) return 'skipped';
  const text = tentativeCopy(itip, account.email);
  await store.createItem({
    folderId: cal.id, name: `${uid.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}.ics`, ...calendarItemFields(text), uid,
    props: { scheduleTag: newScheduleTag() },
  });
  return 'created';
}
