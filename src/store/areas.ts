/**
 * Slices of the Store by area, so that a handler or helper names the part of the store it uses
 * (and a test can hand it a small fake): `(store: GrantsArea & DirectoryArea)` says more than
 * `(store: Store)`. They are views of the one Store interface (store.ts keeps the contract and
 * its TSDoc); any Store satisfies every area.
 */
import type { Store } from './store.js';

/** Domains, accounts, aliases and groups. */
export type DirectoryArea = Pick<
  Store,
  | 'createDomain'
  | 'getDomain'
  | 'listDomains'
  | 'updateDomain'
  | 'deleteDomain'
  | 'createAccount'
  | 'getAccount'
  | 'listAccounts'
  | 'updateAccount'
  | 'deleteAccount'
  | 'countAccounts'
  | 'setAlias'
  | 'getAlias'
  | 'listAliases'
  | 'deleteAlias'
  | 'addGroupMember'
  | 'removeGroupMember'
  | 'listGroupMembers'
  | 'listGroupsOf'
>;

/** Folders, items, change tracking, blobs and quota usage. */
export type ContentArea = Pick<
  Store,
  | 'accountModseq'
  | 'createFolder'
  | 'getFolder'
  | 'listFolders'
  | 'findFolderByRole'
  | 'findFolderByName'
  | 'updateFolder'
  | 'deleteFolder'
  | 'folderChangesSince'
  | 'createItem'
  | 'createItems'
  | 'getItem'
  | 'getItemByName'
  | 'getItemByUid'
  | 'getItemsByNames'
  | 'listItems'
  | 'listItemFields'
  | 'countItems'
  | 'updateItem'
  | 'deleteItem'
  | 'moveItem'
  | 'changesSince'
  | 'accountUsage'
  | 'putBlob'
  | 'getBlob'
  | 'releaseBlob'
>;

/** ActiveSync devices and their per-collection sync state. */
export type DevicesArea = Pick<
  Store,
  'touchDevice' | 'getDevice' | 'listDevices' | 'updateDevice' | 'deleteDevice' | 'getSyncState' | 'putSyncState' | 'deleteSyncStates'
>;

/** Delegation and sharing grants. */
export type GrantsArea = Pick<Store, 'createGrant' | 'updateGrant' | 'deleteGrant' | 'listGrantsByOwner' | 'listGrantsForGrantee'>;

/** WebDAV resource locks, shared by every node. */
export type LocksArea = Pick<Store, 'listLocks' | 'createLock' | 'refreshLock' | 'deleteLocks'>;

/** Login failures (lockout), per-account settings and the audit log. */
export type AccountStateArea = Pick<
  Store,
  'recordLoginFailure' | 'countLoginFailures' | 'clearLoginFailures' | 'getSetting' | 'setSetting' | 'audit' | 'listAudit'
>;

/** Change notifications and signals across nodes. */
export type NotificationsArea = Pick<Store, 'subscribe' | 'signal'>;
