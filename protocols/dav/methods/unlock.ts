/** UNLOCK (RFC 4918 §9.11): the token must name a lock on the request URI. */
import type { DavRequest, DavResponse } from '../request.js';
import { header } from '../request.js';
import { resolve } from '../resolve.js';
import { DavError, C, badRequest } from '../errors.js';
import { exists } from '../conditions.js';

export async function unlock(q: DavRequest): Promise<DavResponse> {
  const raw = header(q, 'lock-token');
  const m = raw ? /^\s*<([^>]+)>\s*$/.exec(raw) : null;
  if (!m) throw badRequest('Lock-Token required');
  const r = await resolve(q);
  if (!exists(r)) throw new DavError(404);
  const l = (await q.svc.locks.covering(q, r)).find((x) => x.token === m[1]);
  if (!l) throw new DavError(409, C.lockTokenMatchesRequestUri());
  if (l.principalId !== q.user.id) throw new DavError(403);
  // Gone meanwhile (another node's UNLOCK, or it expired): the lock no longer applies.
  if (!(await q.svc.locks.remove(q, l))) throw new DavError(409, C.lockTokenMatchesRequestUri());
  return { status: 204 };
}
