/**
 * Lookups scoped by the caller's role (src/admin/roles.ts): a domain, account or alias outside
 * the caller's domains is answered exactly like one that does not exist (404), whatever the way
 * it was named, so that a domain administrator of A learns nothing of B.
 */
import type { FastifyRequest } from 'fastify';
import type { Account, AccountKind, Alias, Domain } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { StoreError } from '../../src/store/errors.js';
import { requireAccess, requireOutranks, type Access, type Principal } from '../../src/admin/roles.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('admin API route without a principal');
  return req.principal;
}

export async function domainFor(store: Store, p: Principal, name: string, need: Access): Promise<Domain> {
  const d = await store.getDomain(name.trim().toLowerCase());
  if (!d) throw new StoreError('NotFound', 'domain not found');
  requireAccess(p, d.id, need, 'domain');
  return d;
}

/**
 * The account and its domain; `kind` narrows (a user's URL never reaches a group). A write needs
 * the principal to hold every role the account holds (src/admin/roles.ts requireOutranks).
 */
export async function accountFor(
  store: Store,
  p: Principal,
  email: string,
  need: Access,
  kind?: AccountKind,
): Promise<{ account: Account; domain: Domain }> {
  const what = kind ?? 'account';
  const account = await store.getAccount(email.trim().toLowerCase());
  // The public-folder owner is no account an administrator manages (src/admin/public-folders.ts).
  if (!account || account.kind === 'public' || (kind && account.kind !== kind)) throw new StoreError('NotFound', `${what} not found`);
  requireAccess(p, account.domainId, need, what);
  const domain = await store.getDomain(account.domainId);
  if (!domain) throw new StoreError('NotFound', `${what} not found`);
  if (need === 'write') await requireOutranks(store, p, account);
  return { account, domain };
}

export async function aliasFor(store: Store, p: Principal, address: string, need: Access): Promise<Alias> {
  const alias = await store.getAlias(address.trim().toLowerCase());
  if (!alias) throw new StoreError('NotFound', 'alias not found');
  requireAccess(p, alias.domainId, need, 'alias');
  return alias;
}
