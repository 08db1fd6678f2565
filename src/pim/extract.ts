/**
 * Indexed columns of stored objects (DESIGN: "Indexed columns ... are extracted for queries").
 * Throws PimParseError for anything CalDAV must refuse with valid-calendar-data (RFC 4791 §5.3.2.1)
 * or CardDAV with valid-address-data (RFC 6352 §6.3.2.1).
 */
import ICAL from 'ical.js';
import { PimParseError } from './errors.js';
import { parseCalendarObject, parseVCard, timeToEpoch, type ComponentType } from './parse.js';
import { lastInstanceEnd } from './recurrence.js';

export interface CalendarFields {
  uid: string;
  componentType: ComponentType;
  summary: string | null;
  /** DTSTART of the master (or of the first override when there is no master); epoch ms UTC. */
  startAt: number | null;
  /** End of the object; for recurring objects the end of the last instance, null when unbounded. */
  endAt: number | null;
  recurring: boolean;
  allDay: boolean;
}

export interface ContactFields {
  uid: string;
  fullName: string | null;
  email: string[];
  version: '3.0' | '4.0';
}

export function extractCalendarFields(ics: string): CalendarFields {
  const obj = parseCalendarObject(ics);
  const main = obj.master ?? obj.overrides[0];
  const dtstart = main.getFirstProperty('dtstart');
  const startVal = dtstart?.getFirstValue();
  const summary = main.getFirstPropertyValue('summary');
  let startAt = timeToEpoch(obj.root, dtstart ?? null);
  if (startAt === null && obj.type === 'VTODO') startAt = timeToEpoch(obj.root, main.getFirstProperty('due'));
  const recurring = !!obj.master && (obj.master.hasProperty('rrule') || obj.master.hasProperty('rdate'));
  return {
    uid: obj.uid,
    componentType: obj.type,
    summary: typeof summary === 'string' ? summary : null,
    startAt,
    endAt: lastInstanceEnd(obj),
    recurring,
    allDay: startVal instanceof ICAL.Time && startVal.isDate,
  };
}

export function extractContactFields(vcf: string): ContactFields {
  const card = parseVCard(vcf);
  const version = card.getFirstPropertyValue('version');
  if (version !== '3.0' && version !== '4.0') throw new PimParseError('invalid-vcard', `unsupported vCard version ${String(version)}`);
  const uidVal = card.getFirstPropertyValue('uid');
  const uid = typeof uidVal === 'string' ? uidVal.trim() : '';
  if (!uid) throw new PimParseError('no-uid', 'vCard without UID');
  const fn = card.getFirstPropertyValue('fn');
  const email = card.getAllProperties('email').map((p) => String(p.getFirstValue() ?? '').trim()).filter(Boolean);
  return { uid, fullName: typeof fn === 'string' && fn !== '' ? fn : null, email, version };
}
