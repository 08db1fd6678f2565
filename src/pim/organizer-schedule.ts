/**
 * Scheduling as the organizer when a client that leaves it to the server writes a meeting
 * (RFC 6638 §3.2.1 for CalDAV; [MS-ASCMD] 2.2.1.21 for ActiveSync 16.0+, where the server sends
 * the meeting requests of a meeting the client creates with attendees): attendees inside the
 * organizer's domain get the REQUEST or CANCEL through src/pim/itip-deliver.ts, the others an
 * iMIP message through the sender given (the outbound queue). Unlike a CalDAV PUT, a phone
 * rewrites its event for local reasons (a reminder, a category): a REQUEST goes out only when
 * the meeting itself changed (times, recurrence, place, title, the attendee list, cancellation).
 */
import ICAL from 'ical.js';
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { deliverItip, mailtoAddress as mailto } from './itip-deliver.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface ItipSender {
  send(msg: { from: string; to: string[]; method: string; ics: string }): Promise<void>;
}

const MEETING = ['dtstart', 'dtend', 'duration', 'rrule', 'rdate', 'exdate', 'location', 'summary', 'status'];

function parse(text: string | null): { root: Component; main: Component } | null {
  if (!text) return null;
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    const main = root.getAllSubcomponents('vevent').find((c) => !c.hasProperty('recurrence-id'));
    return main ? { root, main } : null;
  } catch { return null; }
}

const attendeesOf = (c: Component, organizer: string) => c.getAllProperties('attendee')
  .filter((p) => String(p.getParameter('schedule-agent') ?? 'SERVER').toUpperCase() === 'SERVER')
  .map((p) => mailto(p.getFirstValue())).filter((a) => a && a !== organizer);

const fingerprint = (c: Component, organizer: string) =>
  [...MEETING.map((n) => c.getAllProperties(n).map((p) => p.toICALString()).sort().join('|')), attendeesOf(c, organizer).sort().join(',')].join('\n');

function withMethod(root: Component, method: string): string {
  const c = ICAL.Component.fromString(root.toString());
  c.removeAllProperties('method');
  c.addPropertyWithValue('method', method);
  return c.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** Sends what the organizer's write means to its attendees; returns the addresses told. */
export async function scheduleAsOrganizer(store: Store, owner: Account, before: string | null, after: string | null, imip: ItipSender): Promise<string[]> {
  const me = owner.email.toLowerCase();
  const prev = parse(before);
  const now = parse(after);
  const isMine = (x: typeof prev) => !!x && mailto(x.main.getFirstPropertyValue('organizer')) === me;
  if (!isMine(prev) && !isMine(now)) return [];
  const send = async (to: string, method: 'REQUEST' | 'CANCEL', x: { root: Component; main: Component }, apply?: string) => {
    const message = withMethod(x.root, method);
    const uid = String(x.main.getFirstPropertyValue('uid') ?? '');
    const account = await store.getAccount(to);
    if (account && account.kind === 'user' && !account.disabled && account.domainId === owner.domainId) {
      await deliverItip(store, account, method, message, uid, apply);
    } else {
      await imip.send({ from: me, to: [to], method, ics: message });
    }
  };
  const told: string[] = [];
  const gone = prev && isMine(prev) ? attendeesOf(prev.main, me).filter((a) => !now || !attendeesOf(now.main, me).includes(a)) : [];
  for (const a of gone) { await send(a, 'CANCEL', prev!); told.push(a); }
  if (now && isMine(now)) {
    const cancelled = String(now.main.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
    if (!prev || fingerprint(prev.main, me) !== fingerprint(now.main, me)) {
      for (const a of attendeesOf(now.main, me)) {
        await send(a, cancelled ? 'CANCEL' : 'REQUEST', now, cancelled ? undefined : after!.replace(/^METHOD:[^\r\n]*\r?\n/im, ''));
        told.push(a);
      }
    }
  }
  return told;
}
