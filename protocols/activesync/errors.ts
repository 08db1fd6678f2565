/**
 * The one place where core errors (src/store/errors.ts codes, src/pim parse errors) become
 * ActiveSync statuses, per command family ([MS-ASCMD] 2.2.3.177). Command modules never map
 * errors themselves: the request pipeline (request.ts) applies a command's `errorStatus` to what
 * its handler throws, and the Sync item operations apply `syncItemStatusOf` per item.
 */
import { isStoreError } from '../../src/store/errors.js';
import { PimParseError } from '../../src/pim/errors.js';
import { FolderStatus, MoveStatus, SyncStatus } from './statuses.js';

/** FolderCreate / FolderUpdate / FolderDelete ([MS-ASCMD] 2.2.3.177.3-6). */
export function folderStatusOf(e: unknown): number {
  if (isStoreError(e, 'Conflict')) return FolderStatus.Exists;
  if (isStoreError(e, 'NotFound')) return FolderStatus.NotFound;
  if (isStoreError(e, 'Invalid')) return FolderStatus.BadRequest;
  return FolderStatus.ServerError;
}

/** One Add / Change / Delete / Fetch of a Sync collection ([MS-ASCMD] 2.2.3.177.17). */
export function syncItemStatusOf(e: unknown): number {
  if (e instanceof PimParseError) return SyncStatus.ConversionError;
  if (isStoreError(e, 'QuotaExceeded')) return SyncStatus.OutOfSpace;
  if (isStoreError(e, 'PreconditionFailed')) return SyncStatus.Conflict;
  if (isStoreError(e, 'NotFound')) return SyncStatus.ObjectNotFound;
  return SyncStatus.ServerError;
}

/** One Move of MoveItems ([MS-ASCMD] 2.2.3.177.10): a source gone meanwhile is an invalid source. */
export function moveStatusOf(e: unknown): number {
  if (isStoreError(e, 'NotFound')) return MoveStatus.InvalidSource;
  return MoveStatus.Failed;
}

/** True for an error the client caused or may expect (logged at info, not as a failure). */
export function isExpectedError(e: unknown): boolean {
  return e instanceof PimParseError || isStoreError(e, 'Conflict') || isStoreError(e, 'NotFound')
    || isStoreError(e, 'Invalid') || isStoreError(e, 'PreconditionFailed') || isStoreError(e, 'QuotaExceeded');
}
