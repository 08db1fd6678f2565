/**
 * Many members of one collection in one pass (PROPFIND Depth 1, sync-collection, calendar-query,
 * multiget). For the properties a member's own row decides (getetag, getcontenttype, ...), the
 * request's property list is compiled once into a plan and each DAV:response is built by string
 * concatenation of pre-escaped parts; any other resource or property goes through renderResponse.
 * The output is byte for byte what renderResponse gives (test/protocols/dav/batch.test.ts).
 */
import { itemEtag } from '../../../src/model/types.js';
import { contentTypeOf } from '../../../src/pim/item.js';
import type { Item } from '../../../src/model/types.js';
import type { DavRequest } from '../request.js';
import type { Res } from '../resolve.js';
import { NS, clark, parseClark } from '../xml/names.js';
import { el, esc } from '../xml/writer.js';
import { renderResponse, propstat, type ExtraProps, type PropRequest } from './engine.js';

type Member = Extract<Res, { kind: 'member' }>;
type Part = { kind: 'fast'; open: string; close: string; empty: string; get: (it: Item, r: Member) => string } | { kind: 'extra'; name: string };

const HTTP_DATE = (ms: number) => new Date(ms).toUTCString();
const typeCache = new Map<string, string>();
const escType = (t: string) => { let v = typeCache.get(t); if (v === undefined) { v = esc(t); if (typeCache.size < 1000) typeCache.set(t, v); } return v; };

/** Member properties computed from the item alone; the same values as props/live.ts. */
const MEMBER: Partial<Record<string, (it: Item, r: Member) => string>> = {
  [clark(NS.DAV, 'getetag')]: (it) => esc(itemEtag(it)),
  [clark(NS.DAV, 'getcontenttype')]: (it, r) => escType(contentTypeOf(it, r.folder.kind)),
  [clark(NS.DAV, 'getcontentlength')]: (it) => String(it.size),
  [clark(NS.DAV, 'getlastmodified')]: (it) => HTTP_DATE(it.updatedAt),
  [clark(NS.DAV, 'creationdate')]: (it) => new Date(it.createdAt).toISOString(),
  [clark(NS.DAV, 'resourcetype')]: () => '',
};

/** Live properties no member has (answered 404 for every member). */
const ABSENT = new Set([
  clark(NS.DAV, 'displayname'), clark(NS.DAV, 'sync-token'), clark(NS.CS, 'getctag'), clark(NS.DAV, 'quota-used-bytes'), clark(NS.DAV, 'quota-available-bytes'),
  clark(NS.CALDAV, 'supported-calendar-component-set'), clark(NS.CALDAV, 'supported-calendar-data'), clark(NS.CALDAV, 'max-resource-size'),
  clark(NS.CALDAV, 'calendar-description'), clark(NS.CARDDAV, 'addressbook-description'), clark(NS.APPLE, 'calendar-color'), clark(NS.APPLE, 'calendar-order'),
  clark(NS.CALDAV, 'calendar-home-set'), clark(NS.CARDDAV, 'addressbook-home-set'), clark(NS.CALDAV, 'calendar-user-address-set'),
]);

const EXTRA = new Set([clark(NS.CALDAV, 'calendar-data'), clark(NS.CARDDAV, 'address-data')]);
const HREF_SAFE = /^[^&<>"\u0000-\u001F]*$/;

interface Plan { parts: Part[]; missing: string }

function compile(req: PropRequest, extra: ExtraProps | undefined): Plan | null {
  if (req.type !== 'prop') return null;
  const parts: Part[] = [];
  const missing: string[] = [];
  for (const n of req.names) {
    const { ns, local } = parseClark(n);
    const get = MEMBER[n];
    if (get) {
      const mark = '\u0001';
      const [open, close] = el(ns, local, mark).split(mark);
      parts.push({ kind: 'fast', open, close, empty: el(ns, local), get });
    } else if (EXTRA.has(n) && extra) parts.push({ kind: 'extra', name: n });
    else if (ABSENT.has(n)) missing.push(el(ns, local));
    else return null;
  }
  return { parts, missing: missing.length ? propstat(missing.join(''), 404) : '' };
}

const fastMember = (r: Res): r is Member & { item: Item } =>
  r.kind === 'member' && r.item !== null && (r.access === 'read' || r.access === 'write' || r.access === 'owner') && r.item.props['davDead'] === undefined;

function renderFast(plan: Plan, r: Member & { item: Item }, extra: ExtraProps | undefined): string | null {
  let found = '';
  for (const p of plan.parts) {
    if (p.kind === 'fast') {
      const v = p.get(r.item, r);
      found += v === '' ? p.empty : p.open + v + p.close;
    } else {
      const v = extra!(p.name, r);
      if (typeof v !== 'string') return null;
      found += v;
    }
  }
  const h = HREF_SAFE.test(r.href) ? r.href : esc(r.href);
  let out = `<D:response><D:href>${h}</D:href>`;
  if (found) out += `<D:propstat><D:prop>${found}</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>`;
  out += plan.missing;
  if (!found && !plan.missing) out += propstat('', 200);
  return out + '</D:response>';
}

/** A renderer for one request's property list: synchronous for members on the fast path. */
export function responseRenderer(q: DavRequest, req: PropRequest, extra?: ExtraProps): (r: Res) => string | Promise<string> {
  const plan = compile(req, extra);
  return (r) => (plan && fastMember(r) ? renderFast(plan, r, extra) : null) ?? renderResponse(q, r, req, extra);
}

/** The DAV:response elements of many resources, in order, concatenated. */
export async function renderResponses(q: DavRequest, rs: Res[], req: PropRequest, extra?: ExtraProps): Promise<string> {
  const render = responseRenderer(q, req, extra);
  const out: string[] = [];
  for (const r of rs) {
    const v = render(r);
    out.push(typeof v === 'string' ? v : await v);
  }
  return out.join('');
}
