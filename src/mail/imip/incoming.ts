/**
 * Incoming iMIP (RFC 6047) at local delivery: a message carrying a text/calendar part with a
 * METHOD is, besides staying in the mail inbox, applied to the recipient's calendar data:
 *
 * - REPLY (RFC 5546 §3.2.3) to a local organizer: the one ATTENDEE whose address is the
 *   message's From gets the PARTSTAT of the reply on the organizer's event (found by UID in the
 *   organizer's calendars); nothing else in the event changes. A reply from an address that is
 *   not an attendee of that event, or whose iTIP object names other attendees only, changes
 *   nothing (RFC 6047 §3 / §6: the From must match the replying attendee; a forged reply must
 *   not move another attendee's answer). The write goes through the store, so change tracking
 *   wakes the organizer's ActiveSync Ping and DAV sync like any other write.
 * - REQUEST and CANCEL (§3.2.2, §3.2.5) to a local user: the iTIP object is filed in the user's
 *   schedule inbox (RFC 6638 §4.1) for the calendar client to act on; the calendar itself is
 *   not changed by mail from outside.
 *
 * Anything unreadable (no calendar part, a part too large, a broken iCalendar, a METHOD that
 * disagrees with the Content-Type's method parameter) is skipped: delivery never fails for it.
 */
import ICAL from 'ical.js';
import type { Account } from '../../model/types.js';
import type { MimePart, ParsedMessage } from '../../model/mail.js';
import type { Store } from '../../store/store.js';
import { setAttendeeParam } from '../../pim/attendee-params.js';
import { calendarItemFields } from '../../pim/item.js';
import { fileInScheduleInbox } from '../../pim/schedule-inbox.js';
import { fileInvitation } from '../../pim/invitation.js';
import { allParts } from '../mime-parts.js';
import { decodedText } from '../part-content.js';

/** The largest encoded calendar part read (an invitation is a few KB; a big attachment is not iTIP). */
export const MAX_IMIP_PART_BYTES = 256 * 1024;

/** RFC 5545 §3.2.12 participation statuses a reply may carry for a VEVENT or VTODO. */
const PARTSTATS = new Set(['ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED', 'NEEDS-ACTION', 'COMPLETED', 'IN-PROCESS']);

export interface ImipOutcome {
  address: string;
  method: string;
  /** applied: the organizer's event changed; filed: put in the schedule inbox; ignored: nothing. */
  result: 'applied' | 'filed' | 'ignored';
  reason?: string;
}

type Component = InstanceType<typeof ICAL.Component>;

const mailto = (v: unknown) =>
  String(v ?? '')
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();

/** The text/calendar part that carries iTIP (RFC 6047 §2.4: the method parameter), else the first one. */
export function calendarPart(root: MimePart): MimePart | null {
  const cals = allParts(root).filter((p) => p.type === 'text' && p.subtype === 'calendar');
  return cals.find((p) => p.params.method) ?? cals[0] ?? null;
}

/** A readable iTIP object: its METHOD, text, VCALENDAR and main component (the master, if any). */
export interface Itip { method: string; text: string; root: Component; main: Component }

/** The iTIP object of the message, or why there is none. */
async function readItip(raw: Buffer, parsed: ParsedMessage): Promise<Itip | string> {
  const part = calendarPart(parsed.mime);
  if (!part) return 'no calendar part';
  if (part.bodyEnd - part.bodyStart > MAX_IMIP_PART_BYTES) return 'calendar part too large';
  let text: string;
  try {
    text = await decodedText(raw, part);
  } catch {
    return 'unreadable iCalendar';
  }
  return itipFromText(text, part);
}

/** Parses the decoded text of a calendar part as iTIP (shared with ActiveSync's MeetingRequest). */
export function itipFromText(text: string, part: Pick<MimePart, 'params'>): Itip | string {
  let root: Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch {
    return 'unreadable iCalendar';
  }
  if (root.name !== 'vcalendar') return 'not a VCALENDAR';
  const method = String(root.getFirstPropertyValue('method') ?? '')
    .trim()
    .toUpperCase();
  if (!method) return 'no METHOD';
  if (part.params.method && part.params.method.trim().toUpperCase() !== method) return 'METHOD disagrees with the Content-Type';
  const comps = root.getAllSubcomponents().filter((c) => c.name === 'vevent' || c.name === 'vtodo');
  const main = comps.find((c) => !c.hasProperty('recurrence-id')) ?? comps[0];
  if (!main) return 'no VEVENT or VTODO';
  if (!String(main.getFirstPropertyValue('uid') ?? '').trim()) return 'no UID';
  return { method, text, root, main };
}

/**
 * Applies the message's iTIP object for each local recipient whose copy reached the inbox.
 * Never throws for the message's content; store errors are returned as ignored outcomes too,
 * since the mail itself is already delivered.
 */
export async function acceptImip(store: Store, recipients: Account[], raw: Buffer, parsed: ParsedMessage): Promise<ImipOutcome[]> {
  if (recipients.length === 0) return [];
  const itip = await readItip(raw, parsed);
  if (typeof itip === 'string')
    return itip === 'no calendar part' ? [] : recipients.map((a) => ({ address: a.email, method: '', result: 'ignored', reason: itip }));
  const sender = (parsed.envelope.from.find((f) => f.address)?.address ?? '').trim().toLowerCase();
  const out: ImipOutcome[] = [];
  for (const account of recipients) {
    const base = { address: account.email, method: itip.method };
    try {
      if (itip.method === 'REPLY') {
        const r = await applyReply(store, account, sender, itip.main);
        // An applied reply also waits in the organizer's schedule inbox, as one from inside Hearth does.
        if (r.result === 'applied') await fileInScheduleInbox(store, account, itip.text);
        out.push({ ...base, ...r });
      } else if (itip.method === 'REQUEST' || itip.method === 'CANCEL') {
        // The organizer's own copy (in Cc, or a list it is on) is not an invitation to itself.
        if (mailto(itip.main.getFirstPropertyValue('organizer')) === account.email) {
          out.push({ ...base, result: 'ignored', reason: 'recipient is the organizer' });
          continue;
        }
        await fileInScheduleInbox(store, account, itip.text);
        // Exchange's behaviour, which phones expect: the invitation is also a tentative event.
        if (itip.main.name === 'vevent') await fileInvitation(store, account, itip.method, itip.text);
        out.push({ ...base, result: 'filed' });
      } else out.push({ ...base, result: 'ignored', reason: 'method not handled' });
    } catch (e) {
      out.push({ ...base, result: 'ignored', reason: `store: ${(e as Error).message}` });
    }
  }
  return out;
}

async function applyReply(
  store: Store,
  organizer: Account,
  sender: string,
  reply: Component,
): Promise<Omit<ImipOutcome, 'address' | 'method'>> {
  if (mailto(reply.getFirstPropertyValue('organizer')) !== organizer.email)
    return { result: 'ignored', reason: 'recipient is not the organizer' };
  if (!sender) return { result: 'ignored', reason: 'no From address' };
  // Only the attendee who sent the message speaks for itself (RFC 6047 §3).
  const answer = reply.getAllProperties('attendee').find((p) => mailto(p.getFirstValue()) === sender);
  if (!answer) return { result: 'ignored', reason: 'sender is not the replying attendee' };
  const partstat = String(answer.getParameter('partstat') ?? '')
    .trim()
    .toUpperCase();
  if (!PARTSTATS.has(partstat)) return { result: 'ignored', reason: 'no valid PARTSTAT' };
  const uid = String(reply.getFirstPropertyValue('uid')).trim();
  const event = await findByUid(store, organizer, uid);
  if (!event?.content) return { result: 'ignored', reason: 'no such event' };
  const stored = mainOf(event.content);
  if (!stored || mailto(stored.getFirstPropertyValue('organizer')) !== organizer.email)
    return { result: 'ignored', reason: 'not the organizer of the stored event' };
  if (!stored.getAllProperties('attendee').some((p) => mailto(p.getFirstValue()) === sender))
    return { result: 'ignored', reason: 'sender is not an attendee' };
  const next = setAttendeeParam(event.content, 'PARTSTAT', new Map([[sender, partstat]]));
  if (next === event.content) return { result: 'ignored', reason: 'unchanged' };
  // A merged reply keeps the Schedule-Tag (props untouched): RFC 6638 §3.2.10 "inconsequential".
  await store.updateItem(event.id, { ...calendarItemFields(next), uid: event.uid });
  return { result: 'applied' };
}

/** The organizer's event with this UID in any of the organizer's own calendars or task lists. */
export async function findByUid(store: Store, account: Account, uid: string) {
  const folders = (await store.listFolders(account.id)).filter(
    (f) => (f.kind === 'calendar' || f.kind === 'tasks') && f.role !== 'schedule-inbox' && f.role !== 'schedule-outbox',
  );
  for (const f of folders) {
    const item = await store.getItemByUid(f.id, uid);
    if (item) return item;
  }
  return null;
}

function mainOf(text: string): Component | null {
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    return root.getAllSubcomponents().find((c) => (c.name === 'vevent' || c.name === 'vtodo') && !c.hasProperty('recurrence-id')) ?? null;
  } catch {
    return null;
  }
}
