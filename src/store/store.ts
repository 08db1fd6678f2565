import type {
  Account, AccountKind, Alias, AuditEvent, ChangeEvent, Device, Domain, Folder, FolderKind, FolderRole,
  FolderTombstone, Grant, GrantRights, Item, ResourceLock, SyncState, Tombstone,
} from '../model/types.js';
import type { MailStore } from './mail-store.js';

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

export interface Changes {
  /** Items created or changed after the given modseq, in modseq order. */
  changed: Item[];
  deleted: Tombstone[];
  /** The highest modseq covered: pass it to the next call. */
  modseq: number;
  /** True when `limit` cut the answer short; call again from `modseq`. */
  more: boolean;
}

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
export interface Store extends MailStore {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  // Domains
  createDomain(d: NewDomain): Promise<Domain>;
  getDomain(nameOrId: string | number): Promise<Domain | null>;
  listDomains(): Promise<Domain[]>;
  updateDomain(id: number, patch: Partial<Omit<Domain, 'id' | 'name' | 'createdAt'>>): Promise<Domain>;
  deleteDomain(id: number): Promise<void>;

  // Accounts
  /**
   * Creates the account and its default folders in one transaction. Throws Conflict when the
   * address is taken (by an account or alias) and LimitExceeded when the domain's maxUsers
   * (counting kind 'user') is reached; the check and the insert are atomic.
   */
  createAccount(a: NewAccount): Promise<Account>;
  getAccount(emailOrId: string | number): Promise<Account | null>;
  listAccounts(domainId?: number): Promise<Account[]>;
  updateAccount(id: number, patch: Partial<Omit<Account, 'id' | 'domainId' | 'email' | 'createdAt'>>): Promise<Account>;
  deleteAccount(id: number): Promise<void>;
  countAccounts(domainId: number, kind?: AccountKind): Promise<number>;
  /** The account's current (highest) modseq. */
  accountModseq(accountId: number): Promise<number>;

  // Aliases and groups
  /** Creates or replaces the alias. Conflict if the address is an account. */
  setAlias(address: string, targets: string[]): Promise<Alias>;
  getAlias(address: string): Promise<Alias | null>;
  listAliases(domainId?: number): Promise<Alias[]>;
  deleteAlias(address: string): Promise<void>;
  addGroupMember(groupId: number, memberId: number): Promise<void>;
  removeGroupMember(groupId: number, memberId: number): Promise<void>;
  listGroupMembers(groupId: number): Promise<Account[]>;
  listGroupsOf(memberId: number): Promise<Account[]>;

  // Folders
  /** Conflict if a sibling folder of the account has the same name. */
  createFolder(f: NewFolder): Promise<Folder>;
  getFolder(id: number): Promise<Folder | null>;
  listFolders(accountId: number, kind?: FolderKind): Promise<Folder[]>;
  findFolderByRole(accountId: number, role: FolderRole): Promise<Folder | null>;
  findFolderByName(accountId: number, parentId: number | null, name: string): Promise<Folder | null>;
  updateFolder(id: number, patch: Partial<Pick<Folder, 'name' | 'parentId' | 'props' | 'role'>>): Promise<Folder>;
  /** Deletes the folder, its subfolders and their items (releasing blobs); leaves a folder tombstone. */
  deleteFolder(id: number): Promise<void>;
  /** Folder creations/changes and deletions of the account after `modseq` (FolderSync). */
  folderChangesSince(accountId: number, modseq: number): Promise<FolderChanges>;

  // Items
  /** Conflict when the name (or a non-null uid, for PIM folders) already exists in the folder. */
  createItem(item: NewItem): Promise<Item>;
  /** Many items into one folder in one transaction (imports, benchmarks). */
  createItems(items: NewItem[]): Promise<Item[]>;
  getItem(id: number): Promise<Item | null>;
  getItemByName(folderId: number, name: string): Promise<Item | null>;
  getItemByUid(folderId: number, uid: string): Promise<Item | null>;
  getItemsByNames(folderId: number, names: string[]): Promise<Item[]>;
  listItems(folderId: number, opts?: ListItemsOptions): Promise<Item[]>;
  countItems(folderId: number): Promise<{ count: number; size: number }>;
  /** PreconditionFailed when opts.ifModseq is given and differs. */
  updateItem(id: number, patch: ItemPatch, opts?: WriteOptions): Promise<Item>;
  deleteItem(id: number, opts?: WriteOptions): Promise<void>;
  /** Moves to another folder of the same account (tombstone in the source, new modseq, new IMAP UID). */
  moveItem(id: number, toFolderId: number, newName?: string): Promise<Item>;
  /**
   * Items changed and deleted in the folder after `modseq`, in modseq order, at most `limit`
   * (default 10,000) of both together. `withoutContent` leaves `content` null (ETag listings).
   */
  changesSince(folderId: number, modseq: number, limit?: number, opts?: { withoutContent?: boolean }): Promise<Changes>;
  /** Bytes and messages used by the account (quota). */
  accountUsage(accountId: number): Promise<{ bytes: number; messages: number }>;

  // Blobs: content-addressed by sha256, reference-counted.
  /** Stores the bytes (once) and takes a reference; returns the sha256 hex. */
  putBlob(data: Uint8Array): Promise<string>;
  getBlob(hash: string): Promise<Buffer | null>;
  /** Drops one reference; the bytes go when none is left. */
  releaseBlob(hash: string): Promise<void>;

  // ActiveSync devices and sync state
  /** Creates the device on first contact, else updates the given fields and lastSeen. */
  touchDevice(d: DeviceUpsert): Promise<Device>;
  getDevice(accountId: number, deviceId: string): Promise<Device | null>;
  listDevices(accountId: number): Promise<Device[]>;
  updateDevice(id: number, patch: DevicePatch): Promise<Device>;
  deleteDevice(id: number): Promise<void>;
  getSyncState(deviceId: number, collection: string): Promise<SyncState | null>;
  /** Saves a new key and state; the current one becomes `previous`. */
  putSyncState(deviceId: number, collection: string, syncKey: string, state: unknown): Promise<SyncState>;
  deleteSyncStates(deviceId: number, collection?: string): Promise<void>;

  // Grants (delegation and sharing)
  createGrant(g: NewGrant): Promise<Grant>;
  updateGrant(id: number, patch: Partial<Pick<Grant, 'rights' | 'status' | 'props'>>): Promise<Grant>;
  deleteGrant(id: number): Promise<void>;
  listGrantsByOwner(ownerId: number): Promise<Grant[]>;
  listGrantsForGrantee(granteeId: number): Promise<Grant[]>;

  // Per-account settings (out-of-office, preferences), JSON values
  getSetting<T = unknown>(accountId: number, key: string): Promise<T | null>;
  setSetting(accountId: number, key: string, value: unknown): Promise<void>;

  // Login failures, shared by every node so that lockout holds behind a load balancer
  recordLoginFailure(login: string, source: string, at: number): Promise<void>;
  countLoginFailures(login: string, source: string, since: number): Promise<number>;
  /** Clears failures for the login (every source when source is omitted). */
  clearLoginFailures(login: string, source?: string): Promise<number>;

  // Audit log
  audit(e: Omit<AuditEvent, 'id' | 'at'> & { at?: number }): Promise<void>;
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
