/**
 * A domain's logo (shown to its administrators in the console): PNG, JPEG, GIF or WebP up to
 * 256 KiB, stored as a blob whose hash is the domain's `logoBlob`. The type is read from the
 * bytes' signature, never from what the uploader claims; SVG is refused because an SVG opened
 * directly would run its scripts in the server's origin. Changes are audited (`domain.logo.*`).
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { auditChange, type AdminActor } from './actor.js';
import { domainTarget } from './domains.js';

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** The image type from its signature (PNG spec §5.2, JFIF SOI, GIF87a/89a, RIFF....WEBP), or null. */
export function logoType(b: Uint8Array): LogoType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

export async function readDomainLogo(store: Store, domain: Domain): Promise<{ bytes: Buffer; type: LogoType } | null> {
  if (!domain.logoBlob) return null;
  const bytes = await store.getBlob(domain.logoBlob);
  const type = bytes && logoType(bytes);
  return bytes && type ? { bytes, type } : null;
}

/** Sets (bytes) or removes (null) the logo; the previous blob's reference is released after the change. */
export async function setDomainLogo(store: Store, by: AdminActor, domain: Domain, bytes: Uint8Array | null): Promise<Domain> {
  let hash: string | null = null;
  let type: LogoType | null = null;
  if (bytes) {
    if (bytes.length > LOGO_MAX_BYTES) throw new StoreError('LimitExceeded', `the logo is larger than ${LOGO_MAX_BYTES / 1024} KiB`);
    type = logoType(bytes);
    if (!type) throw new StoreError('Invalid', 'the logo must be a PNG, JPEG, GIF or WebP image');
    hash = await store.putBlob(bytes);
  }
  const before = domain.logoBlob;
  if (hash !== null && hash === before) {
    await store.releaseBlob(hash); // the same image again: keep one reference
    return domain;
  }
  const after = await store.updateDomain(domain.id, { logoBlob: hash });
  if (before) await store.releaseBlob(before);
  await auditChange(
    store,
    by,
    hash ? 'domain.logo.updated' : 'domain.logo.removed',
    domainTarget(domain.name),
    { logo: before },
    { logo: hash, ...(type && bytes ? { type, bytes: bytes.length } : {}) },
  );
  return after;
}
