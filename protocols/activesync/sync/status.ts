/** Status values of Sync, GetItemEstimate, MoveItems and Ping ([MS-ASCMD] 2.2.3.177). */

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
