/** The prop list of a report, with calendar-data and address-data rendered per member. */
import type { DavRequest } from '../request.js';
import type { Res } from '../resolve.js';
import { NS, clark } from '../xml/names.js';
import { type XmlElement, child } from '../xml/parser.js';
import { propRequest, type ExtraProps, type PropRequest } from '../props/engine.js';
import { calendarDataSpec, renderCalendarData } from '../caldav/calendar-data.js';
import { addressDataSpec, renderAddressData } from '../carddav/address-data.js';
import { galCard } from '../carddav/gal.js';

const CAL_DATA = clark(NS.CALDAV, 'calendar-data');
const CARD_DATA = clark(NS.CARDDAV, 'address-data');

export interface ReportProps { req: PropRequest; extra: ExtraProps; needsContent: boolean }

export function reportProps(body: XmlElement): ReportProps {
  const req = propRequest(child(body, NS.DAV, 'prop') ? body : null);
  const prop = child(body, NS.DAV, 'prop');
  const calEl = prop ? child(prop, NS.CALDAV, 'calendar-data') : undefined;
  const cardEl = prop ? child(prop, NS.CARDDAV, 'address-data') : undefined;
  const calSpec = calEl ? calendarDataSpec(calEl) : null;
  const cardSpec = cardEl ? addressDataSpec(cardEl) : null;
  const extra: ExtraProps = (name, r) => {
    if (name === CAL_DATA && calSpec && r.kind === 'member') return r.item?.content != null && r.area === 'calendars' ? renderCalendarData(r.item.content, calSpec) : undefined;
    if (name === CARD_DATA && cardSpec) {
      if (r.kind === 'member' && r.area === 'addressbooks' && r.item?.content != null) return renderAddressData(r.item.content, cardSpec);
      if (r.kind === 'gal-card' && r.account) return renderAddressData(galCard(r.account, r.domain), cardSpec);
    }
    return undefined;
  };
  return { req, extra, needsContent: !!calEl || !!cardEl };
}

/** Full items (with content) for members that were listed without it. */
export async function withContent(q: DavRequest, rs: Res[]): Promise<Res[]> {
  const out: Res[] = [];
  const byFolder = new Map<number, string[]>();
  for (const r of rs) if (r.kind === 'member' && r.item && r.item.content === null && !r.item.blobHash) {
    const l = byFolder.get(r.folder.id) ?? [];
    l.push(r.name);
    byFolder.set(r.folder.id, l);
  }
  const full = new Map<string, NonNullable<Extract<Res, { kind: 'member' }>['item']>>();
  for (const [fid, names] of byFolder) for (const it of await q.svc.ctx.store.getItemsByNames(fid, names)) full.set(`${fid}/${it.name}`, it);
  for (const r of rs) {
    if (r.kind === 'member' && full.has(`${r.folder.id}/${r.name}`)) out.push({ ...r, item: full.get(`${r.folder.id}/${r.name}`)! });
    else out.push(r);
  }
  return out;
}
