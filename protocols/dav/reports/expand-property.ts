/** expand-property (RFC 3253 §3.8): follow the hrefs in properties, used for proxy discovery. */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse, urlToSegments } from '../request.js';
import type { Res } from '../resolve.js';
import { resolve } from '../resolve.js';
import { NS, clark } from '../xml/names.js';
import { type XmlElement, childrenOf } from '../xml/parser.js';
import { documentRoot, d, el, href } from '../xml/writer.js';
import { getLive, isLive } from '../props/live.js';
import { propstat } from '../props/engine.js';
import { exists } from '../conditions.js';

const MAX_DEPTH = 3;

async function expand(q: DavRequest, r: Res, spec: XmlElement, level: number): Promise<string> {
  const found: string[] = [];
  const missing: string[] = [];
  for (const p of childrenOf(spec, NS.DAV, 'property')) {
    const ns = p.attrs.namespace ?? NS.DAV;
    const local = p.attrs.name ?? '';
    const name = clark(ns, local);
    const v = isLive(name) ? await getLive(q, r, name) : undefined;
    if (v === undefined) { missing.push(el(ns, local)); continue; }
    const nested = childrenOf(p, NS.DAV, 'property');
    if (!nested.length || level >= MAX_DEPTH) { found.push(el(ns, local, v)); continue; }
    const hrefs = [...v.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    const inner: string[] = [];
    for (const h of hrefs) {
      const segs = urlToSegments(h);
      const target = segs ? await resolve(q, segs) : null;
      inner.push(target && exists(target) ? await expand(q, target, p, level + 1) : d('response', href(h) + d('status', 'HTTP/1.1 404 Not Found')));
    }
    found.push(el(ns, local, inner.join('')));
  }
  let out = href(r.href);
  if (found.length || !missing.length) out += propstat(found.join(''), 200);
  if (missing.length) out += propstat(missing.join(''), 404);
  return d('response', out);
}

export async function expandProperty(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', await expand(q, r, body, 0)));
}
