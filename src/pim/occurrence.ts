/**
 * One occurrence of a recurring VEVENT (RFC 5545 §3.8.4.4 RECURRENCE-ID), for the ActiveSync
 * commands that name an instance by its start ([MS-ASCMD] 2.2.3.92 InstanceId): MeetingResponse
 * answers it, SmartForward forwards it.
 */
import ICAL from 'ical.js';

type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

/** The series' own start time of the occurrence that starts at `instance` (ms), or null. */
export function findOccurrence(master: Component, instance: number): Time | null {
  if (!(master.hasProperty('rrule') || master.hasProperty('rdate'))) return null;
  const it = new ICAL.Event(master).iterator();
  for (let i = 0, next = it.next(); next && i < 100_000; i++, next = it.next()) {
    const ms = next.toJSDate().getTime();
    if (ms === instance) return next;
    if (ms > instance) break;
  }
  return null;
}

/** The override component of `root` whose RECURRENCE-ID is `instance` (ms), if there is one. */
export function overrideAt(root: Component, instance: number): Component | undefined {
  return root.getAllSubcomponents('vevent').find((o) => {
    const rid = o.getFirstPropertyValue('recurrence-id');
    return rid instanceof ICAL.Time && rid.toJSDate().getTime() === instance;
  });
}

/**
 * The override for occurrence `hit` of `master`: the existing one, or a new copy of the master
 * without its recurrence rules, moved to the occurrence (DTSTART, and DTEND by the series'
 * duration, in the master's TZID), added to `root`.
 */
export function overrideFor(root: Component, master: Component, hit: Time): Component {
  const existing = overrideAt(root, hit.toJSDate().getTime());
  if (existing) return existing;
  const override = ICAL.Component.fromString(master.toString());
  for (const n of ['rrule', 'rdate', 'exdate']) override.removeAllProperties(n);
  const dur = new ICAL.Event(master).duration;
  const tzid = master.getFirstProperty('dtstart')!.getParameter('tzid');
  override.updatePropertyWithValue('dtstart', hit.clone());
  const rid = override.addPropertyWithValue('recurrence-id', hit.clone());
  if (typeof tzid === 'string') { rid.setParameter('tzid', tzid); override.getFirstProperty('dtstart')!.setParameter('tzid', tzid); }
  if (override.hasProperty('dtend')) {
    const end = hit.clone();
    end.addDuration(dur);
    override.updatePropertyWithValue('dtend', end);
    if (typeof tzid === 'string') override.getFirstProperty('dtend')!.setParameter('tzid', tzid);
  }
  root.addSubcomponent(override);
  return override;
}
