/**
 * A domain's DKIM key (RFC 6376 §3.6): RSA 2048 made with node:crypto, kept in the store, and the
 * DNS TXT record that publishes its public part (§3.6.1, §3.6.2.1) at SELECTOR._domainkey.DOMAIN.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Store } from '../store/store.js';
import type { DkimKey } from '../store/policy-store.js';
import type { Domain } from '../model/types.js';

const generate = promisify(generateKeyPair);

/** The domain's key, made and stored first when it has none. The first stored key always wins. */
export async function ensureDkimKey(
  store: Pick<Store, 'getDkimKey' | 'addDkimKey'>,
  domain: Domain,
  now: Date = new Date(),
): Promise<{ key: DkimKey; created: boolean }> {
  const existing = await store.getDkimKey(domain.id);
  if (existing) return { key: existing, created: false };
  const fresh = await newDkimKey(domain, now);
  const key = await store.addDkimKey(fresh);
  return { key, created: key.privateKey === fresh.privateKey };
}

/**
 * A new RSA 2048 key for the domain, not yet stored. Its selector is dated; when `avoid` (the
 * key it replaces) has the same day, a counter is added (`hearth20261203-2`), since a selector
 * already published must keep naming the key it named.
 */
export async function newDkimKey(domain: Domain, now: Date = new Date(), avoid?: string): Promise<Omit<DkimKey, 'createdAt'>> {
  const pair = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  // A dated selector lets a later key be published beside the old one while mail signed with it is in flight.
  const base = `hearth${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
  let selector = base;
  if (avoid?.startsWith(base)) selector = `${base}-${(Number(avoid.slice(base.length + 1)) || 1) + 1}`;
  return { domainId: domain.id, selector, privateKey: pair.privateKey, publicKey: pair.publicKey.toString('base64') };
}

/** The DNS name and TXT value that publish the key (RFC 6376 §3.6.1 tags v, k, p). */
export function dkimDnsRecord(domainName: string, key: Pick<DkimKey, 'selector' | 'publicKey'>): { name: string; value: string } {
  return { name: `${key.selector}._domainkey.${domainName}`, value: `v=DKIM1; k=rsa; p=${key.publicKey}` };
}

/**
 * The value as a zone file wants it: TXT character-strings hold at most 255 bytes each
 * (RFC 1035 §3.3.14), so a 2048-bit key is split into several quoted strings, read back joined.
 */
export function zoneFileStrings(value: string): string {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(`"${value.slice(i, i + 255)}"`);
  return out.join(' ');
}
