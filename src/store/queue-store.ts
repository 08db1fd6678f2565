/**
 * The outbound queue's slice of the Store (implemented once for both backends in queue-sql.ts;
 * the suite is test/src/store/queue-contract.ts). Queue ids are decimal strings. Times are epoch
 * milliseconds and always passed in by the caller (the queue runner's clock), never read here.
 */

/** RFC 3464 §2.3.3 Action, reduced to what the queue tracks: still to try, tried and retrying, or final. */
export type QueueRecipientState = 'pending' | 'deferred' | 'delivered' | 'failed';

export interface QueueRecipient {
  address: string;
  state: QueueRecipientState;
  attempts: number;
  /** The remote's reply (or our own reason, e.g. no MX) of the last attempt. */
  lastError: string | null;
  updatedAt: number;
}

export interface QueuedMessage {
  id: string;
  /** RFC 5321 reverse-path; '' is the null sender (a DSN, which never gets a DSN). */
  mailFrom: string;
  /** The message bytes: a blob of the store's blob API, referenced once by the queue. */
  blobHash: string;
  size: number;
  submittedBy: string | null;
  /** RFC 3461 parameters as the caller gave them (JSON text), or null. */
  dsn: string | null;
  createdAt: number;
  /** After this, recipients not yet delivered fail (RFC 5321 §4.5.4.1 give-up time). */
  expiresAt: number;
  nextAttemptAt: number;
  attempts: number;
  /** When the sender was told of a delay (RFC 3464 Action: delayed), or null. */
  warnedAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  recipients: QueueRecipient[];
}

export interface NewQueuedMessage {
  mailFrom: string;
  /** Forward-paths, one address each; duplicates (case-insensitive) are kept once. At least one. */
  recipients: string[];
  /** A blob reference the caller holds (from putBlob); the queue takes it over. */
  blobHash: string;
  size: number;
  submittedBy?: string | null;
  dsn?: string | null;
  now: number;
  expiresAt: number;
}

/** What one delivery attempt found, for the recipients it tried. */
export interface QueueAttempt {
  recipients: { address: string; state: QueueRecipientState; lastError: string | null }[];
  /** When to try the remaining (pending or deferred) recipients again. */
  nextAttemptAt: number;
  /** Set when a delay warning went to the sender in this attempt. */
  warnedAt?: number;
  now: number;
}

export interface QueueStore {
  /**
   * Persists a message for delivery to every recipient (state pending, due at `now`). Resolves
   * after the commit. Invalid when `recipients` is empty. The queue then owns one reference of
   * `blobHash` and releases it when the message leaves the queue (delivered, failed, deleted).
   */
  enqueueMessage(message: NewQueuedMessage): Promise<QueuedMessage>;

  /**
   * Claims up to `limit` due messages (next attempt at or before `now`, no lease or an expired
   * one) for `owner` until `now + leaseMs`, oldest due first. A message is claimed by at most one
   * owner at a time across every node (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer).
   */
  claimQueuedMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<QueuedMessage[]>;

  /**
   * Records an attempt of a message `owner` has claimed and ends the lease: the given recipients
   * take their new state (attempts + 1 each), the message's attempts + 1. When no recipient is
   * left pending or deferred, the message leaves the queue ('done', its blob released).
   * 'lost' when the message is gone or claimed by someone else (the lease ran out): nothing is written.
   */
  completeQueueAttempt(id: string, owner: string, attempt: QueueAttempt): Promise<'done' | 'kept' | 'lost'>;

  /** Every queued message with its recipients, by id. */
  listQueue(): Promise<QueuedMessage[]>;
  /** One queued message, or null. */
  getQueuedMessage(id: string): Promise<QueuedMessage | null>;
  /**
   * Makes a message due at `now` (`hearth queue retry`); its failed recipients stay failed.
   * False when there is no such message.
   */
  retryQueuedMessage(id: string, now: number): Promise<boolean>;
  /** Removes a message without delivering it (no DSN), releasing its blob. False when absent. */
  deleteQueuedMessage(id: string): Promise<boolean>;
  /** Messages in the queue and their recipients still to deliver (metrics). */
  queueStats(): Promise<{ messages: number; recipients: number }>;
}
