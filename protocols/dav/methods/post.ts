/**
 * POST: free-busy through the scheduling outbox (RFC 6638 §5) and calendarserver-sharing
 * (share on a collection, invite-reply on the sharee's home).
 */
import ICAL from 'ical.js';
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse, header } from '../request.js';
import { resolve, homeHref } from '../resolve.js';
import { DavError, badRequest, forbidden, notFound } from '../errors.js';
import { NS } from '../xml/names.js';
import { documentRoot, el, d, href, esc } from '../xml/writer.js';
import { is, child, childrenOf } from '../xml/parser.js';
import { xmlBody } from '../body.js';
import { vfreebusy } from '../caldav/freebusy.js';
import { busyCalendars, busyPeriods } from '../../../src/pim/freebusy.js';
import { internalRecipient, mailto } from '../scheduling/deliver.js';
import { CAL_KINDS } from '../resolve.js';
import { signalGrantee } from '../sharing/signal.js';

export async function post(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (r.kind === 'schedule' && r.box === 'outbox') return outboxFreeBusy(q);
  const type = header(q, 'content-type') ?? '';
  if (!/xml/i.test(type)) throw new DavError(415);
  const root = xmlBody(q);
  if (!root) throw badRequest('POST without body');
  if (r.kind === 'collection' && is(root, NS.CS, 'share')) {
    if (r.access !== 'owner') throw forbidden();
    const store = q.svc.ctx.store;
    const grants = await store.listGrantsByOwner(r.account.id);
    for (const s of childrenOf(root, NS.CS, 'set')) {
      // Unknown or other-domain addresses are ignored without telling (no enumeration).
      const who = await internalRecipient(q, mailto(child(s, NS.DAV, 'href')?.text));
      if (!who || who.id === q.user.id) continue;
      const rights = child(s, NS.CS, 'read-write') ? 'write' : 'read';
      const g = grants.find((x) => x.folderId === r.folder.id && x.granteeId === who.id && x.props['sharing'] === true);
      if (g) await store.updateGrant(g.id, { rights });
      else await store.createGrant({ ownerId: r.account.id, folderId: r.folder.id, granteeId: who.id, rights, status: 'pending', props: { sharing: true } });
      await signalGrantee(store, who.id);
    }
    for (const s of childrenOf(root, NS.CS, 'remove')) {
      const who = await internalRecipient(q, mailto(child(s, NS.DAV, 'href')?.text));
      const g = who && grants.find((x) => x.folderId === r.folder.id && x.granteeId === who.id && x.props['sharing'] === true);
      if (g) {
        await store.deleteGrant(g.id);
        await signalGrantee(store, g.granteeId);
      }
    }
    return { status: 200, headers: { 'content-length': '0' } };
  }
  if (r.kind === 'home' && r.account.id === q.user.id && is(root, NS.CS, 'invite-reply')) {
    const id = Number(child(root, NS.CS, 'in-reply-to')?.text.trim());
    const store = q.svc.ctx.store;
    const g = (await store.listGrantsForGrantee(q.user.id)).find((x) => x.id === id && x.props['sharing'] === true);
    if (!g) throw notFound();
    const accepted = !!child(root, NS.CS, 'invite-accepted');
    await store.updateGrant(g.id, { status: accepted ? 'accepted' : 'declined' });
    await signalGrantee(store, g.granteeId);
    if (!accepted) return { status: 204 };
    const folder = g.folderId !== null ? await store.getFolder(g.folderId) : null;
    const area = folder && CAL_KINDS.has(folder.kind) ? 'calendars' : 'addressbooks';
    return xmlResponse(200, documentRoot(NS.CS, 'shared-as', href(homeHref(area, q.user) + `shared-${g.id}/`)));
  }
  throw new DavError(405);
}

/** RFC 6638 §5: VFREEBUSY REQUEST in the outbox; one schedule-response per recipient. */
async function outboxFreeBusy(q: DavRequest): Promise<DavResponse> {
  let root;
  try { root = new ICAL.Component(ICAL.parse(q.body.toString('utf8'))); } catch { throw new DavError(400, { ns: NS.CALDAV, local: 'valid-calendar-data' }); }
  const fb = root.getFirstSubcomponent('vfreebusy');
  const start = fb?.getFirstPropertyValue('dtstart');
  const end = fb?.getFirstPropertyValue('dtend');
  if (!fb || !(start instanceof ICAL.Time) || !(end instanceof ICAL.Time)) throw new DavError(400, { ns: NS.CALDAV, local: 'valid-scheduling-message' });
  const organizer = mailto(fb.getFirstPropertyValue('organizer'));
  if (organizer && organizer !== q.user.email) throw forbidden({ ns: NS.CALDAV, local: 'organizer-allowed' });
  const range = { start: start.toJSDate().getTime(), end: end.toJSDate().getTime() };
  const store = q.svc.ctx.store;
  const parts: string[] = [];
  for (const p of fb.getAllProperties('attendee')) {
    const email = mailto(p.getFirstValue());
    const who = await internalRecipient(q, email);
    let inner = el(NS.CALDAV, 'recipient', href(`mailto:${email}`));
    if (!who) inner += el(NS.CALDAV, 'request-status', '3.7;Invalid calendar user');
    else {
      const periods = await busyPeriods(store, await busyCalendars(store, who), range);
      const extra = [`ORGANIZER:mailto:${q.user.email}`, `ATTENDEE:mailto:${email}`];
      const uid = fb.getFirstPropertyValue('uid');
      if (uid) extra.push(`UID:${String(uid)}`);
      inner += el(NS.CALDAV, 'request-status', '2.0;Success') + el(NS.CALDAV, 'calendar-data', esc(vfreebusy(range, periods, q.svc.ctx.now(), extra)));
    }
    parts.push(el(NS.CALDAV, 'response', inner));
  }
  return xmlResponse(200, documentRoot(NS.CALDAV, 'schedule-response', parts.join('')));
}

export { d };
