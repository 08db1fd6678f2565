/**
 * API keys for automation (provisioning, billing). A key is `hk_<keyId>_<secret>`, shown once
 * when created; the store keeps the keyId and a sha256 of the secret (a 256-bit random secret
 * needs no slow hash), compared in constant time. A key carries its account's administrative
 * roles, all of them (read-write) or their read half (read-only), and may be bound to source
 * networks (CIDR). Creation and deletion are audited with target `apikey:KEYID`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { ApiKey } from '../store/admin-store.js';
import { StoreError } from '../store/errors.js';
import { auditChange, type AdminActor } from './actor.js';

const KEY = /^hk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const hashSecret = (s: string) => createHash('sha256').update(s).digest('hex');

export const apiKeyView = (k: ApiKey, email: string) => ({
  keyId: k.keyId,
  account: email,
  label: k.label,
  access: k.access,
  cidrs: k.cidrs,
  createdAt: new Date(k.createdAt).toISOString(),
  lastUsedAt: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
});

/** Each CIDR normalised, or Invalid. */
export function checkCidrs(cidrs: string[]): string[] {
  return cidrs.map((c) => {
    const [addr, bits, extra] = c.trim().split('/');
    const family = isIP(addr ?? '');
    const n = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || n > max)
      throw new StoreError('Invalid', `not a network (CIDR): '${c}'`);
    return `${addr}/${n}`;
  });
}

/** Whether `source` (an IP address) is inside one of the key's networks ([] allows any). */
export function sourceAllowed(cidrs: string[], source: string): boolean {
  if (cidrs.length === 0) return true;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    list.addSubnet(addr, Number(bits), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
  }
  const ip = source.startsWith('::ffff:') && isIP(source.slice(7)) === 4 ? source.slice(7) : source;
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

export async function createApiKey(
  store: Store,
  by: AdminActor,
  account: Account,
  input: { label?: string; access: 'read' | 'write'; cidrs?: string[] },
): Promise<{ key: ApiKey; secret: string }> {
  const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
  const secretPart = randomBytes(32).toString('base64url');
  const key = await store.createApiKey({
    keyId,
    secretHash: hashSecret(secretPart),
    accountId: account.id,
    label: input.label ?? '',
    access: input.access,
    cidrs: checkCidrs(input.cidrs ?? []),
  });
  await auditChange(store, by, 'apikey.created', `apikey:${keyId}`, null, apiKeyView(key, account.email));
  return { key, secret: `hk_${keyId}_${secretPart}` };
}

export async function deleteApiKey(store: Store, by: AdminActor, key: ApiKey, email: string): Promise<void> {
  await store.deleteApiKey(key.keyId);
  await auditChange(store, by, 'apikey.deleted', `apikey:${key.keyId}`, apiKeyView(key, email), null);
}

/** The key a presented secret names, when the secret matches (constant-time) and the source is allowed; else null. */
export async function verifyApiKey(store: Store, presented: string, source: string): Promise<ApiKey | null> {
  const m = KEY.exec(presented);
  if (!m) return null;
  const key = await store.getApiKey(m[1]);
  // Compare even without a key, so that an unknown keyId costs the same as a wrong secret.
  const expected = Buffer.from(key?.secretHash ?? hashSecret('no-such-key'), 'hex');
  const same = timingSafeEqual(expected, Buffer.from(hashSecret(m[2]), 'hex'));
  if (!key || !same || !sourceAllowed(key.cidrs, source)) return null;
  return key;
}
