/**
 * [MS-ASNOTE] Notes ApplicationData <-> a VJOURNAL iCalendar object, so that a note written on
 * a phone is also a CalDAV resource (RFC 5545 §3.6.3). Subject = SUMMARY, Body = DESCRIPTION,
 * Categories = CATEGORIES, LastModifiedDate = LAST-MODIFIED, a MessageClass other than the
 * default IPM.StickyNote = X-MS-MESSAGECLASS.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { PimParseError } from '../../../src/pim/errors.js';
import { parseCalendarObject, timeToEpoch } from '../../../src/pim/parse.js';
import { patchObject, type PatchSpec } from '../../../src/pim/patch.js';
import { el, type WbxmlElement } from '../wbxml/types.js';
import { readBody, writeBody } from './body.js';
import { compactUtc, find, get, parseEasDate, type ConvertOptions } from './util.js';
import { PRODID } from './calendar.js';

const N = 'Notes';
const DEFAULT_CLASS = 'IPM.StickyNote';

export const NOTE_PATCH: PatchSpec = { managed: { VJOURNAL: ['SUMMARY', 'DESCRIPTION', 'CATEGORIES', 'LAST-MODIFIED', 'X-MS-MESSAGECLASS'] } };

export function easNoteToICal(appData: WbxmlElement[], existing?: string): string {
  const prior = existing !== undefined ? parseCalendarObject(existing) : undefined;
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('version', '2.0');
  const j = new ICAL.Component('vjournal');
  j.addPropertyWithValue('uid', prior?.uid ?? randomUUID());
  j.addProperty(ICAL.Property.fromString(`DTSTAMP:${compactUtc(Date.now())}`));
  const subject = get(appData, 'Subject', N);
  if (subject) j.addPropertyWithValue('summary', subject);
  const body = readBody(appData);
  if (body) j.addPropertyWithValue('description', body);
  const cats = find(appData, 'Categories', N)?.children.filter((c) => c.tag === 'Category').map((c) => c.text ?? '') ?? [];
  if (cats.length) { const p = new ICAL.Property('categories'); p.setValues(cats); j.addProperty(p); }
  const cls = get(appData, 'MessageClass', N);
  if (cls && cls !== DEFAULT_CLASS) j.addPropertyWithValue('x-ms-messageclass', cls);
  const modified = parseEasDate(get(appData, 'LastModifiedDate', N)) ?? Date.now();
  j.addProperty(ICAL.Property.fromString(`LAST-MODIFIED:${compactUtc(modified)}`));
  cal.addSubcomponent(j);
  const out = cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
  return existing !== undefined ? patchObject(existing, out, NOTE_PATCH) : out;
}

export function icalToEasNote(ics: string, opts: Pick<ConvertOptions, 'protocolVersion' | 'bodyPreference'>): WbxmlElement[] {
  const obj = parseCalendarObject(ics);
  if (obj.type !== 'VJOURNAL') throw new PimParseError('no-component', 'not a note');
  const j = obj.master ?? obj.overrides[0];
  const out: WbxmlElement[] = [];
  const subject = j.getFirstPropertyValue('summary');
  if (typeof subject === 'string' && subject) out.push(el(N, 'Subject', subject));
  const desc = j.getAllProperties('description').map((p) => String(p.getFirstValue() ?? '')).join('\n');
  const body = writeBody(desc, opts.bodyPreference);
  if (body) out.push(body);
  const cats = j.getAllProperties('categories').flatMap((p) => p.getValues().map(String)).filter(Boolean);
  if (cats.length) out.push(el(N, 'Categories', cats.map((c) => el(N, 'Category', c))));
  const cls = j.getFirstPropertyValue('x-ms-messageclass');
  out.push(el(N, 'MessageClass', typeof cls === 'string' && cls ? cls : DEFAULT_CLASS));
  const modified = timeToEpoch(obj.root, j.getFirstProperty('last-modified')) ?? timeToEpoch(obj.root, j.getFirstProperty('dtstamp'));
  if (modified !== null) out.push(el(N, 'LastModifiedDate', compactUtc(modified)));
  return out;
}
