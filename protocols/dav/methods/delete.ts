/** DELETE (RFC 4918 §9.6): members, and collections with everything below them. */
import type { DavRequest, DavResponse } from '../request.js';
import { resolve, atLeast } from '../resolve.js';
import { DavError, C, notFound, forbidden } from '../errors.js';
import { exists, writeGate } from '../conditions.js';
import { cancelOnDelete } from '../scheduling/cancel.js';
import { checkScheduleTagMatch } from '../scheduling/schedule-tag.js';
import { signalGrantee } from '../sharing/signal.js';

export async function del(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  const store = q.svc.ctx.store;
  if (r.kind === 'member') {
    if (!atLeast(r.access, 'write')) throw forbidden(C.needPrivileges());
    await writeGate(q, r);
    if (r.area === 'calendars') checkScheduleTagMatch(q, r.item);
    await store.deleteItem(r.item!.id);
    if (r.area === 'calendars' && r.access === 'owner' && r.item!.content && r.folder.role !== 'schedule-inbox') await cancelOnDelete(q, r.account, r.item!.content);
  } else if (r.kind === 'collection') {
    if (r.grant) {
      // Unsubscribing from a shared collection removes the sharee's grant, not the owner's data.
      await store.deleteGrant(r.grant.id);
      await signalGrantee(store, r.grant.granteeId);
      return { status: 204 };
    }
    if (r.access !== 'owner') throw forbidden(C.needPrivileges());
    if (r.folder.role !== null) throw forbidden();
    await writeGate(q, r, true);
    await store.deleteFolder(r.folder.id);
  } else if (r.kind === 'notification' && r.grant) {
    await store.updateGrant(r.grant.id, { status: 'declined' });
    await signalGrantee(store, r.grant.granteeId);
    return { status: 204 };
  } else throw new DavError(403);
  await q.svc.locks.removeWithin(q, r);
  return { status: 204 };
}
