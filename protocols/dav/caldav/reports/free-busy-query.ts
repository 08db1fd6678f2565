/** free-busy-query (RFC 4791 §7.10) on a calendar: a VFREEBUSY of the busy time in the range. */
import type { DavRequest, DavResponse } from '../../request.js';
import type { Res } from '../../resolve.js';
import { DavError, C } from '../../errors.js';
import { NS } from '../../xml/names.js';
import { type XmlElement, child } from '../../xml/parser.js';
import { timeRangeOf } from '../filter.js';
import { vfreebusy } from '../freebusy.js';
import { busyPeriods } from '../../../../src/pim/freebusy.js';

export async function freeBusyQuery(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  if (r.kind !== 'collection' || r.area !== 'calendars') throw new DavError(403, C.supportedReport());
  const range = timeRangeOf(child(body, NS.CALDAV, 'time-range'));
  if (!range) throw new DavError(400, C.validFilter());
  const periods = await busyPeriods(q.svc.ctx.store, [r.folder.id], range);
  return { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' }, body: vfreebusy(range, periods, q.svc.ctx.now()) };
}
