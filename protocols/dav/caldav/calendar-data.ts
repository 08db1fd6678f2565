/**
 * The calendar-data property in reports (RFC 4791 §9.6): the stored object, or with
 * <C:expand> its instances in the range as separate components in UTC (§9.6.5), or with
 * <C:limit-recurrence-set> the master and the overrides in the range (§9.6.6), then with
 * <C:comp>/<C:prop> only the selected components and properties (§9.6.1-§9.6.4).
 */
import ICAL from 'ical.js';
import { parseCalendarObject, timeToEpoch } from '../../../src/pim/parse.js';
import { expandOccurrences } from '../../../src/pim/recurrence.js';
import { NS } from '../xml/names.js';
import { type XmlElement, child, childrenOf } from '../xml/parser.js';
import { el, esc } from '../xml/writer.js';
import { timeRangeOf, type TimeRange } from './filter.js';

type Component = InstanceType<typeof ICAL.Component>;

/** A <C:comp> selection: its properties (name -> novalue) and sub-components. */
export interface CompSpec { name: string; allprop: boolean; props: Map<string, boolean>; allcomp: boolean; comps: Map<string, CompSpec> }

export interface CalendarDataSpec { expand: TimeRange | null; limit: TimeRange | null; comp: CompSpec | null }

function compSpec(e: XmlElement): CompSpec {
  const props = new Map<string, boolean>();
  for (const p of childrenOf(e, NS.CALDAV, 'prop')) props.set((p.attrs.name ?? '').toUpperCase(), p.attrs.novalue === 'yes');
  const comps = new Map<string, CompSpec>();
  for (const c of childrenOf(e, NS.CALDAV, 'comp')) comps.set((c.attrs.name ?? '').toUpperCase(), compSpec(c));
  return { name: (e.attrs.name ?? '').toUpperCase(), allprop: !!child(e, NS.CALDAV, 'allprop'), props, allcomp: !!child(e, NS.CALDAV, 'allcomp'), comps };
}

export function calendarDataSpec(e: XmlElement): CalendarDataSpec {
  const comp = child(e, NS.CALDAV, 'comp');
  return { expand: timeRangeOf(child(e, NS.CALDAV, 'expand')), limit: timeRangeOf(child(e, NS.CALDAV, 'limit-recurrence-set')), comp: comp ? compSpec(comp) : null };
}

/** The name and parameters of a content line, up to the ':' that is not inside a quoted parameter value. */
function lineHead(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return line.slice(0, i);
  }
  return line;
}

/**
 * RFC 4791 §9.6.1-§9.6.4: keeps the selected components and properties, line by line on the
 * stored text (folded lines stay folded, bytes of kept lines unchanged). `novalue` keeps the
 * property with its parameters and an empty value.
 */
export function selectCalendarData(ics: string, root: CompSpec): string {
  const lines = ics.split(/\r?\n/);
  const out: string[] = [];
  // null: the current component is left out. 'all': kept whole (allcomp of its parent).
  const stack: (CompSpec | 'all' | null)[] = [];
  let keepingProp = false;
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') { if (keepingProp) out.push(line); continue; }
    keepingProp = false;
    const head = lineHead(line);
    const name = head.split(';')[0].toUpperCase();
    const value = line.slice(head.length + 1).trim().toUpperCase();
    const cur = stack.length ? stack[stack.length - 1] : undefined;
    if (name === 'BEGIN') {
      let next: CompSpec | 'all' | null;
      if (cur === undefined) next = root.name === value ? root : null;
      else if (cur === null) next = null;
      else if (cur === 'all' || cur.allcomp) next = 'all';
      else next = cur.comps.get(value) ?? null;
      stack.push(next);
      if (next !== null) out.push(line);
      continue;
    }
    if (name === 'END') {
      const top = stack.pop();
      if (top !== null && top !== undefined) out.push(line);
      continue;
    }
    if (cur === null || cur === undefined) continue;
    if (cur === 'all' || cur.allprop) { out.push(line); keepingProp = true; continue; }
    const novalue = cur.props.get(name);
    if (novalue === undefined) continue;
    if (novalue) out.push(head + ':');
    else { out.push(line); keepingProp = true; }
  }
  return out.length ? out.join('\r\n') + '\r\n' : '';
}

const utc = (ms: number, allDay: boolean) => {
  const t = ICAL.Time.fromJSDate(new Date(ms), true);
  if (allDay) t.isDate = true;
  return t;
};

export function renderCalendarData(ics: string, spec: CalendarDataSpec): string {
  let text = ics;
  try {
    if (spec.expand) text = expand(ics, spec.expand);
    else if (spec.limit) text = limit(ics, spec.limit);
  } catch {
    text = ics;
  }
  if (spec.comp) text = selectCalendarData(text, spec.comp);
  return el(NS.CALDAV, 'calendar-data', esc(text));
}

/** Epoch ms of a RECURRENCE-ID as `expandOccurrences` spells it (UTC date-time or DATE). */
function ridEpoch(rid: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(rid);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : null;
}

/**
 * RFC 4791 §9.6.5: every instance in the range as its own component in UTC, without
 * VTIMEZONE or recurrence rules. RECURRENCE-ID stays the ORIGINAL instance time (RFC 5545
 * §3.8.4.4: clients match exceptions by it), even when an override moved the instance; the
 * instance's own DTSTART/DTEND/DUE replace the master's (one of each, never two).
 */
function expand(ics: string, range: TimeRange): string {
  const obj = parseCalendarObject(ics);
  const out = new ICAL.Component(['vcalendar', [], []]);
  for (const p of obj.root.getAllProperties()) out.addProperty(ICAL.Property.fromString(p.toICALString()));
  const recurring = !!obj.master && (obj.master.hasProperty('rrule') || obj.master.hasProperty('rdate'));
  const overrideAt = new Map<number, Component>();
  for (const o of obj.overrides) {
    const t = timeToEpoch(obj.root, o.getFirstProperty('recurrence-id'));
    if (t !== null) overrideAt.set(t, o);
  }
  for (const occ of expandOccurrences(obj, new Date(range.start), new Date(range.end))) {
    const ridMs = occ.recurrenceId ? ridEpoch(occ.recurrenceId) : null;
    const src: Component | undefined = (occ.overridden && ridMs !== null ? overrideAt.get(ridMs) : undefined) ?? obj.master ?? obj.overrides[0];
    if (!src) continue;
    const hadStart = src.hasProperty('dtstart');
    const hadEnd = src.hasProperty('dtend') || src.hasProperty('duration') || src.hasProperty('due');
    const c = ICAL.Component.fromString(src.toString());
    for (const name of ['rrule', 'rdate', 'exdate', 'exrule', 'dtstart', 'dtend', 'due', 'duration', 'recurrence-id']) c.removeAllProperties(name);
    if (hadStart || obj.type !== 'VTODO') c.addPropertyWithValue('dtstart', utc(occ.start, occ.allDay));
    if (obj.type === 'VTODO') { if (hadEnd) c.addPropertyWithValue('due', utc(occ.end, occ.allDay)); }
    else if (obj.type === 'VEVENT') c.addPropertyWithValue('dtend', utc(occ.end, occ.allDay));
    if ((recurring || occ.overridden) && occ.recurrenceId && ridMs !== null) c.addPropertyWithValue('recurrence-id', utc(ridMs, occ.recurrenceId.length === 8));
    out.addSubcomponent(c);
  }
  return out.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

function limit(ics: string, range: TimeRange): string {
  const obj = parseCalendarObject(ics);
  for (const o of obj.overrides) {
    const v = o.getFirstPropertyValue('recurrence-id');
    const t = v instanceof ICAL.Time ? v.toJSDate().getTime() : null;
    if (t !== null && (t < range.start || t >= range.end)) obj.root.removeSubcomponent(o);
  }
  return obj.root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}
