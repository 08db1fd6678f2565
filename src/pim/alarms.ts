/**
 * When a VALARM fires, for the RFC 4791 §9.9 VALARM time-range test: the TRIGGER (RFC 5545
 * §3.8.6.3) relative to the start, or with RELATED=END to the end, of each instance of the
 * component that holds the alarm, or absolute; each repetition (REPEAT and DURATION, RFC 5545
 * §3.6.6) counts as an alarm time too.
 */
import ICAL from 'ical.js';
import type { CalendarObject } from './parse.js';
import { walkInstances } from './recurrence.js';

type Component = InstanceType<typeof ICAL.Component>;

/** Repetitions beyond this are ignored (bounds CPU on hostile alarms). */
const MAX_REPEAT = 1000;

const durationMs = (v: unknown): number | null => (v instanceof ICAL.Duration ? v.toSeconds() * 1000 : null);

/**
 * Does an alarm of `parent` (the master or one override of `obj`) fire in [rs, re)?
 * RFC 4791 §9.9: start <= trigger-time < end, for any instance and any repetition.
 */
export function alarmFiresIn(obj: CalendarObject, parent: Component, alarm: Component, rs: number, re: number): boolean {
  const trigger = alarm.getFirstProperty('trigger');
  if (!trigger) return false;
  const repeatRaw = Number(alarm.getFirstPropertyValue('repeat') ?? 0);
  const every = durationMs(alarm.getFirstPropertyValue('duration'));
  const repeat = every !== null && Number.isInteger(repeatRaw) && repeatRaw > 0 ? Math.min(repeatRaw, MAX_REPEAT) : 0;
  const step = every ?? 0;
  const fires = (base: number): boolean => {
    for (let k = 0; k <= repeat; k++) {
      const t = base + k * step;
      if (rs <= t && t < re) return true;
    }
    return false;
  };
  const value = trigger.getFirstValue();
  // Absolute trigger (VALUE=DATE-TIME, in UTC): one time whatever the recurrence.
  if (value instanceof ICAL.Time) return fires(value.toJSDate().getTime());
  const offset = durationMs(value);
  if (offset === null) return false;
  const fromEnd = String(trigger.getParameter('related') ?? '').toUpperCase() === 'END';
  const earliest = offset + Math.min(0, repeat * step);
  // An instance starting at or after re - earliest cannot fire in range (its end is not before its start).
  let hit = false;
  walkInstances(obj, re - earliest, (occ, from) => {
    if (from !== parent) return true;
    hit = fires((fromEnd ? occ.end : occ.start) + offset);
    return !hit;
  });
  return hit;
}
