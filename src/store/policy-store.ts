/**
 * The mail policies' slice of the store (src/mail/dkim-*.ts, src/mail/out-of-office.ts): DKIM
 * keys per domain and the out-of-office reply log. Part of the Store interface (store.ts).
 */

/** A domain's DKIM signing key (RFC 6376 §3.6.1): `selector._domainkey.DOMAIN` publishes the public part. */
export interface DkimKey {
  domainId: number;
  selector: string;
  /** PKCS#8 PEM. Never printed or logged; only the signer reads it. */
  privateKey: string;
  /** SPKI DER in base64, the `p=` tag of the DNS record. */
  publicKey: string;
  createdAt: number;
}

export interface PolicyStore {
  /** The domain's DKIM key; null when it has none. */
  getDkimKey(domainId: number): Promise<DkimKey | null>;
  /**
   * Stores `key` as the domain's DKIM key unless it already has one, and returns the key the
   * domain has afterwards: the existing one wins (two concurrent calls agree on one key).
   * NotFound when the domain does not exist.
   */
  addDkimKey(key: Omit<DkimKey, 'createdAt'> & { createdAt?: number }): Promise<DkimKey>;
  /**
   * Replaces the domain's key with `key` if its current selector is `previousSelector` (a
   * compare-and-set: of two concurrent rotations one wins). Returns the new key, or null when the
   * domain's key was not `previousSelector` (nothing written).
   */
  replaceDkimKey(key: Omit<DkimKey, 'createdAt'> & { createdAt?: number }, previousSelector: string): Promise<DkimKey | null>;
  /**
   * Records that the account answers `sender` (compared case-insensitively) at `at`, unless it
   * already answered that sender at or after `since`: true when recorded (the caller sends the
   * reply), false when a reply within the period exists. Atomic: of concurrent calls for one
   * (account, sender) at most one returns true. Records older than `since` of the account are
   * deleted on the way.
   */
  recordAutoReply(accountId: number, sender: string, at: number, since: number): Promise<boolean>;
}
