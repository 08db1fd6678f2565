/** REPORT (RFC 3253 §3.6): dispatch on the body's root element. */
import type { DavRequest, DavResponse } from '../request.js';
import { resolve } from '../resolve.js';
import { DavError, C, badRequest, notFound } from '../errors.js';
import { NS, clark } from '../xml/names.js';
import { parseBody } from './propfind.js';
import { exists } from '../conditions.js';
import { accessOf } from '../props/privileges.js';
import { REPORTS } from '../reports/index.js';

export async function report(q: DavRequest): Promise<DavResponse> {
  const body = parseBody(q);
  if (!body) throw badRequest('REPORT without body');
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  const handler = REPORTS[clark(body.ns, body.local)];
  if (!handler) throw new DavError(403, C.supportedReport());
  // free-busy-query only needs read-free-busy (RFC 4791 §7.10); everything else needs read.
  if (accessOf(r) === 'freebusy' && body.local !== 'free-busy-query') throw new DavError(403, C.needPrivileges());
  return handler(q, r, body);
}

export { NS };
