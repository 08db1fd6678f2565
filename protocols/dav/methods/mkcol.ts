/**
 * MKCOL (RFC 4918 §9.3) for the file space, and extended MKCOL (RFC 5689) creating calendars
 * and address books in the homes.
 */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import { xmlText, parseXmlText } from '../body.js';
import { resolve } from '../resolve.js';
import { DavError, C, forbidden } from '../errors.js';
import { is, child, type XmlElement } from '../xml/parser.js';
import { NS } from '../xml/names.js';
import { documentRoot } from '../xml/writer.js';
import { writeGate } from '../conditions.js';
import { createPimCollection } from './mkcalendar.js';

export async function mkcol(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  let root: XmlElement | null = null;
  const type = (q.headers['content-type'] as string | undefined) ?? '';
  // A body that is not XML is 415 (RFC 4918 §9.3) before it is decoded; blank bodies are none.
  if (q.body.length > 0 && !/xml/i.test(type)) {
    if (q.body.toString('latin1').trim() !== '') throw new DavError(415);
  } else if (q.body.length > 0) {
    const text = xmlText(q);
    if (text.trim() !== '') {
      root = parseXmlText(text);
      if (!is(root, NS.DAV, 'mkcol')) throw new DavError(415);
    }
  }
  if (r.kind === 'missing') throw new DavError(r.parentMissing ? 409 : 404);
  if (r.kind === 'member' && r.area === 'files' && !r.item) {
    if (r.access !== 'owner' && r.access !== 'write') throw forbidden(C.needPrivileges());
    if (root) throw new DavError(415);
    await writeGate(q, r);
    await q.svc.ctx.store.createFolder({ accountId: r.account.id, parentId: r.folder.id, name: r.name, kind: 'files' });
    return { status: 201, headers: { 'content-length': '0' } };
  }
  if (r.kind === 'new-collection') {
    if (r.access !== 'owner') throw forbidden(C.needPrivileges());
    if (r.area === 'files') {
      if (root) throw new DavError(415);
      await writeGate(q, r);
      await q.svc.ctx.store.createFolder({ accountId: r.account.id, parentId: r.parent!.id, name: r.name, kind: 'files' });
      return { status: 201, headers: { 'content-length': '0' } };
    }
    // RFC 5689 §3: the resourcetype in the body says what to make.
    const set = root ? child(root, NS.DAV, 'set') : undefined;
    const prop = set ? child(set, NS.DAV, 'prop') : undefined;
    const rt = prop ? child(prop, NS.DAV, 'resourcetype') : undefined;
    const wantsCal = rt ? !!child(rt, NS.CALDAV, 'calendar') : r.area === 'calendars';
    const wantsBook = rt ? !!child(rt, NS.CARDDAV, 'addressbook') : r.area === 'addressbooks';
    if ((r.area === 'calendars' && !wantsCal) || (r.area === 'addressbooks' && !wantsBook)) throw forbidden(C.validResourcetype());
    await createPimCollection(q, r, prop ?? null);
    return root ? xmlResponse(201, documentRoot(NS.DAV, 'mkcol-response', '')) : { status: 201, headers: { 'content-length': '0' } };
  }
  // §9.3.1: MKCOL on an existing resource.
  throw new DavError(405);
}
