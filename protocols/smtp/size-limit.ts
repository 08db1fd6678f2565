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
  return Math.min(domainSizeLimit(serverCap, domain), await ownSizeLimit(store, account));
}

/** The server cap and the domain's limit: what is known without reading the account's settings. */
export function domainSizeLimit(serverCap: number, domain: Domain | null | undefined): number {
  return Math.min(serverCap, domain?.maxMessageSize ?? Infinity);
}

/** The account's own limit (its setting), Infinity when it has none. */
export async function ownSizeLimit(store: Store, account: Account): Promise<number> {
  const own = await store.getSetting<number>(account.id, USER_MAX_MESSAGE_SIZE);
  return typeof own === 'number' && own > 0 ? own : Infinity;
}
