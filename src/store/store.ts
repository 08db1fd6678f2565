import type {
  Account, AccountKind, Alias, AuditEvent, ChangeEvent, Device, Domain, Folder, FolderKind, FolderRole,
  FolderTombstone, Grant, GrantRights, Item, ResourceLock, SyncState, Tombstone,
} from '../model/types.js';
import type { Readable } from 'node:stream';
import type { BlobRange, BlobReadStream, BlobStreamOptions, StoredBlob } from './blob-stream.js';

export type { BlobRange, BlobReadStream, BlobStreamOptions, StoredBlob } from './blob-stream.js';
import type { MailStore } from './mail-store.js';
import type { Changes } from './changes.js';
import type { QueueStore } from './queue-store.js';
import type { ArchiveStore } from './archive-store.js';
import type { ListStore } from './list-store.js';
import type { AdminStore } from './admin-store.js';
import type { PolicyStore } from './policy-store.js';

export interface NewDomain {
  name: string;
  maxUsers?: number | null;
  defaultQuota?: number | null;
  maxQuota?: number | null;
  maxMessageSize?: number | null;
  footerText?: string | null;
  footerHtml?: string | null;
  settings?: Record<string, unknown>;
}

export interface NewAccount {
  domainId: number;
  email: string;
  kind?: AccountKind;
  displayName?: string | null;
  passwordHash?: string | null;
  quotaBytes?: number | null;
  quotaMessages?: number | null;
  isServerAdmin?: boolean;
  adminDomains?: number[];
}

export interface NewFolder {
  accountId: number;
  parentId?: number | null;
  name: string;
  kind: FolderKind;
  role?: FolderRole | null;
  props?: Record<string, unknown>;
}

export interface NewItem {
  folderId: number;
  name: string;
  uid?: string | null;
  content?: string | null;
  blobHash?: string | null;
  contentType?: string | null;
  size?: number;
  flags?: string[];
  componentType?: string | null;
  summary?: string | null;
  startAt?: number | null;
  endAt?: number | null;
  recurring?: boolean;
  props?: Record<string, unknown>;
}

export type ItemPatch = Partial<Omit<NewItem, 'folderId'>>;

export interface WriteOptions {
  /** Optimistic concurrency: the write fails with PreconditionFailed unless the item's modseq is this. */
  ifModseq?: number;
}

export interface ListItemsOptions {
  /** Only items whose [startAt, endAt) overlaps [from, to) (null bounds are open). */
  from?: number;
  to?: number;
  componentType?: string;
  limit?: number;
  /** Items with id greater than this (keyset paging). */
  afterId?: number;
  /** Leave out `content` (listing ETags only). */
  withoutContent?: boolean;
}

/** Item fields a lean listing (Store.listItemFields) may ask for besides id, name and modseq. */
export type ListedField = 'contentType' | 'size' | 'props' | 'createdAt' | 'updatedAt' | 'blobHash' | 'content' | 'componentType' | 'startAt' | 'endAt' | 'recurring';
/** An item as a lean listing returns it: id, name, modseq and the fields asked for, nothing else. */
export type ListedItem<F extends ListedField = never> = Pick<Item, 'id' | 'name' | 'modseq' | F>;

export interface ListFieldsOptions {
  /** Only items with modseq greater than this. */
  afterModseq?: number;
  /** Only items of these names (missing names are left out). */
  names?: string[];
  /** Only items whose [startAt, endAt) overlaps [from, to), as ListItemsOptions. */
  from?: number;
  to?: number;
  componentType?: string;
  /** At most this many, the lowest modseqs first. */
  limit?: number;
}

export type { Changes };

/**
 * A read that `readTogether` can run with others: a method of the Store and its arguments.
 * Only these reads; each means exactly what the method called alone means.
 */
export type TogetherRead =
  | { read: 'getFolder'; args: Parameters<Store['getFolder']> }
  | { read: 'listFolders'; args: Parameters<Store['listFolders']> }
  | { read: 'listMessageStates'; args: Parameters<Store['listMessageStates']> }
  | { read: 'changesSince'; args: Parameters<Store['changesSince']> };

/** What each read of `readTogether` returns: its method's result. */
export type TogetherResults<R extends readonly TogetherRead[]> = { -readonly [K in keyof R]: Awaited<ReturnType<Store[R[K]['read']]>> };

export interface FolderChanges {
  changed: Folder[];
  deleted: FolderTombstone[];
  modseq: number;
}

export interface DeviceUpsert {
  accountId: number;
  deviceId: string;
  deviceType?: string | null;
  userAgent?: string | null;
  protocolVersion?: string | null;
}

export type DevicePatch = Partial<Pick<Device,
  'deviceType' | 'userAgent' | 'model' | 'protocolVersion' | 'policyKey' | 'pendingPolicyKey' | 'access' |
  'wipeState' | 'wipeAccountOnly' | 'info' | 'lastSeen'>>;

export interface NewGrant {
  ownerId: number;
  folderId?: number | null;
  granteeId: number;
  rights: GrantRights;
  status?: Grant['status'];
  props?: Record<string, unknown>;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * The one store every protocol stands on. Two backends (SQLite, PostgreSQL) implement it over one
 * schema; test/src/store/contract.ts is the suite both must pass.
 *
 * Contracts common to every method:
 * - A promise that resolves means the write is committed (durable) and notifications are queued.
 * - Errors are StoreError with a stable code (see errors.ts); `get*` methods return null instead
 *   of throwing NotFound.
 * - Every item and folder write increments the owning account's modseq by one and stamps it;
 *   modseqs of one account are strictly increasing and never reused. Deletions leave tombstones.
 * - Addresses and domain names are stored lower-case; lookups are case-insensitive.
 */
export interface Store extends MailStore, QueueStore, ArchiveStore, ListStore, AdminStore, PolicyStore {
  /** Which backend this is (logs, the rare dialect-specific test). */
  readonly dialect: 'sqlite' | 'postgres';
  /** Brings the schema to the newest migration (idempotent; openStore calls it). */
  migrate(): Promise<void>;
  /** Closes connections and listeners; pending notifications are dropped. Calling it twice is harmless. */
  close(): Promise<void>;

  // Domains
  /** Conflict when a domain of that name exists (names are lower-cased). */
  createDomain(d: NewDomain): Promise<Domain>;
  /** By name (any case) or id; null when there is none. */
  getDomain(nameOrId: string | number): Promise<Domain | null>;
  /** Every domain, by name. */
  listDomains(): Promise<Domain[]>;
  /** NotFound when the domain does not exist. Returns the domain as stored after the change. */
  updateDomain(id: number, patch: Partial<Omit<Domain, 'id' | 'name' | 'createdAt'>>): Promise<Domain>;
  /** Deletes the domain; its accounts and their data go by the schema's cascade (blob references are not released here: delete the accounts first). NotFound when there is none. */
  deleteDomain(id: number): Promise<void>;

  // Accounts
  /**
   * Creates the account and its default folders in one transaction. Throws Conflict when the
   * address is taken (by an account or alias) and LimitExceeded when the domain's maxUsers
   * (counting kind 'user') is reached; the check and the insert are atomic.
   */
  createAccount(a: NewAccount): Promise<Account>;
  /** By address (any case) or id; null when there is none (aliases are not followed: see getAlias). */
  getAccount(emailOrId: string | number): Promise<Account | null>;
  /** Accounts of one domain, or of every domain when domainId is omitted; users, groups and resources (never a domain's public-folder owner). */
  listAccounts(domainId?: number): Promise<Account[]>;
  /** NotFound when the account does not exist. Returns the account as stored after the change. */
  updateAccount(id: number, patch: Partial<Omit<Account, 'id' | 'domainId' | 'email' | 'createdAt'>>): Promise<Account>;
  /** Deletes the account with its folders, items (releasing blobs), devices and grants. NotFound when there is none. */
  deleteAccount(id: number): Promise<void>;
  /** Accounts of the domain, of one kind when given (maxUsers counts 'user'). */
  countAccounts(domainId: number, kind?: AccountKind): Promise<number>;
  /** The account's current (highest) modseq. */
  accountModseq(accountId: number): Promise<number>;

  // Aliases and groups
  /** Creates or replaces the alias. NotFound when its domain does not exist; Conflict if the address is an account. */
  setAlias(address: string, targets: string[]): Promise<Alias>;
  /** null when the address is no alias. */
  getAlias(address: string): Promise<Alias | null>;
  /** Aliases of one domain, or all. */
  listAliases(domainId?: number): Promise<Alias[]>;
  /** NotFound when the address is no alias. */
  deleteAlias(address: string): Promise<void>;
  /** Idempotent: adding a member twice keeps one membership. */
  addGroupMember(groupId: number, memberId: number): Promise<void>;
  /** Idempotent: removing a non-member does nothing. */
  removeGroupMember(groupId: number, memberId: number): Promise<void>;
  /** The group's member accounts ([] for an unknown group). */
  listGroupMembers(groupId: number): Promise<Account[]>;
  /** The groups the account is a direct member of ([] when none). */
  listGroupsOf(memberId: number): Promise<Account[]>;

  // Folders
  /** Conflict if a sibling folder of the account has the same name. */
  createFolder(f: NewFolder): Promise<Folder>;
  /** null when there is none. */
  getFolder(id: number): Promise<Folder | null>;
  /** The account's folders (of one kind when given), by id ([] for an unknown account). */
  listFolders(accountId: number, kind?: FolderKind): Promise<Folder[]>;
  /** The account's folder of that role (inbox, calendar, ...); null when it has none. */
  findFolderByRole(accountId: number, role: FolderRole): Promise<Folder | null>;
  /** The child of parentId (null: top level) with that exact name; null when there is none. */
  findFolderByName(accountId: number, parentId: number | null, name: string): Promise<Folder | null>;
  /** Renames, moves or changes props. NotFound for an unknown folder or parent; Conflict for a sibling of the same name; Invalid for a move into itself. Stamps a new modseq. */
  updateFolder(id: number, patch: Partial<Pick<Folder, 'name' | 'parentId' | 'props' | 'role'>>): Promise<Folder>;
  /** Deletes the folder, its subfolders and their items (releasing blobs); leaves a folder tombstone. NotFound when there is none. */
  deleteFolder(id: number): Promise<void>;
  /** Folder creations/changes and deletions of the account after `modseq` (FolderSync); 0 gives every folder. */
  folderChangesSince(accountId: number, modseq: number): Promise<FolderChanges>;

  // Items
  /**
   * NotFound for an unknown folder; Conflict when the name (or a non-null uid, for PIM folders)
   * already exists in the folder; QuotaExceeded when the account would go over its quota (nothing
   * is stored). Stamps a new modseq; mail folders give the item a fresh IMAP UID.
   */
  createItem(item: NewItem): Promise<Item>;
  /** Many items into one folder in one transaction (imports, benchmarks): all or none, same errors as createItem. */
  createItems(items: NewItem[]): Promise<Item[]>;
  /** null when there is none (or it was deleted). */
  getItem(id: number): Promise<Item | null>;
  /** null when the folder has no item of that name. */
  getItemByName(folderId: number, name: string): Promise<Item | null>;
  /** null when the folder has no item with that UID. */
  getItemByUid(folderId: number, uid: string): Promise<Item | null>;
  /** The items of those names that exist (missing names are left out), in no promised order. */
  getItemsByNames(folderId: number, names: string[]): Promise<Item[]>;
  /** The folder's items, by id, filtered by `opts` ([] for an unknown folder). */
  listItems(folderId: number, opts?: ListItemsOptions): Promise<Item[]>;
  /**
   * A lean listing for protocols that answer many items from a few fields (WebDAV ETag listings,
   * reports): the folder's items in modseq order with only `fields` besides id, name and modseq
   * ([] for an unknown folder). One query; no tombstones. Much cheaper than listItems for 10,000s of rows.
   */
  listItemFields<F extends ListedField>(folderId: number, fields: readonly F[], opts?: ListFieldsOptions): Promise<ListedItem<F>[]>;
  /** Number and total size of the folder's items. */
  countItems(folderId: number): Promise<{ count: number; size: number }>;
  /**
   * NotFound when the item does not exist; PreconditionFailed when opts.ifModseq is given and
   * differs; Conflict when a new name or uid is taken; QuotaExceeded as createItem. Stamps a new modseq.
   */
  updateItem(id: number, patch: ItemPatch, opts?: WriteOptions): Promise<Item>;
  /** Leaves a tombstone and releases its blob. NotFound when there is none; PreconditionFailed when opts.ifModseq is given and differs. */
  deleteItem(id: number, opts?: WriteOptions): Promise<void>;
  /**
   * Moves to another folder of the same account (tombstone in the source, new modseq, new IMAP UID).
   * NotFound for an unknown item or folder; Invalid across accounts; Conflict when the name is taken there.
   */
  moveItem(id: number, toFolderId: number, newName?: string): Promise<Item>;
  /**
   * Items changed and deleted in the folder after `modseq`, in modseq order, at most `limit`
   * (default 10,000) of both together. `withoutContent` leaves `content` null (ETag listings).
   * `pimSync` reads only what a sync of PIM objects needs (ActiveSync contacts, calendars, tasks,
   * notes): id, accountId, folderId, name, uid, content, size, imapUid, componentType, startAt,
   * endAt, recurring, modseq; the other fields are empty (blobHash null, contentType '', flags [],
   * summary null, props {}, createdAt and updatedAt 0).
   */
  changesSince(folderId: number, modseq: number, limit?: number, opts?: { withoutContent?: boolean; pimSync?: boolean }): Promise<Changes>;
  /**
   * Several reads (`TogetherRead`) run one after another, in the order given, each exactly as its
   * method called alone: its own snapshot (what was committed when it ran, at least as new as
   * the read before it), its own result or error. The results in that order; when a read fails,
   * its error is thrown (the first one) after every read has run. On PostgreSQL the reads go in
   * one round trip over one connection (IMAP's FETCH reads the messages and then its change
   * check in one).
   */
  readTogether<const R extends readonly TogetherRead[]>(...reads: R): Promise<TogetherResults<R>>;
  /** Bytes and messages used by the account (quota); moved in the same transaction as each write. */
  accountUsage(accountId: number): Promise<{ bytes: number; messages: number }>;

  // Blobs: content-addressed by sha256, reference-counted.
  /** Stores the bytes (once) and takes a reference; returns the sha256 hex. */
  putBlob(data: Uint8Array): Promise<string>;
  /** The whole blob in memory, or null when no blob has this hash; prefer getBlobStream for large ones. */
  getBlob(hash: string): Promise<Buffer | null>;
  /** Drops one reference; the bytes go when none is left. */
  releaseBlob(hash: string): Promise<void>;
  /**
   * Reads `source` to its end into blob storage without holding it whole (a temp file on SQLite,
   * 512 KiB chunk rows on PostgreSQL), hashing on the way, and takes a reference as putBlob does.
   * Durable when it resolves. Past `opts.maxBytes` it stops reading (the source is paused, not
   * destroyed) and throws StoreError LimitExceeded; a source that errors or ends early throws
   * (Invalid, or its own error). Either way nothing is stored and no reference is taken.
   */
  putBlobStream(source: Readable, opts: BlobStreamOptions): Promise<StoredBlob>;
  /**
   * The blob's bytes as a stream (all of them, or `range`, inclusive, its end clamped to the last
   * byte), with the blob's whole size; null when no blob has this hash. A range that starts past
   * the end throws StoreError Invalid: callers answer 416 from `size` before asking.
   */
  getBlobStream(hash: string, range?: BlobRange): Promise<BlobReadStream | null>;

  // ActiveSync devices and sync state
  /** Creates the device on first contact, else updates the given fields and lastSeen. */
  touchDevice(d: DeviceUpsert): Promise<Device>;
  /** null when the account has no device of that id. */
  getDevice(accountId: number, deviceId: string): Promise<Device | null>;
  /** The account's devices. */
  listDevices(accountId: number): Promise<Device[]>;
  /** NotFound when the device does not exist. Returns the device as stored after the change. */
  updateDevice(id: number, patch: DevicePatch): Promise<Device>;
  /** Deletes the device and its sync states. NotFound when there is none. */
  deleteDevice(id: number): Promise<void>;
  /** The current key and state of (device, collection); null when the device has never synced it. */
  getSyncState(deviceId: number, collection: string): Promise<SyncState | null>;
  /** Saves a new key and state; the current one becomes `previous`. */
  putSyncState(deviceId: number, collection: string, syncKey: string, state: unknown): Promise<SyncState>;
  /** Forgets the device's states (of one collection when given): its next Sync starts from key 0. */
  deleteSyncStates(deviceId: number, collection?: string): Promise<void>;

  // Grants (delegation and sharing)
  /** Stores a grant ('accepted' unless status is given). The store does not check domains: callers (src/admin, sharing) do, and src/auth/folder-access.ts ignores rows that cross domains. */
  createGrant(g: NewGrant): Promise<Grant>;
  /** NotFound when the grant does not exist. */
  updateGrant(id: number, patch: Partial<Pick<Grant, 'rights' | 'status' | 'props'>>): Promise<Grant>;
  /** Idempotent: deleting an unknown grant does nothing. */
  deleteGrant(id: number): Promise<void>;
  /** Every grant the owner gave, any status. */
  listGrantsByOwner(ownerId: number): Promise<Grant[]>;
  /** Every grant given to this account or group (not to the groups it belongs to), any status. */
  listGrantsForGrantee(granteeId: number): Promise<Grant[]>;

  // Per-account settings (out-of-office, preferences), JSON values
  /** null when the key was never set. */
  getSetting<T = unknown>(accountId: number, key: string): Promise<T | null>;
  /** Creates or replaces the value (JSON-serialisable). */
  setSetting(accountId: number, key: string, value: unknown): Promise<void>;

  // Login failures, shared by every node so that lockout holds behind a load balancer.
  // Logins are compared case-insensitively; times are epoch milliseconds.
  /** One failed login of `login` from `source` at `at` (epoch ms). */
  recordLoginFailure(login: string, source: string, at: number): Promise<void>;
  /** Failures of (login, source) at or after `since`. */
  countLoginFailures(login: string, source: string, since: number): Promise<number>;
  /**
   * The times of the login's failures from `source` at or after `since`, newest first, at most
   * `limit` of them (the lock's real end is the limit-th newest plus the window).
   */
  loginFailureTimes(login: string, source: string, since: number, limit: number): Promise<number[]>;
  /** Failures of the login at or after `since` from every source (the per-account limit). */
  countAccountLoginFailures(login: string, since: number): Promise<number>;
  /** Deletes the failures of every login older than `before`; returns how many went. */
  purgeLoginFailures(before: number): Promise<number>;
  /** Clears failures for the login (every source when source is omitted). */
  clearLoginFailures(login: string, source?: string): Promise<number>;

  // Audit log
  /** Appends an audit event (`at` defaults to now). */
  audit(e: Omit<AuditEvent, 'id' | 'at'> & { at?: number }): Promise<void>;
  /** Newest first; of one target when given; at most `limit` (default 100). */
  listAudit(opts?: { target?: string; limit?: number }): Promise<AuditEvent[]>;

  // Resource locks (WebDAV), shared by every node
  /** Live (unexpired at `now`) locks of the space. */
  listLocks(space: string, now: number): Promise<ResourceLock[]>;
  /**
   * Stores the lock unless `conflicts` (called with the space's live locks inside the same
   * transaction) returns true; atomic per space across nodes. Returns whether it was stored.
   */
  createLock(lock: ResourceLock, now: number, conflicts: (live: ResourceLock[]) => boolean): Promise<boolean>;
  /** Moves a lock's expiry; false when the lock is gone. */
  refreshLock(token: string, expiresAt: number): Promise<boolean>;
  /** Removes the locks; returns how many there were. */
  deleteLocks(tokens: string[]): Promise<number>;

  // Change notifications
  /**
   * Calls the listener after every committed item or folder write of the account (on any node
   * for PostgreSQL). Returns the unsubscribe function. Listeners must not throw.
   */
  subscribe(accountId: number, listener: ChangeListener): () => void;
  /**
   * Tells the account's subscribers on every node (PostgreSQL; this process for SQLite)
   * something that is not a data change: a device's newer Ping, a wipe request, a grant change.
   * They receive `{ accountId, folderId: null, modseq: 0, signal }`. At most 1,000 characters.
   */
  signal(accountId: number, signal: string): Promise<void>;
}
