import type {
  DeliveryResult, DeliveryTarget, FlagChange, MailChanges, MailMessage, MailboxStatus, MessageState, NewMessage, ParsedMessage,
  QuotaUsage, UidMapping,
} from '../model/mail.js';
import type { Folder, FolderRole } from '../model/types.js';
import type { Changes } from './changes.js';

/** How a STORE changes flags (RFC 9051 §6.4.6): replace, add to or remove from the current set. */
export type FlagOperation = 'set' | 'add' | 'remove';

export interface DeliverMessageOptions {
  /** IMAP INTERNALDATE of the copies; default now. */
  internalDate?: number;
  /** Share of a quota whose crossing is reported in `crossedWarning`; default 0.9. */
  warnRatio?: number;
  /** For the mail system's own notices (the quota warning itself): deliver even over quota. */
  ignoreQuota?: boolean;
}

export interface ListMessagesOptions {
  /** Inclusive UID range; omitted bounds are open. */
  uidFrom?: number;
  uidTo?: number;
  /** At most this many, lowest UIDs first. */
  limit?: number;
}

/**
 * The mail half of the store: messages are items of mail folders (the item keeps blob, size,
 * flags, IMAP UID, modseq; a `messages` row keeps what the parser extracted). Every write here
 * uses the store's one change tracking, so IMAP CONDSTORE/QRESYNC, ActiveSync Sync and Ping and
 * IDLE all see it. Quota is counted in bytes and messages for the account and its domain (the
 * domain's limits are `settings.quotaBytes` and `settings.quotaMessages`, null or absent for none).
 *
 * Callers must change a message's flags through these methods (not updateItem), so that the
 * indexed \Seen, \Flagged and \Deleted columns stay in step with the flags.
 */
export interface MailStore {
  /**
   * Appends messages to one mail folder in one transaction (IMAP APPEND, MULTIAPPEND, migration):
   * all or nothing. Throws QuotaExceeded (user or domain, bytes or messages) with nothing
   * written, NotFound for a missing folder, Invalid for a folder that is not a mail folder.
   * Returns the messages in order, with their new UIDs.
   */
  appendMessages(folderId: number, messages: NewMessage[]): Promise<MailMessage[]>;

  /**
   * Delivers one message to many folders (normally the recipients' inboxes): the bytes are stored
   * once as one blob, and every copy is inserted in ONE transaction; resolves only after commit.
   * A target over its quota is skipped and reported in `overQuota` (nothing of it written) while
   * the others are delivered; `crossedWarning` names the accounts that crossed the warning ratio.
   * A target by role goes to the account's first mail folder with that role, else its inbox
   * (found in the same transaction); NotFound when there is neither. Each delivered copy names
   * its folder and that folder's role.
   */
  deliverMessage(targets: DeliveryTarget[], bytes: Uint8Array, parsed: ParsedMessage,
    opts?: DeliverMessageOptions): Promise<DeliveryResult>;

  /** The message of an item, or null when it is not a message. */
  getMessage(itemId: number): Promise<MailMessage | null>;
  getMessageByUid(folderId: number, uid: number): Promise<MailMessage | null>;
  /** Messages of the folder in UID order. */
  listMessages(folderId: number, opts?: ListMessagesOptions): Promise<MailMessage[]>;
  /**
   * The same messages without their parsed metadata (no envelope or MIME tree is read or
   * decoded): an IMAP SELECT's UID map, FETCH FLAGS, ActiveSync bookkeeping over large folders.
   */
  listMessageStates(folderId: number, opts?: ListMessagesOptions): Promise<MessageState[]>;

  /**
   * Bytes of the message, or of [start, end) of it (part offsets from `parsed.mime`); null when
   * the item is not a message. Offsets are clamped to the message.
   */
  readMessageBytes(itemId: number, range?: { start: number; end: number }): Promise<Buffer | null>;

  /**
   * Changes the flags of the given UIDs of the folder, each message with its own new modseq.
   * With `unchangedSince` (RFC 7162 §3.1.3) a message whose modseq is higher is left alone and
   * its UID is returned in `modified`. Messages whose flags do not change keep their modseq and are
   * not in `changed`. When `changed` is not empty, `priorModseq` is the folder's content modseq
   * (its HIGHESTMODSEQ) just before this change, read under the lock that orders the account's
   * writes: a reader whose view of the folder was current at that modseq is current up to the
   * highest modseq in `changed` once it has applied `changed` (IMAP skips its change check).
   * With `changesSince`, `changes` is `changesSince(folderId, changesSince, 1000, { withoutContent:
   * true })` read under that lock just before the change (so its `modseq` is `priorModseq` unless
   * `more`): IMAP's change check after STORE, read in the STORE's first round trip on PostgreSQL.
   */
  storeFlags(folderId: number, uids: number[], op: FlagOperation, flags: string[], opts?: { unchangedSince?: number; changesSince?: number }):
    Promise<{ changed: FlagChange[]; modified: number[]; priorModseq?: number; changes?: Changes }>;

  /** Copies (new UIDs in the target; flags and internal date kept; quota-checked, all or nothing). */
  copyMessages(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping>;
  /** Moves within the account (RFC 6851): new UIDs in the target, the source UIDs vanish. */
  moveMessages(fromFolderId: number, uids: number[], toFolderId: number): Promise<UidMapping>;
  /**
   * Removes messages for good (tombstones keep their UIDs for VANISHED). Without `uids`, every
   * message flagged \Deleted (RFC 9051 §6.4.3); with `uids`, those of them flagged \Deleted
   * (UID EXPUNGE, RFC 4315 §2.1). Returns the expunged UIDs in ascending order.
   */
  expungeMessages(folderId: number, uids?: number[]): Promise<number[]>;

  /** Messages changed and UIDs vanished in the folder after `modseq` (CONDSTORE/QRESYNC, Sync). */
  mailChangesSince(folderId: number, modseq: number): Promise<MailChanges>;
  /** STATUS-grade counters of a mail folder. */
  mailboxStatus(folderId: number): Promise<MailboxStatus>;
  /** Usage and limits of the account and its domain (RFC 9208 QUOTA, SMTP 452 decisions). */
  quotaUsage(accountId: number): Promise<QuotaUsage>;

  /** Mail folders: Conflict when a sibling has the name, or the role is taken in the account. */
  createMailFolder(accountId: number, name: string, opts?: { parentId?: number | null; role?: FolderRole | null }): Promise<Folder>;
  /** Renames or re-parents a mail folder; UIDVALIDITY and UIDs stay. Conflict on a sibling name. */
  renameMailFolder(folderId: number, name: string, parentId?: number | null): Promise<Folder>;
  /** Deletes a mail folder, its subfolders and messages (quota released). Invalid for the inbox. */
  deleteMailFolder(folderId: number): Promise<void>;
}
