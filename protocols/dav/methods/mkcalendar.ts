/** MKCALENDAR (RFC 4791 §5.3.1); also creates address books for extended MKCOL (RFC 5689). */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import { xmlBody } from '../body.js';
import { resolve, type Res } from '../resolve.js';
import { DavError, C, forbidden } from '../errors.js';
import { is, child, type XmlElement } from '../xml/parser.js';
import { NS, clark } from '../xml/names.js';
import { documentRoot } from '../xml/writer.js';
import { propOps, planProps } from './proppatch.js';
import { uniqueFolderName } from '../folders.js';
import { ALL_COMPONENTS } from '../caldav/components.js';

export async function mkcalendar(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (r.kind !== 'new-collection' || r.area !== 'calendars') {
    if (r.kind === 'collection' || r.kind === 'member' && r.item) throw new DavError(405, C.resourceMustBeNull());
    throw forbidden(C.calendarCollectionLocationOk());
  }
  if (r.access !== 'owner') throw forbidden(C.needPrivileges());
  let prop: XmlElement | null = null;
  const root = xmlBody(q);
  if (root) {
    if (!is(root, NS.CALDAV, 'mkcalendar')) throw new DavError(400);
    const set = child(root, NS.DAV, 'set');
    prop = (set && child(set, NS.DAV, 'prop')) ?? null;
  }
  await createPimCollection(q, r, prop);
  return { status: 201, headers: { 'content-length': '0' } };
}

/** Creates the folder for a new calendar or address book with the properties of the request. */
export async function createPimCollection(q: DavRequest, r: Extract<Res, { kind: 'new-collection' }>, prop: XmlElement | null): Promise<void> {
  let components: string[] | undefined;
  const ops = [];
  for (const p of prop?.children ?? []) {
    if (is(p, NS.DAV, 'resourcetype')) continue;
    if (is(p, NS.CALDAV, 'supported-calendar-component-set')) {
      components = p.children.filter((c) => is(c, NS.CALDAV, 'comp')).map((c) => (c.attrs.name ?? '').toUpperCase());
      if (!components.length || components.some((c) => !ALL_COMPONENTS.includes(c))) throw forbidden(C.supportedCalendarComponent());
      continue;
    }
    ops.push({ name: clark(p.ns, p.local), el: p, remove: false });
  }
  const kind = r.area === 'addressbooks' ? 'contacts' : components && components.length === 1 && components[0] === 'VTODO' ? 'tasks' : 'calendar';
  const fakeRes: Res = { kind: 'collection', href: r.href, area: r.area, account: r.account, access: 'owner',
    folder: { id: 0, accountId: r.account.id, parentId: null, name: r.name, kind, role: null, props: {}, uidValidity: 0, uidNext: 0, modseq: 0, contentModseq: 0, createdAt: 0 } };
  const plan = planProps(fakeRes, ops, {});
  if (plan.failed.size) throw forbidden(C.cannotModifyProtectedProperty());
  const props: Record<string, unknown> = { ...plan.props, davSegment: r.name };
  // RFC 4791 §5.3.1: without supported-calendar-component-set a new calendar takes every
  // component type we store (events, tasks and journals); an explicit set is kept as given.
  if (components) props.davComponents = components;
  else if (r.area === 'calendars') props.davComponents = [...ALL_COMPONENTS];
  const name = await uniqueFolderName(q, r.account.id, plan.rename ?? r.name);
  await q.svc.ctx.store.createFolder({ accountId: r.account.id, name, kind, props });
}

export { xmlResponse, documentRoot };
