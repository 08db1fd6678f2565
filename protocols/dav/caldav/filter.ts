/**
 * calendar-query filters (RFC 4791 §9.7): comp-filter, prop-filter, param-filter, text-match
 * and time-range, evaluated on the parsed object; time ranges on the top component expand
 * recurrences (§9.9) through src/pim.
 */
import ICAL from 'ical.js';
import { parseCalendarObject, type CalendarObject } from '../../../src/pim/parse.js';
import { overlapsRange } from '../../../src/pim/recurrence.js';
import { alarmFiresIn } from '../../../src/pim/alarms.js';
import { DavError, C } from '../errors.js';
import { NS } from '../xml/names.js';
import { type XmlElement, child, is } from '../xml/parser.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;

export interface TimeRange { start: number; end: number }

/** iCalendar UTC date-time text (20060104T000000Z) to epoch ms; RFC 4791 §9.9 requires UTC. */
export function parseUtc(s: string | undefined): number | null {
  if (!s) return null;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s.trim());
  if (!m) throw new DavError(400, C.validFilter());
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

export function timeRangeOf(el: XmlElement | undefined): TimeRange | null {
  if (!el) return null;
  const start = parseUtc(el.attrs.start);
  const end = parseUtc(el.attrs.end);
  if (start === null && end === null) throw new DavError(400, C.validFilter());
  return { start: start ?? -8.64e15, end: end ?? 8.64e15 };
}

/** The object-level component filter (VCALENDAR > VEVENT|VTODO|VJOURNAL) and its time-range, for index pre-selection. */
export function topFilter(filter: XmlElement): { component: string | null; range: TimeRange | null } {
  const cal = child(filter, NS.CALDAV, 'comp-filter');
  if (!cal || (cal.attrs.name ?? '').toUpperCase() !== 'VCALENDAR') throw new DavError(403, C.validFilter());
  const inner = cal.children.filter((c) => is(c, NS.CALDAV, 'comp-filter'));
  if (inner.length !== 1 || child(inner[0], NS.CALDAV, 'is-not-defined')) return { component: null, range: null };
  return { component: (inner[0].attrs.name ?? '').toUpperCase(), range: timeRangeOf(child(inner[0], NS.CALDAV, 'time-range')) };
}

export function textMatches(tm: XmlElement, value: string): boolean {
  const collation = tm.attrs.collation ?? 'i;ascii-casemap';
  if (collation !== 'i;ascii-casemap' && collation !== 'i;octet' && collation !== 'i;unicode-casemap') throw new DavError(403, { ns: NS.CALDAV, local: 'supported-collation' });
  const needle = tm.text;
  const hit = collation === 'i;octet' ? value.includes(needle) : value.toLowerCase().includes(needle.toLowerCase());
  return tm.attrs['negate-condition'] === 'yes' ? !hit : hit;
}

const propText = (p: Property): string => {
  const v = p.getValues();
  return v.map((x) => (typeof x === 'string' ? x : String(x?.toString?.() ?? ''))).join(',');
};

function propMatches(comp: Component, pf: XmlElement): boolean {
  const name = (pf.attrs.name ?? '').toLowerCase();
  const props = comp.getAllProperties(name);
  if (child(pf, NS.CALDAV, 'is-not-defined')) return props.length === 0;
  if (props.length === 0) return false;
  const tr = timeRangeOf(child(pf, NS.CALDAV, 'time-range'));
  const tm = child(pf, NS.CALDAV, 'text-match');
  const params = pf.children.filter((c) => is(c, NS.CALDAV, 'param-filter'));
  return props.some((p) => {
    if (tr) {
      const v = p.getFirstValue();
      if (!(v instanceof ICAL.Time)) return false;
      const t = v.toJSDate().getTime();
      if (!(t >= tr.start && t < tr.end)) return false;
    }
    if (tm && !textMatches(tm, propText(p))) return false;
    return params.every((pa) => {
      const pname = (pa.attrs.name ?? '').toLowerCase();
      const val = p.getParameter(pname);
      if (child(pa, NS.CALDAV, 'is-not-defined')) return val === undefined || val === null;
      if (val === undefined || val === null) return false;
      const ptm = child(pa, NS.CALDAV, 'text-match');
      return ptm ? textMatches(ptm, Array.isArray(val) ? val.join(',') : String(val)) : true;
    });
  });
}

/**
 * One comp-filter against `comp`. `parent` is the master or override that holds `comp` when
 * `comp` is a sub-component (VALARM): its instances give a relative TRIGGER its times.
 */
function compMatches(obj: CalendarObject, comp: Component, cf: XmlElement, top: boolean, parent: Component | null = null): boolean {
  for (const c of cf.children) {
    if (is(c, NS.CALDAV, 'time-range')) {
      const tr = timeRangeOf(c)!;
      if (top) { if (!overlapsRange(obj, new Date(tr.start), new Date(tr.end))) return false; }
      else if (!subInRange(obj, parent, comp, tr)) return false;
    } else if (is(c, NS.CALDAV, 'prop-filter')) {
      if (!propMatches(comp, c)) return false;
    } else if (is(c, NS.CALDAV, 'comp-filter')) {
      const name = (c.attrs.name ?? '').toLowerCase();
      const holders = top ? [obj.master, ...obj.overrides].filter((x): x is Component => !!x) : [comp];
      const subs = holders.flatMap((h) => h.getAllSubcomponents(name).map((s) => ({ s, h })));
      if (child(c, NS.CALDAV, 'is-not-defined')) { if (subs.length) return false; continue; }
      if (!subs.some(({ s, h }) => compMatches(obj, s, c, false, h))) return false;
    }
  }
  return true;
}

/**
 * RFC 4791 §9.9 for sub-components: a VALARM by the times it fires (src/pim/alarms.ts, relative
 * triggers per instance of its holder, repetitions included); others by an absolute DTSTART.
 */
function subInRange(obj: CalendarObject, parent: Component | null, comp: Component, tr: TimeRange): boolean {
  if (comp.name === 'valarm') return parent !== null && alarmFiresIn(obj, parent, comp, tr.start, tr.end);
  const v = comp.getFirstPropertyValue('dtstart');
  if (v instanceof ICAL.Time) { const t = v.toJSDate().getTime(); return t >= tr.start && t < tr.end; }
  return true;
}

/** Does the stored object match the filter element? Unparseable objects never match. */
export function matchesFilter(ics: string, filter: XmlElement): boolean {
  let obj: CalendarObject;
  try { obj = parseCalendarObject(ics); } catch { return false; }
  const cal = child(filter, NS.CALDAV, 'comp-filter')!;
  for (const cf of cal.children) {
    if (!is(cf, NS.CALDAV, 'comp-filter')) { if (is(cf, NS.CALDAV, 'prop-filter') && !propMatches(obj.root, cf)) return false; continue; }
    const name = (cf.attrs.name ?? '').toUpperCase();
    if (child(cf, NS.CALDAV, 'is-not-defined')) { if (obj.type === name) return false; continue; }
    if (obj.type !== name) return false;
    const main = obj.master ?? obj.overrides[0];
    if (!compMatches(obj, main, cf, true)) return false;
  }
  return true;
}

/** True when the filter is VCALENDAR > one comp-filter holding nothing but a time-range. */
export function isOnlyTimeRange(filter: XmlElement): boolean {
  const cal = child(filter, NS.CALDAV, 'comp-filter');
  if (!cal || filter.children.length !== 1 || cal.children.length !== 1) return false;
  const inner = cal.children[0];
  return is(inner, NS.CALDAV, 'comp-filter') && inner.children.length === 1 && is(inner.children[0], NS.CALDAV, 'time-range');
}
