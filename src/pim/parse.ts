import ICAL from 'ical.js';
import { PimParseError } from './errors.js';
import { ensureTimezonesRegistered } from './timezones.js';

/** Upper bound on the text we hand to ical.js: stored objects are small, hostile ones are not. */
export const MAX_OBJECT_BYTES = 4 * 1024 * 1024;

type Component = InstanceType<typeof ICAL.Component>;

function parseRoot(text: unknown, expected: 'vcalendar' | 'vcard', code: 'invalid-ical' | 'invalid-vcard'): Component {
  if (typeof text !== 'string') throw new PimParseError(code, 'input is not text');
  if (text.length > MAX_OBJECT_BYTES) throw new PimParseError('too-large', 'object too large');
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (err) {
    throw new PimParseError(code, `cannot parse ${expected}`, { cause: err });
  }
  // ICAL.parse returns an array of components when the text holds several roots.
  if (!Array.isArray(jcal) || jcal.length === 0) throw new PimParseError(code, 'empty object');
  if (Array.isArray(jcal[0])) {
    if (jcal.length !== 1) throw new PimParseError(code, `more than one ${expected} object`);
    jcal = jcal[0];
  }
  const root = new ICAL.Component(jcal as unknown[]);
  if (root.name !== expected) throw new PimParseError(code, `expected ${expected}, got ${String(root.name)}`);
  return root;
}

/** Parse one VCALENDAR, registering the bundled zones first so TZID references resolve. */
export function parseCalendar(ics: unknown): Component {
  ensureTimezonesRegistered();
  const root = parseRoot(ics, 'vcalendar', 'invalid-ical');
  // Zones defined inside the object win over the bundled ones for this object's times.
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    try {
      const tz = new ICAL.Timezone(vtz);
      if (!tz.tzid) throw new Error('VTIMEZONE without TZID');
    } catch (err) {
      throw new PimParseError('invalid-ical', 'invalid VTIMEZONE', { cause: err });
    }
  }
  return root;
}

export function parseVCard(vcf: unknown): Component {
  return parseRoot(vcf, 'vcard', 'invalid-vcard');
}

/**
 * Resolve the time zone of a DATE-TIME property: a VTIMEZONE in the same object first,
 * then the bundled IANA zones; undefined for UTC, floating or unknown TZIDs.
 */
export function zoneFor(root: Component, tzid: string | undefined | null): InstanceType<typeof ICAL.Timezone> | undefined {
  if (!tzid) return undefined;
  const local = root.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
  if (local) return new ICAL.Timezone(local);
  ensureTimezonesRegistered();
  return ICAL.TimezoneService.has(tzid) ? ICAL.TimezoneService.get(tzid) : undefined;
}

/** Epoch ms of an ICAL.Time, honouring the TZID parameter of its property. */
export function timeToEpoch(root: Component, prop: InstanceType<typeof ICAL.Property> | null): number | null {
  if (!prop) return null;
  const value = prop.getFirstValue();
  if (!(value instanceof ICAL.Time)) return null;
  const t = value.clone();
  const tzid = prop.getParameter('tzid');
  const zone = zoneFor(root, typeof tzid === 'string' ? tzid : undefined);
  if (zone && !t.isDate) t.zone = zone;
  return t.toUnixTime() * 1000;
}

export type ComponentType = 'VEVENT' | 'VTODO' | 'VJOURNAL';

/** The scheduling object resource of RFC 4791 §4.1: one UID, one master, its overrides. */
export interface CalendarObject {
  root: Component;
  type: ComponentType;
  uid: string;
  /** The component without RECURRENCE-ID; null when the object holds only overrides. */
  master: Component | null;
  overrides: Component[];
}

/** Parse and check the RFC 4791 §4.1 rules; throws PimParseError with a stable code. */
export function parseCalendarObject(ics: unknown): CalendarObject {
  const root = parseCalendar(ics);
  const comps = root.getAllSubcomponents().filter((c) => ['vevent', 'vtodo', 'vjournal'].includes(c.name));
  if (comps.length === 0) throw new PimParseError('no-component', 'no VEVENT, VTODO or VJOURNAL');
  const type = comps[0].name.toUpperCase() as ComponentType;
  if (comps.some((c) => c.name !== comps[0].name)) throw new PimParseError('invalid-ical', 'mixed component types');
  const uids = new Set<string>();
  for (const c of comps) {
    const uid = c.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || uid.trim() === '') throw new PimParseError('no-uid', 'component without UID');
    uids.add(uid);
  }
  if (uids.size > 1) throw new PimParseError('multiple-uids', 'components with different UIDs');
  const masters = comps.filter((c) => !c.hasProperty('recurrence-id'));
  if (masters.length > 1) throw new PimParseError('invalid-ical', 'more than one master component');
  // Hydrate every value once so that malformed dates fail here and not later in a query.
  try {
    for (const c of comps) for (const p of c.getAllProperties()) p.getValues();
  } catch (err) {
    throw new PimParseError('invalid-ical', 'malformed property value', { cause: err });
  }
  return { root, type, uid: [...uids][0], master: masters[0] ?? null, overrides: comps.filter((c) => c.hasProperty('recurrence-id')) };
}
