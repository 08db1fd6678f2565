/** PROPFIND (RFC 4918 §9.1). Depth infinity is refused (§9.1, propfind-finite-depth). */
import type { DavRequest, DavResponse } from '../request.js';
import { depth, xmlResponse } from '../request.js';
import { xmlBody } from '../body.js';
import { resolve } from '../resolve.js';
import { DavError, C, badRequest, notFound } from '../errors.js';
import { is, type XmlElement } from '../xml/parser.js';
import { NS } from '../xml/names.js';
import { documentRoot } from '../xml/writer.js';
import { propRequest, renderResponse } from '../props/engine.js';
import { members } from '../members.js';
import { renderResponses, listingPlan } from '../props/batch.js';
import { multistatus, STREAM_ABOVE } from '../multistatus.js';
import { exists } from '../conditions.js';

/** The XML body (PROPFIND, PROPPATCH, REPORT); null when empty. 400 malformed, 413 too large. */
export function parseBody(q: DavRequest): XmlElement | null {
  return xmlBody(q);
}

export async function propfind(q: DavRequest): Promise<DavResponse> {
  const dep = depth(q, 'infinity');
  if (dep === 'infinity') throw new DavError(403, C.propfindFiniteDepth());
  const root = parseBody(q);
  if (root && !is(root, NS.DAV, 'propfind')) throw badRequest('expected propfind');
  const req = propRequest(root);
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  const head = await renderResponse(q, r, req);
  // A calendar's or address book's members from a lean listing (one query, only the fields the
  // properties need), streamed: RFC 4918 §9.1 Depth 1 on 10,000 members.
  const plan = dep === '1' && (r.kind === 'schedule' || (r.kind === 'collection' && r.area !== 'files')) ? listingPlan(req) : null;
  if (plan && (r.kind === 'schedule' || r.kind === 'collection')) {
    const rows = await q.svc.ctx.store.listItemFields(r.folder.id, plan.fields);
    return multistatus(head, plan.render(q, r, rows), '', rows.length > STREAM_ABOVE);
  }
  const parts = [head];
  if (dep === '1') parts.push(await renderResponses(q, await members(q, r), req));
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}
