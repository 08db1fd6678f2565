/**
 * calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7). Hrefs naming
 * members of the request collection are read in one store call and rendered like the rows of
 * a PROPFIND Depth 1 (props/batch.ts); any other href is resolved on its own.
 */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse, urlToSegments } from '../request.js';
import type { Res } from '../resolve.js';
import { resolve } from '../resolve.js';
import { NS } from '../xml/names.js';
import { type XmlElement, childrenOf } from '../xml/parser.js';
import { documentRoot } from '../xml/writer.js';
import { statusResponse } from '../props/engine.js';
import { responseRenderer, listingPlan, type ListedRow } from '../props/batch.js';
import { memberRes } from '../members.js';
import { reportProps } from './render.js';
import { exists } from '../conditions.js';
import { multistatusOf } from '../multistatus.js';

type Parent = Extract<Res, { kind: 'collection' | 'schedule' }>;

export async function multiget(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  const rp = reportProps(body);
  const hrefs = childrenOf(body, NS.DAV, 'href').map((h) => h.text.trim());
  const parts: string[] = [];
  // Members of the request collection by name; undefined for an href anywhere else.
  const local = r.kind === 'collection' || r.kind === 'schedule' ? memberNames(r, hrefs) : [];
  const names = [...new Set(local.filter((n): n is string => n !== undefined))];
  // Members of the collection from one lean read of only the fields the properties need.
  const plan = names.length ? listingPlan(rp.req, rp.extra, rp.needsContent) : null;
  if (plan && (r.kind === 'collection' || r.kind === 'schedule')) {
    const rows = await q.svc.ctx.store.listItemFields(r.folder.id, plan.fields, { names });
    const byName = new Map<string, ListedRow>();
    for (const row of rows) byName.set(row.name, row);
    let render: ((res: Res) => string | Promise<string>) | undefined;
    for (let i = 0; i < hrefs.length; i++) {
      const n = local[i];
      const row = n !== undefined ? byName.get(n) : undefined;
      let v: string | Promise<string>;
      if (row) v = plan.one(q, r, row);
      else if (n !== undefined) v = statusResponse(hrefs[i], 404, 'Not Found');
      else v = other(q, hrefs[i], (render ??= responseRenderer(q, rp.req, rp.extra)));
      parts.push(typeof v === 'string' ? v : await v);
    }
    return multistatusOf(parts);
  }
  // Properties that need full items (allprop, propname, ...): the general renderer.
  const found = new Map<string, Res>();
  if (names.length && (r.kind === 'collection' || r.kind === 'schedule')) {
    for (const it of await q.svc.ctx.store.getItemsByNames(r.folder.id, names)) found.set(it.name, memberRes(r, it));
  }
  const render = responseRenderer(q, rp.req, rp.extra);
  for (let i = 0; i < hrefs.length; i++) {
    const n = local[i];
    const m = n !== undefined ? found.get(n) : undefined;
    const v = m ? render(m) : n !== undefined ? statusResponse(hrefs[i], 404, 'Not Found') : other(q, hrefs[i], render);
    parts.push(typeof v === 'string' ? v : await v);
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}

/**
 * For each href, the name of the member of `parent` it designates, or undefined when it points
 * elsewhere. An href that starts with the collection's own href and adds one plain segment is
 * decoded as it stands (a client sends back the hrefs we gave it); anything else (another
 * spelling, a full URL, a query) is compared segment by segment after decoding, as resolve would.
 */
export function memberNames(parent: Parent, hrefs: string[]): (string | undefined)[] {
  const base = parent.href;
  let decodedBase: string | undefined;
  return hrefs.map((h) => {
    if (h.length > base.length && h.startsWith(base)) {
      const rest = h.slice(base.length);
      if (!/[/?#]/.test(rest)) {
        if (!rest.includes('%')) return rest;
        try { return decodeURIComponent(rest); } catch { /* the general path below refuses it */ }
      }
    }
    const segs = urlToSegments(h);
    const name = segs?.[segs.length - 1];
    decodedBase ??= decodeURIComponent(parent.href);
    return name && '/' + segs.join('/') === decodedBase + name ? name : undefined;
  });
}

/** An href outside the request collection: resolved on its own (RFC 4791 §7.9 allows any). */
async function other(q: DavRequest, h: string, render: (r: Res) => string | Promise<string>): Promise<string> {
  const segs = urlToSegments(h);
  const res = segs ? await resolve(q, segs) : null;
  return res && exists(res) && (res.kind === 'member' || res.kind === 'gal-card') ? render(res) : statusResponse(h, 404, 'Not Found');
}
