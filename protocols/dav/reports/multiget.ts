/** calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7). */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse, urlToSegments } from '../request.js';
import type { Res } from '../resolve.js';
import { resolve } from '../resolve.js';
import { NS } from '../xml/names.js';
import { type XmlElement, childrenOf } from '../xml/parser.js';
import { documentRoot } from '../xml/writer.js';
import { statusResponse } from '../props/engine.js';
import { responseRenderer } from '../props/batch.js';
import { memberRes } from '../members.js';
import { reportProps } from './render.js';
import { exists } from '../conditions.js';

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
  if (local.size && (r.kind === 'collection' || r.kind === 'schedule')) {
    const items = await q.svc.ctx.store.getItemsByNames(r.folder.id, [...new Set(local.values())]);
    const byName = new Map(items.map((i) => [i.name, i]));
    for (const [h, n] of local) { const it = byName.get(n); if (it) found.set(h, memberRes(r, it)); }
  }
  const render = responseRenderer(q, rp.req, rp.extra);
  for (const h of hrefs) {
    let m = found.get(h);
    if (!m && !local.has(h)) {
      const segs = urlToSegments(h);
      const res = segs ? await resolve(q, segs) : null;
      if (res && exists(res) && (res.kind === 'member' || res.kind === 'gal-card')) m = res;
    }
    const v = m ? render(m) : statusResponse(h, 404, 'Not Found');
    parts.push(typeof v === 'string' ? v : await v);
  }
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}
