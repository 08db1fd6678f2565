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
import { renderResponses } from '../props/batch.js';
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
  const parts = [await renderResponse(q, r, req)];
  if (dep === '1') parts.push(await renderResponses(q, await members(q, r), req));
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('')));
}
