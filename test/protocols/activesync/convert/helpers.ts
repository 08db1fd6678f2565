/**
 * Test helpers: a forgiving XML -> WbxmlElement reader for the evolution-activesync vectors
 * (they use undeclared prefixes, missing namespaces and libeas' legacy tag names such as
 * Attendee_Email), and semantic comparison of iCalendar / vCard / EAS elements.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import ICAL from 'ical.js';
import type { WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { sharedPath } from '../../../helpers/shared.js';

export const VECTORS = sharedPath('vectors', 'evolution-activesync') ?? '/nonexistent/shared/vectors/evolution-activesync';

const PREFIXES: Record<string, string> = { calendar: 'Calendar', airsyncbase: 'AirSyncBase', contacts: 'Contacts', contacts2: 'Contacts2', tasks: 'Tasks', airsync: 'AirSync' };
const LEGACY: Record<string, string> = {
  Attendee_Email: 'Email', Attendee_Name: 'Name', Attendee_Status: 'AttendeeStatus', Attendee_Type: 'AttendeeType',
  Exception_Deleted: 'Deleted', Exception_StartTime: 'ExceptionStartTime', Organizer_Email: 'OrganizerEmail', Organizer_Name: 'OrganizerName',
  DTStamp: 'DtStamp', IMAddress1: 'IMAddress', TimeZone: 'Timezone',
};
// The vectors spell addresses as libwbxml does (BusinessCity); [MS-ASCNTC] says BusinessAddressCity.
for (const prefix of ['Business', 'Home', 'Other']) {
  for (const part of ['Street', 'City', 'State', 'PostalCode', 'Country']) LEGACY[`${prefix}${part}`] = `${prefix}Address${part}`;
}
const CONTACTS2 = new Set(['CustomerId', 'GovernmentId', 'IMAddress', 'IMAddress2', 'IMAddress3', 'ManagerName', 'CompanyMainPhone', 'AccountName', 'NickName', 'MMS']);
const AIRSYNCBASE = new Set(['Body', 'Type', 'EstimatedDataSize', 'Truncated', 'Data', 'NativeBodyType']);

/** Children of <ApplicationData> from an XML file; `defaultNs` for elements with no namespace. */
export function readAppData(xml: string, defaultNs: string): WbxmlElement[] {
  const parser = new SaxesParser({ xmlns: false });
  const root: WbxmlElement = { ns: 'AirSync', tag: 'ApplicationData', children: [] };
  const stack: { el: WbxmlElement; nsDeclared: boolean }[] = [];
  let text = '';
  parser.on('opentag', (node) => {
    const raw = node.name;
    const [prefix, local] = raw.includes(':') ? raw.split(':') : [undefined, raw];
    if (stack.length === 0 && /^Applicat/i.test(local)) { stack.push({ el: root, nsDeclared: false }); return; }
    const tag = LEGACY[local] ?? local.replace(/^Recurrence_/, '');
    const xmlns = (node.attributes as Record<string, string>).xmlns;
    const parent = stack[stack.length - 1];
    let ns: string;
    if (prefix) ns = PREFIXES[prefix.toLowerCase()] ?? prefix;
    else if (xmlns) ns = xmlns.replace(/:$/, '');
    else if (parent && parent.el !== root && parent.nsDeclared) ns = parent.el.ns;
    else if (AIRSYNCBASE.has(tag) && (tag === 'Body' || parent?.el.tag === 'Body')) ns = 'AirSyncBase';
    else if (CONTACTS2.has(tag)) ns = 'Contacts2';
    else if (parent && parent.el !== root) ns = parent.el.ns === 'AirSyncBase' && parent.el.tag === 'Body' ? 'AirSyncBase' : parent.el.ns;
    else ns = defaultNs;
    const e: WbxmlElement = { ns, tag, children: [] };
    parent.el.children.push(e);
    stack.push({ el: e, nsDeclared: !!prefix || !!xmlns || (parent?.nsDeclared ?? false) });
    text = '';
  });
  parser.on('text', (t) => { text += t; });
  parser.on('closetag', () => {
    const top = stack.pop()!;
    if (top.el.children.length === 0 && top.el !== root) top.el.text = text.trim() === '' ? '' : text;
    text = '';
  });
  parser.write(xml.replace(/^\s+/, '')).close();
  return root.children;
}

export function readVector(rel: string): string {
  return readFileSync(`${VECTORS}/${rel}`, 'utf8');
}

/** Element tree as sorted, comparable lines ("Calendar:Attendees/Calendar:Attendee/Calendar:Email=a@b"). */
export function flatten(items: WbxmlElement[], prefix = ''): string[] {
  const out: string[] = [];
  items.forEach((e) => {
    const path = `${prefix}${e.ns}:${e.tag}`;
    if (e.children.length) {
      // Repeated containers (Attendee, Exception) are told apart by their content.
      const inner = flatten(e.children, '').sort();
      out.push(`${path}{${inner.join('|')}}`);
    } else out.push(`${path}=${e.text ?? (e.opaque ? Buffer.from(e.opaque).toString('base64') : '')}`);
  });
  return out.sort();
}

type Comp = InstanceType<typeof ICAL.Component>;

/**
 * Semantic form of one component's properties: times as instants (TZID resolved), CATEGORIES
 * split, mailto: stripped, parameter order and case ignored, defaults (VALUE=DURATION) dropped.
 */
export function semanticProps(c: Comp, names?: Set<string>): string[] {
  const out: string[] = [];
  for (const p of c.getAllProperties()) {
    const name = p.name.toUpperCase();
    if (names && !names.has(name)) continue;
    const params = Object.entries(p.toJSON()[1] as Record<string, unknown>)
      .filter(([k, v]) => !(k === 'value' && ['duration', 'date-time', 'text'].includes(String(v).toLowerCase())) && k !== 'tzid' && k !== 'x-evolution-endtime')
      .map(([k, v]) => `${k.toUpperCase()}=${String(v).toUpperCase()}`).sort();
    for (const v of p.getValues()) {
      let value: string;
      if (v instanceof ICAL.Time) value = v.isDate ? v.toICALString() : String(v.toUnixTime());
      else if (Array.isArray(v)) value = v.join(';');
      else value = String(v).replace(/^mailto:/i, '');
      if (name === 'CATEGORIES') { out.push(`${name}:${value.trim()}`); continue; }
      out.push(`${name}${params.length ? ';' + params.join(';') : ''}:${value.trim()}`);
    }
  }
  for (const sub of c.getAllSubcomponents()) if (sub.name !== 'vtimezone') out.push(`[${sub.name.toUpperCase()}]` + semanticProps(sub, names).join('|'));
  return out.sort();
}

export function parseIcs(text: string): Comp {
  return new ICAL.Component(ICAL.parse(text) as unknown[]);
}

/** Offsets (minutes) a VTIMEZONE gives at each instant. */
export function vtzOffsets(vtzText: string, instants: number[]): number[] {
  const tz = new ICAL.Timezone(new ICAL.Component(ICAL.parse(vtzText) as unknown[]));
  return instants.map((ms) => Math.round(tz.utcOffset(ICAL.Time.fromJSDate(new Date(ms), true).convertToZone(tz)) / 60));
}
