/**
 * LOCK (RFC 4918 §9.10): write locks, exclusive or shared, depth 0 or infinity; refresh with an
 * empty body and the token in If (§9.10.2); LOCK on an unmapped URL creates an empty resource
 * (§9.10.4, 201).
 */
import type { DavRequest, DavResponse } from '../request.js';
import { header, depth, xmlResponse } from '../request.js';
import { resolve, atLeast } from '../resolve.js';
import { DavError, C, badRequest, forbidden } from '../errors.js';
import { is, child } from '../xml/parser.js';
import { xmlText, parseXmlText } from '../body.js';
import { NS } from '../xml/names.js';
import { documentRoot, d, serializeElement, esc } from '../xml/writer.js';
import { exists, checkHttpConditions, checkIfHeader } from '../conditions.js';
import { parseTimeout, submittedTokens, type Lock } from '../locks.js';
import { activeLock } from '../props/locking.js';

const lockBody = (l: Lock, now: number) => documentRoot(NS.DAV, 'prop', d('lockdiscovery', activeLock(l, now)));

export async function lock(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (r.kind === 'missing') throw new DavError(r.parentMissing ? 409 : 404);
  if (!(r.kind === 'member' || r.kind === 'collection')) throw forbidden();
  if (!atLeast(r.access, 'write')) throw forbidden(C.needPrivileges());
  const locks = q.svc.locks;
  const now = q.svc.ctx.now();
  const target = await locks.target(q, r);
  if (!target) throw forbidden();
  const timeout = parseTimeout(header(q, 'timeout'));
  const text = q.body.length > 0 ? xmlText(q) : '';

  if (text.trim() === '') {
    // Refresh: the If header names the lock (§9.10.2).
    const lists = await checkIfHeader(q, r);
    const tokens = submittedTokens(lists);
    const l = (await locks.read(q, target.space)).covering(target.path).find((x) => tokens.has(x.token) && x.principalId === q.user.id);
    const refreshed = l && (await locks.refresh(q, l, timeout));
    if (!refreshed) throw new DavError(412, C.lockTokenMatchesRequestUri());
    return xmlResponse(200, lockBody(refreshed, now));
  }

  const root = parseXmlText(text);
  if (!is(root, NS.DAV, 'lockinfo')) throw badRequest('expected lockinfo');
  const scopeEl = child(root, NS.DAV, 'lockscope');
  const scope = scopeEl && child(scopeEl, NS.DAV, 'shared') ? 'shared' : scopeEl && child(scopeEl, NS.DAV, 'exclusive') ? 'exclusive' : null;
  const typeEl = child(root, NS.DAV, 'locktype');
  if (!scope || !typeEl || !child(typeEl, NS.DAV, 'write')) throw badRequest('bad lockinfo');
  const ownerEl = child(root, NS.DAV, 'owner');
  const owner = ownerEl ? ownerEl.nodes.map((n) => (typeof n === 'string' ? esc(n) : serializeElement(n))).join('') : '';
  const dep = depth(q, 'infinity');
  if (dep === '1') throw badRequest('Depth 1 LOCK');
  const isColl = r.kind === 'collection';

  checkHttpConditions(q, r);
  await checkIfHeader(q, r);
  if (r.kind === 'member' && !r.item && r.area !== 'files') throw new DavError(409);

  // The conflict check and the insert are one step on every node (§6.1, Store.createLock).
  const made = await locks.create(q, target, { depth: isColl && dep === 'infinity' ? 'infinity' : dep === '0' ? '0' : 'infinity', scope, owner, principalId: q.user.id, timeoutSeconds: timeout });
  if ('conflicts' in made) throw new DavError(423, C.noConflictingLock(made.conflicts.map((l) => d('href', esc(l.path))).join('')));
  const l = made.lock;

  let created = false;
  if (r.kind === 'member' && !r.item) {
    // §7.3: a lock on an unmapped URL makes an empty resource; the lock goes if that fails
    // (unless a concurrent shared LOCK made it first).
    const store = q.svc.ctx.store;
    try {
      const hash = await store.putBlob(Buffer.alloc(0));
      await store.createItem({ folderId: r.folder.id, name: r.name, blobHash: hash, size: 0, contentType: 'application/octet-stream' });
      created = true;
    } catch (e) {
      if (!(await store.getItemByName(r.folder.id, r.name))) {
        await locks.remove(q, l);
        throw e;
      }
    }
  }
  return xmlResponse(created ? 201 : 200, lockBody(l, now), { 'lock-token': `<${l.token}>` });
}
