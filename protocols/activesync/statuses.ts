/**
 * Every ActiveSync status table in one place: the common codes ([MS-ASCMD] 2.2.2) and those of
 * each command ([MS-ASCMD] 2.2.3.177). Which core error becomes which status is errors.ts.
 */

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

/** [MS-ASCMD] 2.2.3.177.17 Status (Sync). */
export const SyncStatus = {
  Success: 1,
  InvalidSyncKey: 3,
  ProtocolError: 4,
  ServerError: 5,
  ConversionError: 6,
  Conflict: 7,
  ObjectNotFound: 8,
  /** The user's account may be out of disk space. */
  OutOfSpace: 9,
  FolderHierarchyChanged: 12,
  /** An empty or Partial request with nothing cached to complete it. */
  IncompleteRequest: 13,
  InvalidWaitOrHeartbeat: 14,
  /** Too many collections. */
  InvalidRequest: 15,
  ServerErrorRetry: 16,
} as const;

/** [MS-ASCMD] 2.2.3.177.7 Status (GetItemEstimate). */
export const EstimateStatus = { Success: 1, InvalidCollection: 2, NotPrimed: 3, InvalidSyncKey: 4 } as const;

/** [MS-ASCMD] 2.2.3.177.10 Status (MoveItems). */
export const MoveStatus = { InvalidSource: 1, InvalidDestination: 2, Success: 3, SameFolder: 4, Failed: 5, Locked: 7 } as const;

/** [MS-ASCMD] 2.2.3.177.11 Status (Ping). */
export const PingStatus = {
  Expired: 1, Changes: 2, MissingParameters: 3, SyntaxError: 4, HeartbeatOutOfBounds: 5, TooManyFolders: 6,
  FolderSyncRequired: 7, ServerError: 8,
} as const;

/** [MS-ASCMD] 2.2.3.177.9 MeetingResponse Status. */
export const MeetingResponseStatus = {
  Success: 1,
  /** Not a meeting request or calendar item, the user's own meeting, a bad InstanceId. */
  InvalidMeetingRequest: 2,
  MailboxError: 3,
  /** The response could not be sent to the organizer (no outbound mail, a refused hand-over). */
  ServerError: 4,
} as const;
