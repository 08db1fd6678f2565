/**
 * PROPFIND machinery shared by PROPFIND and every REPORT: which properties were asked for
 * (RFC 4918 §9.1, §14.20), dead property storage, and one DAV:response per resource with
 * its properties grouped by status.
 */
import type { DavRequest } from '../request.js';
import type { Res } from '../resolve.js';
import { NS, clark, parseClark } from '../xml/names.js';
import { type XmlElement, child } from '../xml/parser.js';
import { d, el, esc, href } from '../xml/writer.js';
import { getLive, allpropNames, liveNames, isLive } from './live.js';
import { accessOf } from './privileges.js';

export type PropRequest = { type: 'allprop'; include: string[] } | { type: 'propname' } | { type: 'prop'; names: string[]; elements: Map<string, XmlElement> };

/** Reads `<propfind>` (or a REPORT's prop list); an empty body means allprop (RFC 4918 §9.1). */
export function propRequest(root: XmlElement | null): PropRequest {
  if (!root) return { type: 'allprop', include: [] };
  if (child(root, NS.DAV, 'propname')) return { type: 'propname' };
  const prop = child(root, NS.DAV, 'prop');
  if (prop) return { type: 'prop', names: prop.children.map((c) => clark(c.ns, c.local)), elements: new Map(prop.children.map((c) => [clark(c.ns, c.local), c])) };
  const inc = child(root, NS.DAV, 'include');
  return { type: 'allprop', include: inc ? inc.children.map((c) => clark(c.ns, c.local)) : [] };
}

/** Dead properties of a resource: clark name -> the element serialised verbatim. */
export function deadProps(r: Res): Record<string, string> {
  const holder = r.kind === 'member' ? r.item?.props : r.kind === 'collection' ? r.folder.props : undefined;
  const dead = holder?.['davDead'];
  return dead && typeof dead === 'object' ? (dead as Record<string, string>) : {};
}

/** Extra, request-specific properties (calendar-data, address-data in reports). */
export type ExtraProps = (name: string, r: Res) => Promise<string | undefined> | string | undefined;

const parsed = new Map<string, { ns: string; local: string }>();
const propEl = (name: string, inner?: string) => {
  let n = parsed.get(name);
  if (!n) { n = parseClark(name); if (parsed.size < 10_000) parsed.set(name, n); }
  return el(n.ns, n.local, inner);
};
const isThenable = (v: unknown): v is Promise<string | undefined> => typeof (v as { then?: unknown } | undefined)?.then === 'function';
const STATUS: Record<number, string> = { 200: 'HTTP/1.1 200 OK', 403: 'HTTP/1.1 403 Forbidden', 404: 'HTTP/1.1 404 Not Found', 409: 'HTTP/1.1 409 Conflict', 424: 'HTTP/1.1 424 Failed Dependency', 507: 'HTTP/1.1 507 Insufficient Storage' };

/** Properties that are not read unless the user holds the read privilege. */
function readable(r: Res, name: string): boolean {
  const a = accessOf(r);
  if (a === 'read' || a === 'write' || a === 'owner') return true;
  // Free-busy-only users see the collection exists and their own privileges, nothing more.
  return name === clark(NS.DAV, 'resourcetype') || name === clark(NS.DAV, 'current-user-privilege-set') || name === clark(NS.DAV, 'current-user-principal');
}

export async function renderResponse(q: DavRequest, r: Res, req: PropRequest, extra?: ExtraProps): Promise<string> {
  const found: string[] = [];
  const missing: string[] = [];
  const denied: string[] = [];
  const dead = deadProps(r);
  if (req.type === 'propname') {
    for (const n of liveNames()) if ((await getLive(q, r, n)) !== undefined) found.push(propEl(n));
    for (const n of Object.keys(dead)) found.push(propEl(n));
  } else {
    const names = req.type === 'prop' ? req.names : [...new Set([...allpropNames(), ...req.include])];
    for (const n of names) {
      if (!readable(r, n)) { denied.push(propEl(n)); continue; }
      let x = extra ? extra(n, r) : undefined;
      if (isThenable(x)) x = await x;
      if (x !== undefined) { found.push(x); continue; }
      let v = isLive(n) ? getLive(q, r, n) : undefined;
      if (isThenable(v)) v = await v;
      if (v !== undefined) found.push(propEl(n, v));
      else if (dead[n] !== undefined) found.push(dead[n]);
      else if (req.type === 'prop') missing.push(propEl(n));
    }
    if (req.type === 'allprop') for (const [n, v] of Object.entries(dead)) if (!names.includes(n)) found.push(v);
  }
  let out = href(r.href);
  if (found.length) out += propstat(found.join(''), 200);
  if (denied.length) out += propstat(denied.join(''), 403);
  if (missing.length) out += propstat(missing.join(''), 404);
  if (!found.length && !denied.length && !missing.length) out += propstat('', 200);
  return d('response', out);
}

export function propstat(props: string, status: number, condition?: string): string {
  return d('propstat', d('prop', props) + d('status', STATUS[status] ?? `HTTP/1.1 ${status} Status`) + (condition ? d('error', condition) : ''));
}

export const statusResponse = (h: string, status: number, text = '') => d('response', href(h) + d('status', `HTTP/1.1 ${status} ${text}`.trim()));

export { esc };
