/**
 * Forwarding a meeting to people the organizer did not invite (RFC 5546 §3.2.2.6; [MS-ASCMD]
 * 2.2.3.169 SmartForward with Forwardees, 16.0+). The forwarded REQUEST names each forwardee as an
 * ATTENDEE (NEEDS-ACTION, RSVP), as Outlook and Exchange do, so that the forwardee's client can
 * answer the organizer; the rest of the object is the stored one. With an instance (ms) only that
 * occurrence is forwarded, as an override with its RECURRENCE-ID.
 *
 * When the forwarding user organizes the meeting (or it had no ORGANIZER: a plain appointment
 * forwarded becomes the user's meeting), the stored event takes the forwardees as attendees too,
 * so that later updates and cancellations reach them; an attendee's forward leaves the stored copy
 * alone (the organizer learns of the forwardee from the forwardee's REPLY, §3.2.2.6).
 */
import ICAL from 'ical.js';
import { findOccurrence, overrideFor } from './occurrence.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface Forwardee { email: string; name?: string }

export interface ForwardedMeeting {
  uid: string;
  /** The iTIP REQUEST to send to the forwardees (METHOD:REQUEST). */
  itip: string;
  /** The stored event with the forwardees added, when the user organizes it; else null. */
  stored: string | null;
  summary: string;
}

const mailto = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();
const crlf = (c: Component) => c.toString().replace(/\r?\n/g, '\r\n') + '\r\n';

function addAttendees(c: Component, forwardees: Forwardee[]): void {
  const present = new Set(c.getAllProperties('attendee').map((p) => mailto(p.getFirstValue())));
  for (const f of forwardees) {
    if (present.has(f.email)) continue;
    const p = new ICAL.Property('attendee');
    p.setValue(`mailto:${f.email}`);
    if (f.name) p.setParameter('cn', f.name);
    p.setParameter('role', 'REQ-PARTICIPANT');
    p.setParameter('partstat', 'NEEDS-ACTION');
    p.setParameter('rsvp', 'TRUE');
    c.addProperty(p);
    present.add(f.email);
  }
}

function setOrganizer(c: Component, user: string): void {
  if (c.hasProperty('organizer')) return;
  c.addPropertyWithValue('organizer', `mailto:${user}`);
}

/**
 * The REQUEST forwarding `ics` (a stored VCALENDAR) from `user` to `forwardees`, and the stored
 * copy's update; null when `ics` holds no VEVENT or `instance` is not an occurrence of it.
 */
export function forwardMeeting(ics: string, user: string, forwardees: Forwardee[], instance?: number): ForwardedMeeting | null {
  let root: Component;
  try { root = new ICAL.Component(ICAL.parse(ics)); } catch { return null; }
  const events = root.getAllSubcomponents('vevent');
  const master = events.find((c) => !c.hasProperty('recurrence-id')) ?? events[0];
  if (!master) return null;
  const me = user.toLowerCase();
  const uid = String(master.getFirstPropertyValue('uid') ?? '').trim();
  if (!uid) return null;
  const organizer = mailto(master.getFirstPropertyValue('organizer'));
  const mine = !organizer || organizer === me;
  const who = forwardees.map((f) => ({ email: f.email.trim().toLowerCase(), ...(f.name?.trim() ? { name: f.name.trim() } : {}) }));

  // The stored copy (the user's meeting only): the forwardees join the series or the occurrence.
  let stored: string | null = null;
  let picked: Component[];
  if (instance !== undefined) {
    const hit = findOccurrence(master, instance);
    if (!hit) return null;
    const occurrence = overrideFor(root, master, hit);
    picked = [occurrence];
  } else {
    picked = root.getAllSubcomponents('vevent');
  }
  if (mine) {
    for (const c of picked) { setOrganizer(c, me); addAttendees(c, who); }
    stored = crlf(root);
  }

  // The REQUEST: the time zones, then the forwarded component(s), each naming the forwardees.
  const out = new ICAL.Component('vcalendar');
  out.addPropertyWithValue('prodid', '-//Hearth//ActiveSync meeting forward//EN');
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('method', 'REQUEST');
  for (const tz of root.getAllSubcomponents('vtimezone')) out.addSubcomponent(ICAL.Component.fromString(tz.toString()));
  for (const c of picked) {
    const copy = ICAL.Component.fromString(c.toString());
    setOrganizer(copy, me);
    addAttendees(copy, who);
    out.addSubcomponent(copy);
  }
  return { uid, itip: crlf(out), stored, summary: String(master.getFirstPropertyValue('summary') ?? '').trim() };
}
