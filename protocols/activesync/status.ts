/**
 * ActiveSync status values used across commands, and the one place where core errors become
 * ActiveSync statuses ([MS-ASCMD] 2.2.2 Common Status Codes).
 */
import { isStoreError } from '../../src/store/errors.js';

/** [MS-ASCMD] 2.2.2: values every 14.0+ command may answer in its own Status element. */
export const CommonStatus = {
  InvalidContent: 101,
  InvalidWBXML: 102,
  InvalidXML: 103,
  DeviceIdMissingOrInvalid: 108,
  DeviceTypeMissingOrInvalid: 109,
  ServerError: 110,
  ServerErrorRetryLater: 111,
  UserDisabledForSync: 126,
  DeviceIsBlockedForThisUser: 129,
  AccessDenied: 130,
  CommandNotSupported: 137,
  VersionNotSupported: 138,
  DeviceNotFullyProvisionable: 139,
  RemoteWipeRequested: 140,
  LegacyDeviceOnStrictPolicy: 141,
  DeviceNotProvisioned: 142,
  PolicyRefresh: 143,
  InvalidPolicyKey: 144,
} as const;

/** HTTP 449 "Retry after sending a PROVISION command": the 12.x way ([MS-ASHTTP] 3.2.5.1). */
export const HTTP_NEEDS_PROVISIONING = 449;

/** Folder command statuses shared by FolderSync/Create/Update/Delete ([MS-ASCMD] 2.2.3.177.3-6). */
export const FolderStatus = {
  Success: 1,
  Exists: 2,
  SpecialFolder: 3,
  NotFound: 4,
  ParentNotFound: 5,
  ServerError: 6,
  InvalidSyncKey: 9,
  BadRequest: 10,
  Unknown: 11,
} as const;

/** Maps a core error to a folder command status. */
export function folderStatusOf(e: unknown): number {
  if (isStoreError(e, 'Conflict')) return FolderStatus.Exists;
  if (isStoreError(e, 'NotFound')) return FolderStatus.NotFound;
  if (isStoreError(e, 'Invalid')) return FolderStatus.BadRequest;
  return FolderStatus.ServerError;
}
