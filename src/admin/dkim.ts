/**
 * DKIM keys per domain as administrators manage them, for the CLI (`hearth domain dkim`,
 * CONTRACT.md) and the admin API: make the key (or show it), rotate it. What leaves here is the
 * public part and the DNS TXT record to publish (RFC 6376 §3.6.1); the private key never does.
 * Audited with target `domain:NAME` (selectors only).
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { DkimKey } from '../store/policy-store.js';
import { StoreError } from '../store/errors.js';
import { dkimDnsRecord, ensureDkimKey, newDkimKey, zoneFileStrings } from '../mail/dkim-keys.js';
import { auditChange, type AdminActor } from './actor.js';

/** The public view: selector, algorithm, the record to publish, and when the key was made. */
export function dkimView(domain: Domain, key: DkimKey) {
  const record = dkimDnsRecord(domain.name, key);
  return {
    domain: domain.name,
    selector: key.selector,
    algorithm: 'rsa-sha256',
    bits: 2048,
    dnsName: record.name,
    dnsType: 'TXT',
    dnsValue: record.value,
    zoneFileValue: zoneFileStrings(record.value),
    createdAt: new Date(key.createdAt).toISOString(),
  };
}
export type DkimView = ReturnType<typeof dkimView>;

/** The domain's key, made first when it has none (the first key stored wins a race). */
export async function ensureDomainDkim(store: Store, by: AdminActor, domain: Domain): Promise<{ key: DkimKey; created: boolean }> {
  const r = await ensureDkimKey(store, domain);
  if (r.created) await auditChange(store, by, 'domain.dkim.create', `domain:${domain.name}`, null, { selector: r.key.selector });
  return r;
}

/**
 * Replaces the domain's key by a new one under a new selector. Mail signed with the old key may
 * still be in flight: the old record should stay published for a few days (docs/operations.md).
 * Conflict when another rotation won; NotFound when the domain has no key yet.
 */
export async function rotateDomainDkim(store: Store, by: AdminActor, domain: Domain, now: Date = new Date()): Promise<{ key: DkimKey; previous: DkimKey }> {
  const previous = await store.getDkimKey(domain.id);
  if (!previous) throw new StoreError('NotFound', 'the domain has no DKIM key yet');
  const fresh = await newDkimKey(domain, now, previous.selector);
  const key = await store.replaceDkimKey({ ...fresh, createdAt: now.getTime() }, previous.selector);
  if (!key) throw new StoreError('Conflict', 'the key was rotated concurrently');
  await auditChange(store, by, 'domain.dkim.rotate', `domain:${domain.name}`, { selector: previous.selector }, { selector: key.selector });
  return { key, previous };
}
