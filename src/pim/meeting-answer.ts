/**
 * An attendee's answer to a meeting (RFC 5546 §3.2.3, RFC 5545 §3.2.12 PARTSTAT), as Exchange
 * keeps it on the attendee's copy: a fresh invitation waits as tentative (busy status TENTATIVE,
 * the organizer's intended status kept in X-MICROSOFT-CDO-INTENDEDSTATUS, [MS-OXCICAL]
 * 2.1.3.1.1.20.9/.11); accepting takes the intended status, a tentative answer stays TENTATIVE.
 * Edits are line-level (src/pim/attendee-params.ts, src/pim/patch.ts): the rest of the stored
 * object is kept byte for byte.
 */
import ICAL from 'ical.js';
import { setAttendeeParam } from './attendee-params.js';
import { patchObject } from './patch.js';
import { findOccurrence, overrideFor } from './occurrence.js';

type Component = InstanceType<typeof ICAL.Component>;

export type Answer = 'ACCEPTED' | 'TENTATIVE' | 'DECLINED';

const mailto = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();
const crlf = (c: Component) => c.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
const BUSY = { managed: { VEVENT: ['X-MICROSOFT-CDO-BUSYSTATUS', 'X-MICROSOFT-CDO-INTENDEDSTATUS'] } };

function scheduled(root: Component): Component[] {
  return root.getAllSubcomponents().filter((c) => c.name === 'vevent' || c.name === 'vtodo');
}

/** The busy status the organizer meant (Outlook's INTENDEDSTATUS, else the CDO status, else TRANSP). */
function intended(c: Component): string {
  const v = c.getFirstPropertyValue('x-microsoft-cdo-intendedstatus') ?? c.getFirstPropertyValue('x-microsoft-cdo-busystatus');
  if (typeof v === 'string' && v.trim()) return v.trim().toUpperCase();
  return String(c.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT' ? 'FREE' : 'BUSY';
}

/** Sets the busy statuses of every VEVENT of `ics` (line-level patch). */
function withBusy(ics: string, status: (c: Component) => string): string {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const c of scheduled(root)) {
    if (c.name !== 'vevent') continue;
    const keep = intended(c);
    c.updatePropertyWithValue('x-microsoft-cdo-intendedstatus', keep);
    c.updatePropertyWithValue('x-microsoft-cdo-busystatus', status(c) === 'INTENDED' ? keep : status(c));
  }
  return patchObject(ics, crlf(root), BUSY);
}

/** The attendee's copy of an invitation (an iTIP REQUEST): no METHOD, tentative until answered. */
export function tentativeCopy(itip: string, attendee: string): string {
  const root = new ICAL.Component(ICAL.parse(itip));
  root.removeAllProperties('method');
  const me = attendee.toLowerCase();
  const text = setAttendeeParam(crlf(root), 'PARTSTAT', new Map([[me, 'NEEDS-ACTION']]));
  return withBusy(text, () => 'TENTATIVE');
}

/** The attendee's copy after answering (accept or tentative; a decline removes the copy). */
export function answeredCopy(ics: string, attendee: string, answer: Answer): string {
  const text = setAttendeeParam(ics, 'PARTSTAT', new Map([[attendee.toLowerCase(), answer]]));
  return withBusy(text, () => (answer === 'ACCEPTED' ? 'INTENDED' : 'TENTATIVE'));
}

/** The organizer's address and the attendee's current PARTSTAT, or null when `ics` is not a meeting. */
export function meetingRoles(ics: string, attendee: string): { organizer: string; uid: string; partstat: string | null; recurring: boolean } | null {
  let root: Component;
  try { root = new ICAL.Component(ICAL.parse(ics)); } catch { return null; }
  const comps = scheduled(root);
  const main = comps.find((c) => !c.hasProperty('recurrence-id')) ?? comps[0];
  if (!main) return null;
  const organizer = mailto(main.getFirstPropertyValue('organizer'));
  if (!organizer) return null;
  const me = main.getAllProperties('attendee').find((p) => mailto(p.getFirstValue()) === attendee.toLowerCase());
  return {
    organizer, uid: String(main.getFirstPropertyValue('uid') ?? ''),
    partstat: me ? String(me.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() : null,
    recurring: main.hasProperty('rrule') || main.hasProperty('rdate'),
  };
}

/**
 * The iTIP REPLY (RFC 5546 §3.2.3) of `attendee` to the meeting `ics`: METHOD:REPLY, each
 * scheduled component with its UID, RECURRENCE-ID, SEQUENCE, times, SUMMARY, the ORGANIZER and
 * only the replying ATTENDEE with its PARTSTAT. `recurrenceId` limits it to one occurrence.
 */
export function replyItip(ics: string, attendee: string, answer: Answer, now: Date, recurrenceId?: InstanceType<typeof ICAL.Time>): string {
  const src = new ICAL.Component(ICAL.parse(ics));
  const out = new ICAL.Component(['vcalendar', [], []]);
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('prodid', '-//Hearth//Meetings//EN');
  out.addPropertyWithValue('method', 'REPLY');
  for (const tz of src.getAllSubcomponents('vtimezone')) out.addSubcomponent(ICAL.Component.fromString(tz.toString()));
  const me = attendee.toLowerCase();
  const comps = scheduled(src).filter((c) => !c.hasProperty('recurrence-id'));
  for (const c of comps) {
    const r = new ICAL.Component(c.name);
    for (const name of ['uid', 'sequence', 'dtstart', 'dtend', 'duration', 'due', 'rrule', 'summary', 'organizer']) {
      for (const p of c.getAllProperties(name)) r.addProperty(ICAL.Property.fromString(p.toICALString()));
    }
    if (recurrenceId) {
      // One occurrence (RFC 5546 §3.2.3): its RECURRENCE-ID and its own times, no rule.
      r.removeAllProperties('rrule');
      const tzid = c.getFirstProperty('dtstart')?.getParameter('tzid');
      const zoned = (p: InstanceType<typeof ICAL.Property>) => {
        if (typeof tzid === 'string' && !recurrenceId.isDate && recurrenceId.zone !== ICAL.Timezone.utcTimezone) p.setParameter('tzid', tzid);
      };
      zoned(r.addPropertyWithValue('recurrence-id', recurrenceId.clone()));
      const dur = new ICAL.Event(c).duration;
      r.removeAllProperties('dtstart');
      r.removeAllProperties('dtend');
      r.removeAllProperties('duration');
      zoned(r.addPropertyWithValue('dtstart', recurrenceId.clone()));
      const end = recurrenceId.clone();
      end.addDuration(dur);
      zoned(r.addPropertyWithValue('dtend', end));
    }
    r.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
    const mine = c.getAllProperties('attendee').find((p) => mailto(p.getFirstValue()) === me);
    const a = mine ? ICAL.Property.fromString(mine.toICALString()) : new ICAL.Property('attendee');
    if (!mine) a.setValue(`mailto:${me}`);
    a.setParameter('partstat', answer);
    a.removeParameter('rsvp');
    r.addProperty(a);
    out.addSubcomponent(r);
  }
  return crlf(out);
}

/**
 * The attendee's answer to one occurrence of a series ([MS-ASCMD] 2.2.3.92.1 InstanceId): a
 * decline adds an EXDATE (the occurrence leaves the attendee's calendar, as Exchange does); an
 * accept or tentative answer adds (or updates) the override component with that RECURRENCE-ID.
 * Returns null when `instance` is not an occurrence of the series.
 */
export function answerOccurrence(ics: string, attendee: string, answer: Answer, instance: number): { text: string; recurrenceId: InstanceType<typeof ICAL.Time> } | null {
  const root = new ICAL.Component(ICAL.parse(ics));
  const master = root.getAllSubcomponents('vevent').find((c) => !c.hasProperty('recurrence-id'));
  const hit = master ? findOccurrence(master, instance) : null;
  if (!master || !hit) return null;
  const me = attendee.toLowerCase();
  if (answer === 'DECLINED') {
    master.addPropertyWithValue('exdate', hit.clone());
    const ex = master.getAllProperties('exdate').at(-1)!;
    const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid');
    if (typeof tzid === 'string') ex.setParameter('tzid', tzid);
    for (const o of root.getAllSubcomponents('vevent')) {
      const rid = o.getFirstPropertyValue('recurrence-id');
      if (rid instanceof ICAL.Time && rid.toJSDate().getTime() === instance) root.removeSubcomponent(o);
    }
    return { text: patchObject(ics, crlf(root), { managed: { VEVENT: ['EXDATE'] }, managedComponents: ['VEVENT'] }), recurrenceId: hit };
  }
  const override = overrideFor(root, master, hit);
  for (const p of override.getAllProperties('attendee')) if (mailto(p.getFirstValue()) === me) p.setParameter('partstat', answer);
  const busy = answer === 'ACCEPTED' ? intended(override) : 'TENTATIVE';
  override.updatePropertyWithValue('x-microsoft-cdo-busystatus', busy);
  return { text: patchObject(ics, crlf(root), { managed: { VEVENT: [] }, managedComponents: ['VEVENT'] }), recurrenceId: hit };
}
