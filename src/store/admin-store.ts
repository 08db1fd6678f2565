/**
 * What the admin REST API needs from the store beyond the directory (src/store/store.ts extends
 * this). Contract suite: test/src/store/admin-store.test.ts, on both backends.
 */
import type { Account, AccountKind, AuditEvent } from '../model/types.js';

export type AccountSort = 'email' | 'displayName' | 'createdAt';

export interface AccountQuery {
  /** Accounts of these domains only (an empty list gives nothing); all domains when omitted. */
  domainIds?: number[];
  kind?: AccountKind;
  /** Case-insensitive substring of the address or display name. */
  search?: string;
  disabled?: boolean;
  sort?: AccountSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface ApiKey {
  id: number;
  /** The public half of the key (`hk_<keyId>_<secret>`), its lookup name. */
  keyId: string;
  /** sha256 hex of the secret; the secret itself is never stored. */
  secretHash: string;
  /** The account whose roles the key carries (read-only keys carry only their read half). */
  accountId: number;
  label: string;
  access: 'read' | 'write';
  /** Source networks the key may be used from (`10.0.0.0/8`, `2001:db8::/32`); [] for anywhere. */
  cidrs: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

export interface SigningKey {
  kid: string;
  /** base64url of the HMAC key. */
  secret: string;
  createdAt: number;
}

export interface UsageDay {
  domainId: number;
  /** YYYY-MM-DD (UTC). */
  day: string;
  users: number;
  storageBytes: number;
}

export interface AuditQuery {
  /** Events of this domain only (by name). */
  domain?: string;
  target?: string;
  /** Action prefix, e.g. `user.` */
  action?: string;
  limit: number;
  offset: number;
}

export interface AdminStore {
  /** One page of accounts by the query, with the number of all that match. */
  pageAccounts(q: AccountQuery): Promise<{ accounts: Account[]; total: number }>;

  /** The resource's version (0 for one never written through versionedWrite). */
  resourceVersion(resource: string): Promise<number>;
  /**
   * Compare-and-set: moves the version from `expected` to `expected + 1` and returns true, or
   * returns false (changing nothing) when the version is no longer `expected`. Atomic across
   * nodes, so of two writers holding the same ETag only one wins.
   */
  claimResourceVersion(resource: string, expected: number): Promise<boolean>;

  /** Conflict when the keyId exists. */
  createApiKey(k: Omit<ApiKey, 'id' | 'createdAt' | 'lastUsedAt'>): Promise<ApiKey>;
  /** null when there is none. */
  getApiKey(keyId: string): Promise<ApiKey | null>;
  /** Keys of the accounts given (all keys when omitted), newest first. */
  listApiKeys(accountIds?: number[]): Promise<ApiKey[]>;
  /** NotFound when there is none. */
  deleteApiKey(keyId: string): Promise<void>;
  /** Records a use (at most the caller's resolution; failures are ignored by callers). */
  touchApiKey(keyId: string, at: number): Promise<void>;

  /**
   * The server secret called `name`, shared by every node: the stored one, or, the first time,
   * `initial` stored and returned (two nodes asking at once both get the one that was stored first).
   */
  serverSecret(name: string, initial: string): Promise<string>;

  /** Every signing key, newest first. */
  listSigningKeys(): Promise<SigningKey[]>;
  /** Idempotent per kid (a second node racing to rotate keeps the first row). */
  addSigningKey(k: SigningKey): Promise<void>;
  /** Deletes keys created before `before`; returns how many went. */
  deleteSigningKeysBefore(before: number): Promise<number>;

  /**
   * Records the domain's figures for the day, keeping the day's maximum of users and the latest
   * storage (billing counts the most users seen on a day).
   */
  recordUsage(u: UsageDay): Promise<void>;
  /** Recorded days of the domain in [fromDay, toDay], oldest first. */
  listUsage(domainId: number, fromDay: string, toDay: string): Promise<UsageDay[]>;
  /** The latest recorded day of the domain before `day`, or null. */
  usageBefore(domainId: number, day: string): Promise<UsageDay | null>;
  /** Bytes used by all accounts of the domain. */
  domainStorage(domainId: number): Promise<number>;

  /** A page of audit events, newest first, with the total that match. */
  pageAudit(q: AuditQuery): Promise<{ events: AuditEvent[]; total: number }>;
}

/**
 * The domain an audit target names (`domain:NAME`, `account:EMAIL`, `device:EMAIL/ID`,
 * `alias:ADDRESS`, `group:EMAIL`, `public-folder:DOMAIN/PATH`), stored with the event so that
 * domain administrators can list theirs. null for server-wide targets.
 */
export function auditDomainOf(target: string): string | null {
  const colon = target.indexOf(':');
  if (colon < 0) return null;
  const kind = target.slice(0, colon);
  const rest = target.slice(colon + 1).toLowerCase();
  if (kind === 'domain') return rest || null;
  // The domain comes first; the folder path after it is the administrator's text and may hold an '@'.
  if (kind === 'public-folder') return rest.split('/')[0] || null;
  const at = rest.indexOf('@');
  if (at < 0) return null;
  return rest.slice(at + 1).split('/')[0] || null;
}
