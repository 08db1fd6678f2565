/**
 * The largest message an account may receive or send: the lowest of the server cap, its
 * domain's maxMessageSize and its own limit (the per-account setting `mail.maxMessageSize`, in
 * bytes), as issue 10 asks ("the lower wins").
 */
import type { Store } from '../../src/store/store.js';
import type { Account, Domain } from '../../src/model/types.js';

export const USER_MAX_MESSAGE_SIZE = 'mail.maxMessageSize';

/** `knownDomain`: the account's domain as the caller has just read it (not read again). */
export async function sizeLimitOf(store: Store, account: Account, serverCap: number, knownDomain?: Domain): Promise<number> {
  const domain = knownDomain?.id === account.domainId ? knownDomain : await store.getDomain(account.domainId);
  const own = await store.getSetting<number>(account.id, USER_MAX_MESSAGE_SIZE);
  return Math.min(serverCap, domain?.maxMessageSize ?? Infinity, typeof own === 'number' && own > 0 ? own : Infinity);
}
