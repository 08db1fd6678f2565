/**
 * Many members of one collection in one pass (PROPFIND Depth 1, sync-collection, calendar-query,
 * multiget). For the properties a member alone decides (getetag, getcontenttype, ...: those whose
 * definition in props/live.ts has a `member` getter or NO_MEMBER), the request's property list is
 * compiled once and each DAV:response is built by string concatenation of pre-escaped parts; any
 * other resource or property goes through renderResponse.
 * The output is byte for byte what renderResponse gives (test/protocols/dav/batch.test.ts).
 */
import type { Item } from '../../../src/model/types.js';
import type { ListedField, ListedItem } from '../../../src/store/store.js';
import type { DavRequest } from '../request.js';
import type { Res } from '../resolve.js';
import { NS, clark, parseClark } from '../xml/names.js';
import { el, esc } from '../xml/writer.js';
import { renderResponse, propstat, type ExtraProps, type PropRequest } from './engine.js';
import { memberFields, memberGetter, NO_MEMBER, type Member, type MemberGetter } from './live.js';
import { memberRes } from '../members.js';
import { Utf8Writer } from '../multistatus.js';

/** One requested property, compiled: its markup around the value, or how it is answered. */
type Part =
  | { kind: 'member'; name: string; open: string; close: string; empty: string; get: MemberGetter }
  | { kind: 'absent'; missing: string }
  | { kind: 'extra'; name: string };

/** Report-specific properties (calendar-data, address-data) that the request's ExtraProps answers. */
const EXTRA = new Set([clark(NS.CALDAV, 'calendar-data'), clark(NS.CARDDAV, 'address-data')]);
const HREF_SAFE = /^[^&<>"\u0000-\u001F]*$/;

/**
 * The request's property list as parts, or null when some property needs the general path:
 * the member getters and NO_MEMBER marks come from the definitions in props/live.ts.
 */
function compile(req: PropRequest, extra: ExtraProps | undefined): Part[] | null {
  if (req.type !== 'prop') return null;
  const parts: Part[] = [];
  for (const n of req.names) {
    const { ns, local } = parseClark(n);
    const get = memberGetter(n);
    if (get === NO_MEMBER) parts.push({ kind: 'absent', missing: el(ns, local) });
    else if (get) {
      const mark = '\u0001';
      const [open, close] = el(ns, local, mark).split(mark);
      parts.push({ kind: 'member', name: n, open, close, empty: el(ns, local), get });
    } else if (EXTRA.has(n) && extra) parts.push({ kind: 'extra', name: n });
    else return null;
  }
  return parts;
}

const fastMember = (r: Res): r is Member & { item: Item } =>
  r.kind === 'member' && r.item !== null && (r.access === 'read' || r.access === 'write' || r.access === 'owner') && r.item.props['davDead'] === undefined;

function renderFast(parts: Part[], r: Member & { item: Item }, extra: ExtraProps | undefined): string | null {
  let found = '';
  let missing = '';
  for (const p of parts) {
    if (p.kind === 'member') {
      const v = p.get(r);
      // The empty element serves both: a present empty value (200) or an absent property (404).
      if (v === undefined) missing += p.empty;
      else found += v === '' ? p.empty : p.open + v + p.close;
    } else if (p.kind === 'absent') missing += p.missing;
    else {
      const v = extra!(p.name, r);
      if (typeof v !== 'string') return null;
      found += v;
    }
  }
  const h = HREF_SAFE.test(r.href) ? r.href : esc(r.href);
  let out = `<D:response><D:href>${h}</D:href>`;
  if (found) out += `<D:propstat><D:prop>${found}</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>`;
  if (missing) out += propstat(missing, 404);
  if (!found && !missing) out += propstat('', 200);
  return out + '</D:response>';
}

/** Rows listed with the fields a listing plan asked for. */
export type ListedRow = ListedItem<ListedField>;

/**
 * How a listing of many members answers one request from a lean store read
 * (Store.listItemFields): the fields to select, and the renderer of the rows. null when some
 * property needs more than a member's row (then list full items and use responseRenderer).
 */
export interface ListingPlan {
  fields: ListedField[];
  /** The DAV:response elements of the rows as UTF-8, in chunks of about `chunkBytes` (streamed by the caller). */
  render(q: DavRequest, parent: Extract<Res, { kind: 'collection' | 'schedule' }>, rows: ListedRow[], chunkBytes?: number): AsyncGenerator<Buffer>;
  /** One row's DAV:response. */
  one(q: DavRequest, parent: Extract<Res, { kind: 'collection' | 'schedule' }>, row: ListedRow): string | Promise<string>;
}

export function listingPlan(req: PropRequest, extra?: ExtraProps, contentAsked = false): ListingPlan | null {
  const parts = compile(req, extra);
  if (!parts) return null;
  // props always: a member with dead properties takes the general path (renderResponse).
  const fields = new Set<ListedField>(['props']);
  for (const p of parts) {
    if (p.kind === 'extra') { fields.add('content'); }
    else if (p.kind === 'member') for (const f of memberFields(p.name)) fields.add(f);
  }
  if (contentAsked) fields.add('content');
  const one = (q: DavRequest, parent: Extract<Res, { kind: 'collection' | 'schedule' }>, row: ListedRow): string | Promise<string> => {
    // The row has every field the compiled getters read (their `fields`); nothing else reads it.
    const r = memberRes(parent, row as unknown as Item) as Member & { item: Item };
    return (fastMember(r) ? renderFast(parts, r, extra) : null) ?? renderResponse(q, r, req, extra);
  };
  return {
    fields: [...fields],
    one,
    async *render(q, parent, rows, chunkBytes = 64 * 1024) {
      // Each response written into the current buffer: cheaper than one long string (multistatus.ts).
      const out = new Utf8Writer(chunkBytes);
      for (const row of rows) {
        const v = one(q, parent, row);
        out.add(typeof v === 'string' ? v : await v);
        for (const b of out.takeFull()) yield b;
      }
      for (const b of out.takeAll()) yield b;
    },
  };
}

/** A renderer for one request's property list: synchronous for members on the fast path. */
export function responseRenderer(q: DavRequest, req: PropRequest, extra?: ExtraProps): (r: Res) => string | Promise<string> {
  const parts = compile(req, extra);
  return (r) => (parts && fastMember(r) ? renderFast(parts, r, extra) : null) ?? renderResponse(q, r, req, extra);
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
