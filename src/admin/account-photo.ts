/**
 * An account's photo: the picture phones show for a colleague (ActiveSync GAL Search, Find and
 * ResolveRecipients Picture, [MS-ASCMD] 2.2.3.135). JPEG or PNG (what every phone decodes), at
 * most 100 KiB, stored as a blob whose hash and type are the account's `photo` setting. The type
 * is read from the bytes' signature (as the domain logo's), never from what the uploader claims.
 * Changes are audited (`<kind>.photo.updated` / `.removed`); deleting the account releases it.
 */
import type { Account } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { accountTarget, auditChange, type AdminActor } from './actor.js';
import { logoType } from './domain-logo.js';

export const PHOTO_MAX_BYTES = 100 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
const SETTING = 'photo';

interface PhotoSetting { blob: string; type: PhotoType; bytes: number }

const photoSetting = async (store: Store, accountId: number) => {
  const s = await store.getSetting<PhotoSetting | null>(accountId, SETTING);
  return s && typeof s.blob === 'string' ? s : null;
};

/** The stored photo's hash (the resource's version for ETags), or null. */
export async function photoVersion(store: Store, account: Account): Promise<string | null> {
  return (await photoSetting(store, account.id))?.blob ?? null;
}

export async function readAccountPhoto(store: Store, account: Account): Promise<{ bytes: Buffer; type: PhotoType } | null> {
  const s = await photoSetting(store, account.id);
  const bytes = s && await store.getBlob(s.blob);
  return s && bytes ? { bytes, type: s.type } : null;
}

/** Sets (bytes) or removes (null) the photo; the previous blob's reference is released after the change. */
export async function setAccountPhoto(store: Store, by: AdminActor, account: Account, bytes: Uint8Array | null): Promise<void> {
  let next: PhotoSetting | null = null;
  if (bytes) {
    if (bytes.length > PHOTO_MAX_BYTES) throw new StoreError('LimitExceeded', `the photo is larger than ${PHOTO_MAX_BYTES / 1024} KiB`);
    const type = logoType(bytes);
    if (type !== 'image/jpeg' && type !== 'image/png') throw new StoreError('Invalid', 'the photo must be a JPEG or PNG image');
    next = { blob: await store.putBlob(bytes), type, bytes: bytes.length };
  }
  const before = await photoSetting(store, account.id);
  if (next && before?.blob === next.blob) {
    await store.releaseBlob(next.blob); // the same image again: keep one reference
    return;
  }
  await store.setSetting(account.id, SETTING, next);
  if (before) await store.releaseBlob(before.blob);
  await auditChange(store, by, `${account.kind}.photo.${next ? 'updated' : 'removed'}`, accountTarget(account.email),
    before ? { photo: before.blob } : null, next ? { photo: next.blob, type: next.type, bytes: next.bytes } : null);
}

/** Releases the photo's blob of an account that is being deleted (its settings go with it). */
export async function releaseAccountPhoto(store: Store, account: Account): Promise<void> {
  const s = await photoSetting(store, account.id);
  if (s) await store.releaseBlob(s.blob);
}
