/**
 * A sharing change (a grant created, re-scoped, accepted, declined or removed) tells the
 * sharee's subscribers on every node, so that a phone holding an ActiveSync Ping refreshes its
 * folder list, as the admin API's delegation does (src/admin/delegation.ts).
 */
import type { Store } from '../../../src/store/store.js';
import { GRANTS_SIGNAL } from '../../../src/model/signals.js';

/** Signals the grantee, or every member when the grantee is a group. */
export async function signalGrantee(store: Store, granteeId: number): Promise<void> {
  const grantee = await store.getAccount(granteeId);
  if (!grantee) return;
  const accounts = grantee.kind === 'group' ? await store.listGroupMembers(grantee.id) : [grantee];
  for (const a of accounts) await store.signal(a.id, GRANTS_SIGNAL);
}
