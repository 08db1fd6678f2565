/**
 * Conditional requests: If-Match / If-None-Match (RFC 9110 §13.1) and the WebDAV If header with
 * lock tokens and entity tags (RFC 4918 §10.4), then the lock check of §7: a write to a locked
 * resource needs one of its lock tokens submitted by the lock's owner, else 423.
 */
import { itemEtag } from '../../src/model/types.js';
import type { DavRequest } from './request.js';
import { header, urlToSegments } from './request.js';
import type { Res } from './resolve.js';
import { resolve } from './resolve.js';
import { DavError, C } from './errors.js';
import { parseIf, submittedTokens, type IfList, type Lock } from './locks.js';
import { folderEtag, hashEtag } from './sync-token.js';
import { galCard } from './carddav/gal.js';

export function etagOf(r: Res): string | null {
  if (r.kind === 'member') return r.item ? itemEtag(r.item) : null;
  if (r.kind === 'collection') return folderEtag(r.folder);
  if (r.kind === 'gal-card') return r.account ? hashEtag(galCard(r.account, r.domain)) : null;
  return null;
}

export const exists = (r: Res) => r.kind !== 'missing' && r.kind !== 'new-collection' && !(r.kind === 'member' && !r.item) && !(r.kind === 'gal-card' && !r.account) && !(r.kind === 'notification' && !r.grant);

const etagList = (h: string) => h.split(',').map((s) => s.trim().replace(/^W\//, '')).filter(Boolean);

/** If-Match and If-None-Match; throws 412 (or answers 304 for safe methods via the return value). */
export function checkHttpConditions(q: DavRequest, r: Res): 'ok' | 'not-modified' {
  const etag = etagOf(r);
  const present = exists(r);
  const im = header(q, 'if-match');
  if (im !== undefined) {
    const tags = etagList(im);
    if (!present || !(tags.includes('*') || (etag !== null && tags.includes(etag)))) throw new DavError(412);
  }
  const inm = header(q, 'if-none-match');
  if (inm !== undefined) {
    const tags = etagList(inm);
    if (present && (tags.includes('*') || (etag !== null && tags.includes(etag)))) {
      if (q.method === 'GET' || q.method === 'HEAD') return 'not-modified';
      throw new DavError(412);
    }
  }
  return 'ok';
}

/** Evaluates the If header (§10.4.3); throws 412 when no list holds, 400 when malformed. */
export async function checkIfHeader(q: DavRequest, r: Res): Promise<IfList[] | null> {
  const h = header(q, 'if');
  if (h === undefined) return null;
  const lists = parseIf(h);
  if (!lists) throw new DavError(400);
  const cache = new Map<string, Res>();
  const stateOf = async (resource: string | null): Promise<Res | null> => {
    if (resource === null) return r;
    const segs = urlToSegments(resource);
    if (!segs) return null;
    const key = segs.join('/');
    if (!cache.has(key)) cache.set(key, await resolve(q, segs));
    return cache.get(key)!;
  };
  for (const list of lists) {
    const res = await stateOf(list.resource);
    if (!res) continue;
    const etag = etagOf(res);
    const tokens = new Set((await q.svc.locks.covering(q, res)).map((l) => l.token));
    const holds = list.conditions.every((c) => {
      const v = c.token !== undefined ? tokens.has(c.token) : etag !== null && c.etag === etag;
      return c.not ? !v : v;
    });
    if (holds) return lists;
  }
  throw new DavError(412);
}

/**
 * RFC 4918 §7: every lock on the resource (and, for `deep`, below it) must have its token
 * submitted by the user who holds it. Shared locks need one of theirs.
 */
export async function checkLocks(q: DavRequest, lists: IfList[] | null, r: Res, deep = false): Promise<void> {
  const t = await q.svc.locks.target(q, r);
  if (!t) return;
  const set = await q.svc.locks.read(q, t.space);
  const locks: Lock[] = deep ? [...new Set([...set.covering(t.path), ...set.within(t.path)])] : set.covering(t.path);
  if (locks.length === 0) return;
  const submitted = submittedTokens(lists);
  const blocking = locks.filter((l) => !(submitted.has(l.token) && l.principalId === q.user.id));
  if (blocking.length === 0) return;
  // A shared lock is satisfied when any of the shared locks on that path is ours and submitted.
  const unsatisfied = blocking.filter((l) => l.scope === 'exclusive' || !locks.some((o) => o.scope === 'shared' && o.path === l.path && submitted.has(o.token)));
  if (unsatisfied.length) throw new DavError(423, C.lockTokenSubmitted(unsatisfied.map((l) => `<D:href>${l.path}</D:href>`).join('')));
}

/** The usual pre-write gate: HTTP conditions, the If header, then locks. */
export async function writeGate(q: DavRequest, r: Res, deep = false): Promise<IfList[] | null> {
  checkHttpConditions(q, r);
  const lists = await checkIfHeader(q, r);
  await checkLocks(q, lists, r, deep);
  return lists;
}
