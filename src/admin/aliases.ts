/**
 * Aliases (and `@DOMAIN` catch-alls) as administrators change them, for the CLI (`hearth alias
 * add`) and the admin API. Audited with target `alias:ADDRESS`, before and after.
 */
import type { Alias, Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { normaliseAddress } from './names.js';
import { auditChange, type AdminActor } from './actor.js';

export const aliasTarget = (address: string) => `alias:${address}`;
export const aliasView = (a: Alias) => ({ address: a.address, targets: a.targets });

/** The alias address lower-cased: a full address of the domain, or `@DOMAIN` for its catch-all. */
export function normaliseAliasAddress(domain: Domain, address: string): string {
  const a = address.trim().toLowerCase();
  const ok = a === `@${domain.name}` || (normaliseAddress(a) !== null && a.endsWith(`@${domain.name}`));
  if (!ok) throw new StoreError('Invalid', `not an address of ${domain.name}: '${address}'`);
  return a;
}

/** Creates or replaces the alias (idempotent). */
export async function putAlias(store: Store, by: AdminActor, domain: Domain, address: string, targets: string[]): Promise<Alias> {
  const addr = normaliseAliasAddress(domain, address);
  if (targets.length === 0) throw new StoreError('Invalid', 'an alias needs at least one target');
  const clean = targets.map((t) => {
    const n = normaliseAddress(t);
    if (n === null) throw new StoreError('Invalid', `not an email address: '${t}'`);
    return n;
  });
  const before = await store.getAlias(addr);
  const alias = await store.setAlias(addr, clean);
  await auditChange(
    store,
    by,
    before ? 'alias.updated' : 'alias.created',
    aliasTarget(addr),
    before && aliasView(before),
    aliasView(alias),
  );
  return alias;
}

export async function deleteAlias(store: Store, by: AdminActor, alias: Alias): Promise<void> {
  await store.deleteAlias(alias.address);
  await auditChange(store, by, 'alias.deleted', aliasTarget(alias.address), aliasView(alias), null);
}
