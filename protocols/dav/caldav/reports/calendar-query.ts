/**
 * calendar-query (RFC 4791 §7.8): the store's date index pre-selects (startAt/endAt of the
 * object, recurrences included), then each candidate is checked against the whole filter.
 */
import type { DavRequest, DavResponse } from '../../request.js';
import { xmlResponse } from '../../request.js';
import type { Res } from '../../resolve.js';
import { DavError, C } from '../../errors.js';
import { NS } from '../../xml/names.js';
import { type XmlElement, child } from '../../xml/parser.js';
import { documentRoot } from '../../xml/writer.js';
import { renderResponses, listingPlan, type ListedRow } from '../../props/batch.js';
import type { Item } from '../../../../src/model/types.js';
import type { ListedField } from '../../../../src/store/store.js';
import { memberRes } from '../../members.js';
import { reportProps } from '../../reports/render.js';
import { matchesFilter, topFilter, isOnlyTimeRange } from '../filter.js';
import { spansOverlap } from '../instances.js';
import { multistatusOf } from '../../multistatus.js';

/** Floating times are indexed as UTC (src/pim); widen the index window by the largest offset. */
const SLACK = 14 * 3600_000;
/** What the filter reads of a candidate (instances.ts reads id, modseq, componentType, endAt, content). */
const FILTER_FIELDS: ListedField[] = ['content', 'startAt', 'endAt', 'recurring', 'componentType'];
type FilterItem = Pick<Item, 'id' | 'name' | 'modseq' | 'content' | 'startAt' | 'endAt' | 'recurring' | 'componentType'>;

export async function calendarQuery(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  if (r.kind !== 'collection' && r.kind !== 'schedule') throw new DavError(403, C.supportedReport());
  if (r.kind === 'collection' && r.area !== 'calendars') throw new DavError(403, C.supportedReport());
  const filter = child(body, NS.CALDAV, 'filter');
  if (!filter) throw new DavError(403, C.validFilter());
  const { component, range } = topFilter(filter);
  const rp = reportProps(body);
  const opts: { from?: number; to?: number; componentType?: string } = {};
  if (component && ['VEVENT', 'VTODO', 'VJOURNAL'].includes(component)) opts.componentType = component;
  if (range && component !== 'VTODO') { opts.from = range.start - SLACK; opts.to = range.end + SLACK; }
  // One lean read: the fields the filter and the properties need (the date index pre-selects).
  const plan = listingPlan(rp.req, rp.extra, true);
  const items: FilterItem[] = plan
    ? await q.svc.ctx.store.listItemFields(r.folder.id, [...new Set<ListedField>([...plan.fields, ...FILTER_FIELDS])], opts)
    : await q.svc.ctx.store.listItems(r.folder.id, opts);
  const hits: FilterItem[] = [];
  const onlyRange = range !== null && component === 'VEVENT' && isOnlyTimeRange(filter);
  for (const it of items) {
    if (it.content === null) continue;
    // A non-recurring event's indexed span is exactly its §9.9 span (src/pim evaluates floating
    // times as UTC, as the index does): no need to parse it for a bare time-range filter.
    if (onlyRange && !it.recurring && it.startAt !== null && it.endAt !== null && it.endAt > it.startAt) {
      if (!(it.startAt < range.end && it.endAt > range.start)) continue;
    } else if (onlyRange && it.recurring) {
      // A recurring event: its instance spans, cached by item version, instead of a parse and expansion.
      const spans = q.svc.instances.spans(it as Item);
      if (spans ? !spansOverlap(spans, range) : !matchesFilter(it.content, filter)) continue;
    } else if (!matchesFilter(it.content, filter)) continue;
    hits.push(it);
  }
  if (plan) {
    const parts: string[] = [];
    for (const it of hits) { const v = plan.one(q, r, it as ListedRow); parts.push(typeof v === 'string' ? v : await v); }
    return multistatusOf(parts);
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', await renderResponses(q, hits.map((it) => memberRes(r, it as Item)), rp.req, rp.extra)));
}
