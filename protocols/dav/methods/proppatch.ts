/**
 * PROPPATCH (RFC 4918 §9.2): every instruction succeeds or none does (§9.2: atomic). Dead
 * properties are stored verbatim with their namespaces; a few presentation properties map to
 * folder fields other protocols read (name, color, order, description).
 */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import { resolve, atLeast, type Res } from '../resolve.js';
import { DavError, badRequest, notFound, forbidden, C } from '../errors.js';
import { is, type XmlElement } from '../xml/parser.js';
import { NS, clark, parseClark } from '../xml/names.js';
import { documentRoot, serializeElement, el, d, href } from '../xml/writer.js';
import { isLive } from '../props/live.js';
import { deadProps, propstat } from '../props/engine.js';
import { parseBody } from './propfind.js';
import { exists, writeGate } from '../conditions.js';
import { uniqueFolderName } from '../folders.js';

/** Live properties a client may set on calendars and address books, and where they go. */
const MAPPED: Record<string, string> = {
  [clark(NS.DAV, 'displayname')]: 'name',
  [clark(NS.APPLE, 'calendar-color')]: 'color',
  [clark(NS.APPLE, 'calendar-order')]: 'order',
  [clark(NS.CALDAV, 'calendar-description')]: 'description',
  [clark(NS.CARDDAV, 'addressbook-description')]: 'description',
};

export interface PropOp { name: string; el: XmlElement; remove: boolean }

export function propOps(root: XmlElement): PropOp[] {
  const ops: PropOp[] = [];
  for (const instr of root.children) {
    const remove = is(instr, NS.DAV, 'remove');
    if (!remove && !is(instr, NS.DAV, 'set')) continue;
    for (const prop of instr.children.filter((c) => is(c, NS.DAV, 'prop'))) for (const p of prop.children) ops.push({ name: clark(p.ns, p.local), el: p, remove });
  }
  return ops;
}

/** Applies the operations to a resource's props in memory; returns the failures by name. */
export function planProps(r: Res, ops: PropOp[], base: Record<string, unknown>): { props: Record<string, unknown>; rename?: string; failed: Map<string, number> } {
  const props = structuredClone(base);
  const dead = { ...deadProps(r) };
  const failed = new Map<string, number>();
  let rename: string | undefined;
  const pim = r.kind === 'collection' && r.area !== 'files';
  for (const op of ops) {
    const mapped = pim ? MAPPED[op.name] : undefined;
    if (mapped) {
      const text = op.el.text.trim();
      // A public folder's name is the administrator's (src/admin/public-folders.ts, audited).
      if (mapped === 'name' && r.kind === 'collection' && r.publicMount) { failed.set(op.name, 403); continue; }
      if (mapped === 'name') { if (!op.remove && text) rename = text; continue; }
      if (op.remove) delete props[mapped]; else props[mapped] = mapped === 'order' && /^-?\d+$/.test(text) ? Number(text) : text;
      continue;
    }
    if (isLive(op.name) && op.name !== clark(NS.DAV, 'displayname')) { failed.set(op.name, 403); continue; }
    if (op.remove) delete dead[op.name];
    else dead[op.name] = serializeElement(op.el);
  }
  props['davDead'] = dead;
  return { props, rename, failed };
}

export async function proppatch(q: DavRequest): Promise<DavResponse> {
  const root = parseBody(q);
  if (!root || !is(root, NS.DAV, 'propertyupdate')) throw badRequest('expected propertyupdate');
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  if (!(r.kind === 'collection' || r.kind === 'member')) throw forbidden(C.cannotModifyProtectedProperty());
  if (!atLeast(r.access, 'write')) throw forbidden(C.needPrivileges());
  await writeGate(q, r);
  const ops = propOps(root);
  const base = r.kind === 'member' ? r.item!.props : r.folder.props;
  const plan = planProps(r, ops, base);
  const names = [...new Set(ops.map((o) => o.name))];
  const tag = (n: string) => { const { ns, local } = parseClark(n); return el(ns, local); };
  let body: string;
  if (plan.failed.size) {
    // §9.2: one failure fails them all; the rest are 424 Failed Dependency.
    const parts = names.map((n) => propstat(tag(n), plan.failed.get(n) ?? 424, plan.failed.has(n) ? el(NS.DAV, 'cannot-modify-protected-property') : undefined));
    body = d('response', href(r.href) + parts.join(''));
  } else {
    const store = q.svc.ctx.store;
    if (r.kind === 'member') await store.updateItem(r.item!.id, { props: plan.props });
    else {
      const patch: { props: Record<string, unknown>; name?: string } = { props: plan.props };
      if (plan.rename && plan.rename !== r.folder.name) patch.name = await uniqueFolderName(q, r.account.id, plan.rename, r.folder.id);
      await store.updateFolder(r.folder.id, patch);
    }
    body = d('response', href(r.href) + propstat(names.map(tag).join(''), 200));
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', body));
}

export { DavError };
