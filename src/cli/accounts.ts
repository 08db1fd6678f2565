import type { Store } from '../store/store.js';
import type { Account, Domain } from '../model/types.js';
import { UsageError, formatSize, parseSize } from './sizes.js';
import { normaliseAddress, normaliseDomainName } from '../admin/names.js';

export function checkAddress(email: string): string {
  const e = normaliseAddress(email);
  if (e === null) throw new UsageError(`not an email address: '${email}'`);
  return e;
}

export function checkDomainName(name: string): string {
  const d = normaliseDomainName(name);
  if (d === null) throw new UsageError(`not a domain name: '${name}'`);
  return d;
}

/** Only that one is given: its strength is the domain's password policy, checked by src/admin (password-policy.ts). */
export function checkPassword(pw: string | undefined): string {
  if (!pw) throw new UsageError('a password is required (--password)');
  return pw;
}

export async function domainOf(store: Store, email: string): Promise<Domain> {
  const name = email.split('@')[1];
  const domain = await store.getDomain(name);
  if (!domain) throw new UsageError(`unknown domain ${name}: add it first with 'hearth domain add ${name}'`);
  return domain;
}

export async function accountOf(store: Store, email: string): Promise<Account> {
  const account = await store.getAccount(checkAddress(email));
  if (!account || account.kind === 'public') throw new UsageError(`no such account: ${email}`);
  return account;
}

/**
 * Domain limits in one place: the quota a new or changed user may have. (Max users is enforced
 * atomically by the store's createAccount.)
 */
export function checkQuota(domain: Domain, quota: string | undefined): number | null | undefined {
  if (quota === undefined) return undefined;
  const bytes = parseSize(quota);
  if (domain.maxQuota !== null && bytes > domain.maxQuota) {
    throw new UsageError(`quota ${quota} exceeds the maximum of domain ${domain.name} (${formatSize(domain.maxQuota)})`);
  }
  return bytes;
}
