/**
 * The time zone of one converted event: which TZID its DTSTART carries, how to turn an instant
 * into wall-clock time there, and the VTIMEZONE to store beside it.
 */
import ICAL from 'ical.js';
import { getVTimezone, intlOffsetMinutes, canonicalZone } from '../../../src/pim/timezones.js';
import { blobOffsetAt, decodeTimeZone, matchIanaZone, timeZoneFromIana, timeZoneFromVTimezone, vtimezoneFromBlob, UTC_BLOB, type EasTimeZone } from './timezone.js';

export interface EventZone {
  /** null = UTC ("Z" times). */
  tzid: string | null;
  offsetAt(ms: number): number;
  vtimezone?: string;
}

export const UTC_ZONE: EventZone = { tzid: null, offsetAt: () => 0 };
const UTC_IDS = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Z']);

export function ianaZone(tzid: string): EventZone {
  const canonical = canonicalZone(tzid);
  if (!canonical || UTC_IDS.has(canonical)) return UTC_ZONE;
  return { tzid: canonical, offsetAt: (ms) => intlOffsetMinutes(canonical, ms), vtimezone: getVTimezone(canonical) };
}

/** Zone of an incoming TimeZone blob: the matching IANA zone, else a VTIMEZONE made from the blob. */
export function zoneFromBlob(b64: string | undefined, atMs: number | undefined, fallback?: string): EventZone {
  if (b64 === undefined || b64.trim() === '') return fallback ? ianaZone(fallback) : UTC_ZONE;
  const tz = decodeTimeZone(b64);
  const year = new Date(atMs ?? Date.now()).getUTCFullYear();
  if (tz.bias === 0 && tz.standardBias === 0 && (tz.daylightDate.month === 0 || tz.daylightBias === 0)) return UTC_ZONE;
  const iana = matchIanaZone(tz, year);
  if (iana) return ianaZone(iana);
  const std = -(tz.bias + tz.standardBias);
  const sign = std < 0 ? '-' : '+';
  const a = Math.abs(std);
  const tzid = tz.standardName.trim() || `EAS ${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
  return { tzid, offsetAt: (ms) => blobOffsetAt(tz, ms), vtimezone: vtimezoneFromBlob(tz, tzid) };
}

/** The blob for a DTSTART: its TZID's VTIMEZONE in the object, a bundled zone, or the fallback zone. */
export function blobForZone(root: InstanceType<typeof ICAL.Component>, tzid: string | null, year: number, fallback?: string): EasTimeZone {
  if (tzid) {
    const local = root.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
    const canonical = canonicalZone(tzid);
    if (canonical) return UTC_IDS.has(canonical) ? UTC_BLOB : timeZoneFromIana(canonical, year);
    if (local) {
      // Outlook's and Apple's VTIMEZONEs often carry a Windows or IANA name: prefer the real zone.
      return timeZoneFromVTimezone(local, year);
    }
  }
  if (fallback && canonicalZone(fallback)) return timeZoneFromIana(fallback, year);
  return UTC_BLOB;
}

/** Offset function for an ICAL zone (VTIMEZONE in the object or bundled). */
export function offsetFnFor(root: InstanceType<typeof ICAL.Component>, tzid: string | null, fallback?: string): (ms: number) => number {
  if (tzid) {
    const canonical = canonicalZone(tzid);
    if (canonical) return (ms) => intlOffsetMinutes(canonical, ms);
    const local = root.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
    if (local) {
      const tz = new ICAL.Timezone(local);
      return (ms) => Math.round(tz.utcOffset(ICAL.Time.fromJSDate(new Date(Math.floor(ms / 1000) * 1000), true).convertToZone(tz)) / 60);
    }
  }
  if (fallback && canonicalZone(fallback)) return ianaZone(fallback).offsetAt;
  return () => 0;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Wall-clock parts of an instant in a zone. */
export function localParts(ms: number, offsetAt: (ms: number) => number): { year: number; month: number; day: number; hour: number; minute: number; second: number; dayOfWeek: number } {
  const d = new Date(ms + offsetAt(ms) * 60_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), dayOfWeek: d.getUTCDay() };
}

/** The instant of a wall-clock time in a zone (the first of two at a fall-back, the shifted one at a gap). */
export function fromLocal(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetAt: (ms: number) => number): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  let ms = guess - offsetAt(guess) * 60_000;
  ms = guess - offsetAt(ms) * 60_000;
  return ms;
}

export function icalDate(p: { year: number; month: number; day: number }): string {
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}`;
}

export function icalLocal(ms: number, offsetAt: (ms: number) => number): string {
  const p = localParts(ms, offsetAt);
  return `${icalDate(p)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`;
}
