/**
 * Domains as administrators change them, for the CLI (`hearth domain add`) and the admin API.
 * Limits (max users, largest quota, largest message) are the server administrator's to set: a
 * domain administrator may change only the domain's own preferences (default quota within the
 * limit, footers). Every change is audited with target `domain:NAME`, before and after.
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { normaliseDomainName } from './names.js';
import { auditChange, type AdminActor } from './actor.js';
import { recordUsageNow } from './usage.js';
import { deletePublicFolderOwner } from './public-folders.js';

export const domainTarget = (name: string) => `domain:${name}`;

/** The fields only a server administrator may set. */
export const DOMAIN_LIMITS = ['maxUsers', 'maxQuota', 'maxMessageSize'] as const;

export interface DomainFields {
  maxUsers?: number | null;
  defaultQuota?: number | null;
  maxQuota?: number | null;
  maxMessageSize?: number | null;
  footerText?: string | null;
  footerHtml?: string | null;
}

/** The public view of a domain (API bodies, audit before/after). Settings are served by their own resources. */
export function domainView(d: Domain) {
  return {
    name: d.name,
    maxUsers: d.maxUsers,
    defaultQuota: d.defaultQuota,
    maxQuota: d.maxQuota,
    maxMessageSize: d.maxMessageSize,
    footerText: d.footerText,
    footerHtml: d.footerHtml,
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

function checkFields(f: DomainFields, current?: Domain): void {
  for (const k of ['maxUsers', 'defaultQuota', 'maxQuota', 'maxMessageSize'] as const) {
    const v = f[k];
    if (v !== undefined && v !== null && !(Number.isSafeInteger(v) && v > 0))
      throw new StoreError('Invalid', `${k}: expected a positive whole number`);
  }
  const maxQuota = f.maxQuota !== undefined ? f.maxQuota : (current?.maxQuota ?? null);
  const defaultQuota = f.defaultQuota !== undefined ? f.defaultQuota : (current?.defaultQuota ?? null);
  if (maxQuota !== null && defaultQuota !== null && defaultQuota > maxQuota)
    throw new StoreError('Invalid', `defaultQuota exceeds the domain's maxQuota (${maxQuota})`);
}

export async function createDomain(store: Store, by: AdminActor, name: string, fields: DomainFields): Promise<Domain> {
  const n = normaliseDomainName(name);
  if (n === null) throw new StoreError('Invalid', `not a domain name: '${name}'`);
  checkFields(fields);
  const d = await store.createDomain({ name: n, ...fields });
  await auditChange(store, by, 'domain.created', domainTarget(d.name), null, domainView(d));
  await recordUsageNow(store, d);
  return d;
}

/** Changes the given fields; `limitsAllowed` false (a domain administrator) refuses any change of DOMAIN_LIMITS. */
export async function updateDomain(
  store: Store,
  by: AdminActor,
  domain: Domain,
  fields: DomainFields,
  limitsAllowed: boolean,
): Promise<Domain> {
  if (!limitsAllowed) {
    for (const k of DOMAIN_LIMITS) {
      if (fields[k] !== undefined && fields[k] !== domain[k])
        throw new StoreError('LimitExceeded', `${k} is set by the server administrator`);
    }
  }
  checkFields(fields, domain);
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const after = await store.updateDomain(domain.id, patch);
  await auditChange(store, by, 'domain.updated', domainTarget(domain.name), domainView(domain), domainView(after));
  return after;
}

/** Deletes the domain with its accounts (their blobs released first). */
export async function deleteDomain(store: Store, by: AdminActor, domain: Domain): Promise<void> {
  for (const a of await store.listAccounts(domain.id)) await store.deleteAccount(a.id);
  await deletePublicFolderOwner(store, domain);
  await store.deleteDomain(domain.id);
  // The logo's blob reference (src/admin/domain-logo.ts) goes with the domain.
  if (domain.logoBlob) await store.releaseBlob(domain.logoBlob);
  await auditChange(store, by, 'domain.deleted', domainTarget(domain.name), domainView(domain), null);
}
