/**
 * The calendar-data property in reports (RFC 4791 §9.6): the stored object, or with
 * <C:expand> its instances in the range as separate components in UTC (§9.6.5), or with
 * <C:limit-recurrence-set> the master and the overrides in the range (§9.6.6).
 */
import ICAL from 'ical.js';
import { parseCalendarObject } from '../../../src/pim/parse.js';
import { expandOccurrences } from '../../../src/pim/recurrence.js';
import { NS } from '../xml/names.js';
import { type XmlElement, child } from '../xml/parser.js';
import { el, esc } from '../xml/writer.js';
import { timeRangeOf, type TimeRange } from './filter.js';

type Component = InstanceType<typeof ICAL.Component>;

export interface CalendarDataSpec { expand: TimeRange | null; limit: TimeRange | null }

export function calendarDataSpec(e: XmlElement): CalendarDataSpec {
  return { expand: timeRangeOf(child(e, NS.CALDAV, 'expand')), limit: timeRangeOf(child(e, NS.CALDAV, 'limit-recurrence-set')) };
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
  return el(NS.CALDAV, 'calendar-data', esc(text));
}

function expand(ics: string, range: TimeRange): string {
  const obj = parseCalendarObject(ics);
  const out = new ICAL.Component(['vcalendar', [], []]);
  for (const p of obj.root.getAllProperties()) out.addProperty(ICAL.Property.fromString(p.toICALString()));
  const recurring = !!obj.master && (obj.master.hasProperty('rrule') || obj.master.hasProperty('rdate'));
  for (const occ of expandOccurrences(obj, new Date(range.start), new Date(range.end))) {
    const src: Component | null = occ.recurrenceId
      ? obj.overrides.find((o) => o.getFirstPropertyValue('recurrence-id')?.toString().replace(/[-:]/g, '') === occ.recurrenceId?.replace(/[-:]/g, '')) ?? obj.master
      : obj.master ?? obj.overrides[0];
    if (!src) continue;
    const c = ICAL.Component.fromString(src.toString());
    for (const name of ['rrule', 'rdate', 'exdate', 'exrule', 'dtstart', 'dtend', 'duration', 'recurrence-id']) c.removeAllProperties(name);
    c.addPropertyWithValue('dtstart', utc(occ.start, occ.allDay));
    if (occ.end !== occ.start || obj.type === 'VEVENT') c.addPropertyWithValue(obj.type === 'VTODO' ? 'due' : 'dtend', utc(occ.end, occ.allDay));
    if (recurring || occ.recurrenceId) c.addPropertyWithValue('recurrence-id', utc(occ.start, occ.allDay));
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
