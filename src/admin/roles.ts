/**
 * Administrative roles and the scope of every admin API query:
 * - server admin (`Account.isServerAdmin`): everything; server read-only: read everything;
 * - domain admin (`Account.adminDomains`): the domains listed; domain read-only: read them.
 * The read-only roles are the account setting `adminRoles`. An API key carries its account's
 * roles, or only their read half for a read-only key.
 *
 * Isolation rule: a resource outside the principal's domains does not exist for it (NotFound,
 * never a refusal that would confirm it exists). A refusal (Forbidden) is only for something the
 * principal may see but not change.
 */
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { auditChange, type AdminActor } from './actor.js';

export type Access = 'read' | 'write';

export const ADMIN_ROLES_SETTING = 'adminRoles';
interface StoredRoles {
  serverReadOnly?: boolean;
  readOnlyDomains?: number[];
}

export interface Principal {
  account: Account;
  by: AdminActor;
  server: Access | null;
  domains: Map<number, Access>;
  /** How it signed in. */
  via: 'token' | 'apikey';
}

/** A refusal of something the principal may see but not do (HTTP 403). */
export class Forbidden extends Error {
  readonly code = 'Forbidden';
}

export interface Roles {
  serverAdmin: boolean;
  serverReadOnly: boolean;
  /** Domain ids. */
  adminDomains: number[];
  readOnlyDomains: number[];
}

export async function rolesOf(store: Store, account: Account): Promise<Roles> {
  const stored = (await store.getSetting<StoredRoles>(account.id, ADMIN_ROLES_SETTING)) ?? {};
  return {
    serverAdmin: account.isServerAdmin,
    serverReadOnly: !!stored.serverReadOnly,
    adminDomains: account.adminDomains,
    readOnlyDomains: stored.readOnlyDomains ?? [],
  };
}

/** The principal of an account, or null when it has no administrative role. `cap` 'read' keeps only read access (read-only API keys). */
export async function principalOf(
  store: Store,
  account: Account,
  by: AdminActor,
  via: Principal['via'],
  cap: Access = 'write',
): Promise<Principal | null> {
  const r = await rolesOf(store, account);
  const limit = (a: Access): Access => (cap === 'read' ? 'read' : a);
  const server: Access | null = r.serverAdmin ? limit('write') : r.serverReadOnly ? 'read' : null;
  const domains = new Map<number, Access>();
  for (const id of r.readOnlyDomains) domains.set(id, 'read');
  for (const id of r.adminDomains) domains.set(id, limit('write'));
  if (!server && domains.size === 0) return null;
  return { account, by, server, domains, via };
}

/** What the principal may do in the domain: 'write', 'read', or null (it does not exist for them). */
export function accessTo(p: Principal, domainId: number): Access | null {
  const d = p.domains.get(domainId) ?? null;
  if (p.server === 'write' || d === 'write') return 'write';
  return p.server ?? d;
}

/** The domain ids the principal may see; undefined for all (server roles). */
export function visibleDomains(p: Principal): number[] | undefined {
  return p.server ? undefined : [...p.domains.keys()];
}

/** Throws NotFound (invisible) or Forbidden (read-only) unless the principal has `need` in the domain. */
export function requireAccess(p: Principal, domainId: number, need: Access, what = 'resource'): void {
  const has = accessTo(p, domainId);
  if (has === null) throw new StoreError('NotFound', `${what} not found`);
  if (need === 'write' && has !== 'write') throw new Forbidden('read-only access');
}

export function requireServer(p: Principal, need: Access): void {
  if (!p.server) throw new Forbidden('this needs a server administrator');
  if (need === 'write' && p.server !== 'write') throw new Forbidden('read-only access');
}

/**
 * Refuses a change to an account that holds a role the principal does not hold with write
 * access (a domain administrator resetting a server administrator's password would become one).
 */
export async function requireOutranks(store: Store, p: Principal, account: Account): Promise<void> {
  if (p.server === 'write') return;
  const r = await rolesOf(store, account);
  if (r.serverAdmin || r.serverReadOnly) throw new Forbidden('this account has server roles: only a server administrator may change it');
  for (const id of [...r.adminDomains, ...r.readOnlyDomains]) {
    if (p.domains.get(id) !== 'write') throw new Forbidden('this account has roles in domains you do not administer');
  }
}

/**
 * Sets an account's administrative roles. Server roles only by a server administrator; a domain
 * administrator may give or take the roles of the domains they administer (and no others).
 */
export async function setRoles(store: Store, p: Principal, account: Account, wanted: Partial<Roles>): Promise<Roles> {
  const before = await rolesOf(store, account);
  const serverChange =
    (wanted.serverAdmin !== undefined && wanted.serverAdmin !== before.serverAdmin) ||
    (wanted.serverReadOnly !== undefined && wanted.serverReadOnly !== before.serverReadOnly);
  if (serverChange) requireServer(p, 'write');
  const touched = new Set([
    ...(wanted.adminDomains ?? before.adminDomains),
    ...before.adminDomains,
    ...(wanted.readOnlyDomains ?? before.readOnlyDomains),
    ...before.readOnlyDomains,
  ]);
  for (const id of touched) {
    const changed =
      (wanted.adminDomains && wanted.adminDomains.includes(id) !== before.adminDomains.includes(id)) ||
      (wanted.readOnlyDomains && wanted.readOnlyDomains.includes(id) !== before.readOnlyDomains.includes(id));
    if (changed) requireAccess(p, id, 'write', 'domain');
  }
  for (const id of touched) if (!(await store.getDomain(id))) throw new StoreError('NotFound', 'domain not found');
  const after: Roles = {
    serverAdmin: wanted.serverAdmin ?? before.serverAdmin,
    serverReadOnly: wanted.serverReadOnly ?? before.serverReadOnly,
    adminDomains: [...new Set(wanted.adminDomains ?? before.adminDomains)],
    readOnlyDomains: [...new Set(wanted.readOnlyDomains ?? before.readOnlyDomains)],
  };
  await store.updateAccount(account.id, { isServerAdmin: after.serverAdmin, adminDomains: after.adminDomains });
  await store.setSetting(account.id, ADMIN_ROLES_SETTING, { serverReadOnly: after.serverReadOnly, readOnlyDomains: after.readOnlyDomains });
  await auditChange(store, p.by, 'account.roles', `account:${account.email}`, before, after);
  return after;
}
