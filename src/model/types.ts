/** Plain data types shared by the core and every protocol. No behaviour lives here. */

/**
 * 'public': the one account of a domain that owns its public folders (src/admin/public-folders.ts).
 * It never signs in, receives no mail and is not a directory entry (listAccounts leaves it out).
 */
export type AccountKind = 'user' | 'group' | 'resource' | 'public';
export type FolderKind = 'mail' | 'calendar' | 'contacts' | 'tasks' | 'notes' | 'files';
/** Special folders created for each new user (see DEFAULT_FOLDERS in src/store/defaults.ts). */
export type FolderRole =
  | 'inbox' | 'drafts' | 'sent' | 'trash' | 'junk' | 'outbox' | 'archive'
  | 'calendar' | 'contacts' | 'tasks' | 'notes' | 'files'
  | 'schedule-inbox' | 'schedule-outbox';

export interface Domain {
  id: number;
  name: string;
  maxUsers: number | null;
  /** Quota given to new users, in bytes; null means unlimited. */
  defaultQuota: number | null;
  /** Largest quota a user of this domain may have, in bytes. */
  maxQuota: number | null;
  maxMessageSize: number | null;
  footerText: string | null;
  footerHtml: string | null;
  /** sha256 of the logo blob. */
  logoBlob: string | null;
  settings: Record<string, unknown>;
  createdAt: number;
}

export interface Account {
  id: number;
  domainId: number;
  /** Full lower-case address; the login name. */
  email: string;
  kind: AccountKind;
  displayName: string | null;
  passwordHash: string | null;
  quotaBytes: number | null;
  quotaMessages: number | null;
  isServerAdmin: boolean;
  /** Ids of the domains this account administers. */
  adminDomains: number[];
  disabled: boolean;
  createdAt: number;
}

export interface Alias {
  address: string;
  domainId: number;
  targets: string[];
}

export interface Folder {
  id: number;
  accountId: number;
  parentId: number | null;
  name: string;
  kind: FolderKind;
  role: FolderRole | null;
  /** Free-form presentation and dead properties: color, order, description, DAV dead props ... */
  props: Record<string, unknown>;
  /** IMAP UIDVALIDITY (RFC 3501 §2.3.1.1) and the next UID to assign. */
  uidValidity: number;
  uidNext: number;
  /** Account modseq of the folder's own last change (rename, props). */
  modseq: number;
  /** Highest modseq of any item in the folder, or of the folder itself. */
  contentModseq: number;
  createdAt: number;
}

export interface Item {
  id: number;
  accountId: number;
  folderId: number;
  /** Resource name inside the folder (DAV path segment, e.g. `abc.ics`); unique per folder. */
  name: string;
  /** iCalendar/vCard UID, or the Message-ID of a mail. */
  uid: string | null;
  /** Source of truth for PIM items: the iCalendar or vCard text as the client sent it. */
  content: string | null;
  /** Source of truth for mail and files: sha256 of the blob. */
  blobHash: string | null;
  contentType: string | null;
  size: number;
  /** IMAP UID inside the folder, for mail. */
  imapUid: number | null;
  flags: string[];
  /** Indexed fields extracted by src/pim or src/mail. */
  componentType: string | null;
  summary: string | null;
  startAt: number | null;
  endAt: number | null;
  recurring: boolean;
  /** Protocol-specific extra data that is not the source of truth (e.g. DAV dead properties). */
  props: Record<string, unknown>;
  modseq: number;
  createdAt: number;
  updatedAt: number;
}

/** The strong ETag of an item version (RFC 9110 §8.8.3): changes on every write. */
export function itemEtag(item: Pick<Item, 'id' | 'modseq'>): string {
  return `"${item.id}-${item.modseq}"`;
}

export interface Tombstone {
  folderId: number;
  itemId: number;
  name: string;
  uid: string | null;
  imapUid: number | null;
  modseq: number;
}

export interface FolderTombstone {
  accountId: number;
  folderId: number;
  modseq: number;
}

export type WipeState = 'none' | 'requested' | 'sent' | 'acknowledged';
export type DeviceAccess = 'allowed' | 'blocked' | 'quarantined';

export interface Device {
  id: number;
  accountId: number;
  /** The client's DeviceId (MS-ASHTTP query parameter). */
  deviceId: string;
  deviceType: string | null;
  userAgent: string | null;
  model: string | null;
  protocolVersion: string | null;
  /** Policy key last acknowledged by the device; null before provisioning. */
  policyKey: string | null;
  /** Policy key handed out in the first Provision phase, awaiting acknowledgement. */
  pendingPolicyKey: string | null;
  access: DeviceAccess;
  wipeState: WipeState;
  wipeAccountOnly: boolean;
  /** Settings DeviceInformation and anything else the device told us. */
  info: Record<string, unknown>;
  lastSeen: number;
  createdAt: number;
}

/** Sync state of one (device, collection); `previous` answers a client that retries a key. */
export interface SyncState {
  deviceId: number;
  collection: string;
  syncKey: string;
  state: unknown;
  previousKey: string | null;
  previousState: unknown;
  updatedAt: number;
}

export type GrantRights = 'read' | 'write' | 'freebusy';

export interface Grant {
  id: number;
  ownerId: number;
  /** null grants the right on every folder of the owner (delegation). */
  folderId: number | null;
  granteeId: number;
  rights: GrantRights;
  /** Sharing invitations: 'pending' until accepted. */
  status: 'pending' | 'accepted' | 'declined';
  props: Record<string, unknown>;
  createdAt: number;
}

export interface AuditEvent {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  source: string | null;
  detail: Record<string, unknown>;
}

/** What a change notification carries: enough to decide whether to look, not the change itself. */
export interface ChangeEvent {
  accountId: number;
  folderId: number | null;
  modseq: number;
  /** Set for a signal (Store.signal), which carries no change: folderId null, modseq 0. */
  signal?: string;
}

/**
 * A lock on a resource (WebDAV LOCK, RFC 4918 §6). `space` groups the locks that can conflict
 * (one user's file space); `data` is the protocol's own description (scope, depth, owner ...).
 */
export interface ResourceLock {
  token: string;
  space: string;
  path: string;
  data: Record<string, unknown>;
  expiresAt: number;
}

/**
 * Out of office, as stored in the account setting 'oof': ActiveSync Settings writes it, the mail
 * pipeline will answer with it.
 */
export interface OofMessage { enabled: boolean; message: string; bodyType: 'Text' | 'HTML' }
export interface OofSetting {
  /** 0 off, 1 on, 2 on between start and end ([MS-ASCMD] 2.2.3.120 OofState). */
  state: 0 | 1 | 2;
  start: number | null;
  end: number | null;
  internal: OofMessage | null;
  externalKnown: OofMessage | null;
  externalUnknown: OofMessage | null;
}
