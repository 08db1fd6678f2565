/** calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7). */
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

export async function multiget(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  const rp = reportProps(body);
  const hrefs = childrenOf(body, NS.DAV, 'href').map((h) => h.text.trim());
  const parts: string[] = [];
  // Members of the request collection in one store call; anything else resolved one by one.
  const local = new Map<string, string>();
  if (r.kind === 'collection' || r.kind === 'schedule') {
    const decodedBase = decodeURIComponent(r.href);
    for (const h of hrefs) {
      const segs = urlToSegments(h);
      const path = segs ? '/' + segs.join('/') : '';
      const name = segs?.[segs.length - 1];
      if (name && path === decodedBase + name) local.set(h, name);
    }
  }
  const found = new Map<string, Res>();
  // Members of the collection from one lean read of only the fields the properties need.
  const plan = local.size ? listingPlan(rp.req, rp.extra, rp.needsContent) : null;
  if (plan && (r.kind === 'collection' || r.kind === 'schedule')) {
    const rows = await q.svc.ctx.store.listItemFields(r.folder.id, plan.fields, { names: [...new Set(local.values())] });
    const byName = new Map<string, ListedRow>(rows.map((i) => [i.name, i]));
    for (const h of hrefs) {
      const n = local.get(h);
      const row = n !== undefined ? byName.get(n) : undefined;
      let v: string | Promise<string>;
      if (row) v = plan.one(q, r, row);
      else if (n !== undefined) v = statusResponse(h, 404, 'Not Found');
      else v = other(q, h, responseRenderer(q, rp.req, rp.extra));
      parts.push(typeof v === 'string' ? v : await v);
    }
    return multistatusOf(parts);
  }
  if (local.size && (r.kind === 'collection' || r.kind === 'schedule')) {
    const items = await q.svc.ctx.store.getItemsByNames(r.folder.id, [...new Set(local.values())]);
    const byName = new Map(items.map((i) => [i.name, i]));
    for (const [h, n] of local) { const it = byName.get(n); if (it) found.set(h, memberRes(r, it)); }
  }
  const render = responseRenderer(q, rp.req, rp.extra);
  for (const h of hrefs) {
    const m = found.get(h);
    const v = m ? render(m) : local.has(h) ? statusResponse(h, 404, 'Not Found') : other(q, h, render);
    parts.push(typeof v === 'string' ? v : await v);
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}

/** An href outside the request collection: resolved on its own (RFC 4791 §7.9 allows any). */
async function other(q: DavRequest, h: string, render: (r: Res) => string | Promise<string>): Promise<string> {
  const segs = urlToSegments(h);
  const res = segs ? await resolve(q, segs) : null;
  return res && exists(res) && (res.kind === 'member' || res.kind === 'gal-card') ? render(res) : statusResponse(h, 404, 'Not Found');
}
