/**
 * The archive's slice of the Store (issue 10 item 10): a compressed copy of every message
 * received or sent, indexed so that an administrator can find one (`hearth archive search`).
 * Kept apart from users' mailboxes: deleting mail, folders or accounts leaves the archive as it
 * is, and no quota counts it. src/mail/archive/ compresses and extracts the index fields.
 */

export type ArchiveDirection = 'in' | 'out';

export interface ArchiveRecord {
  id: number;
  /** Epoch milliseconds. */
  archivedAt: number;
  /** The UTC day of archivedAt, YYYY-MM-DD: the partition it belongs to. */
  day: string;
  direction: ArchiveDirection;
  /** Envelope sender, lower-case; '' for the null sender. */
  mailFrom: string;
  /** Envelope recipients, lower-case. */
  rcptTo: string[];
  /** From header addresses, lower-case, space-separated. */
  headerFrom: string;
  /** To and Cc header addresses, lower-case, space-separated. */
  headerTo: string;
  /** Decoded Subject ('' when absent). */
  subject: string;
  /** Message-ID without angle brackets, or null. */
  messageId: string | null;
  /** Size of the original message in bytes, and of the compressed copy. */
  size: number;
  storedSize: number;
}

export type NewArchiveRecord = Omit<ArchiveRecord, 'id' | 'day' | 'storedSize'>;

export interface ArchiveQuery {
  /** archivedAt >= since, < until (epoch ms). */
  since?: number;
  until?: number;
  /** Case-insensitive substring of the envelope sender or the From header. */
  from?: string;
  /** Case-insensitive substring of an envelope recipient or the To/Cc header. */
  to?: string;
  /** Case-insensitive substring of the subject. */
  subject?: string;
  /** Exact Message-ID, with or without angle brackets. */
  messageId?: string;
  direction?: ArchiveDirection;
  /** At most this many records, newest first; default 100, at most 10,000. */
  limit?: number;
}

export interface ArchiveStore {
  /**
   * Stores one archived message: `compressed` (the gzip of the original bytes) as a blob and its
   * index row, in one transaction. Returns the record with its id and day.
   */
  archiveMessage(record: NewArchiveRecord, compressed: Uint8Array): Promise<ArchiveRecord>;
  /** Records matching every given criterion, newest first (see ArchiveQuery). */
  searchArchive(query: ArchiveQuery): Promise<ArchiveRecord[]>;
  /** One record and its compressed bytes, or null when there is no such id. */
  getArchived(id: number): Promise<{ record: ArchiveRecord; compressed: Buffer } | null>;
  /** Deletes every record of a day before `day` (YYYY-MM-DD, UTC) and releases its bytes; returns how many. */
  purgeArchive(beforeDay: string): Promise<number>;
}
