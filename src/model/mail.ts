/**
 * Plain mail types shared by the store, the delivery pipeline and every mail protocol (IMAP,
 * ActiveSync email, SMTP). No behaviour lives here.
 */

import type { FolderRole } from './types.js';

/** IMAP system flags (RFC 9051 §2.3.2). Keywords are any other atom, stored as given. */
export const SEEN = '\\Seen';
export const FLAGGED = '\\Flagged';
export const ANSWERED = '\\Answered';
export const DELETED = '\\Deleted';
export const DRAFT = '\\Draft';
/** RFC 5788 registered keyword; ActiveSync LastVerbExecuted=Forward maps to it. */
export const FORWARDED = '$Forwarded';
export const SYSTEM_FLAGS = [SEEN, FLAGGED, ANSWERED, DELETED, DRAFT] as const;

/** One address of an address header, as RFC 3501 ENVELOPE needs it: name raw (may hold encoded words). */
export interface MailAddress {
  /** Display name exactly as in the header (encoded words kept, quotes removed); null when absent. */
  name: string | null;
  /** addr-spec; null for the start or end of an RFC 5322 group (then `group` names it). */
  address: string | null;
  /** Set on group markers only (RFC 3501 §7.4.2 group syntax). */
  group?: string;
  /** Obsolete source route of the angle-addr (RFC 5322 §4.4 obs-route, e.g. "@a,@b"); IMAP's addr-adl. */
  route?: string;
}

/** RFC 3501 §7.4.2 ENVELOPE fields, raw header values (unfolded) as IMAP must send them. */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: MailAddress[];
  sender: MailAddress[];
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  inReplyTo: string | null;
  messageId: string | null;
}

/** Content-Disposition (RFC 2183) as BODYSTRUCTURE carries it. */
export interface Disposition { type: string; params: Record<string, string> }

/**
 * One MIME part, BODYSTRUCTURE-grade (RFC 9051 §7.5.2), with byte offsets into the original
 * message so that BODY[1.2], BODY[1.2.MIME] and an ActiveSync attachment fetch read a slice of the
 * blob and never re-parse the message.
 */
export interface MimePart {
  /** IMAP section number: '' for the message itself, '1', '1.2', ... (RFC 9051 §6.4.5). */
  part: string;
  /** Lower-case media type and subtype; 'text'/'plain' when the header is absent (RFC 2045 §5.2). */
  type: string;
  subtype: string;
  /** Content-Type parameters, names lower-case, values decoded (RFC 2231 continuations joined). */
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding, lower-case; '7bit' when absent. */
  encoding: string;
  /** Size of the encoded body in octets. */
  size: number;
  /** Body lines, for text/* and message/rfc822 (RFC 9051 §7.5.2); null otherwise. */
  lines: number | null;
  md5: string | null;
  disposition: Disposition | null;
  language: string[] | null;
  location: string | null;
  /** Decoded file name (disposition filename or type name parameter); null when none. */
  filename: string | null;
  /** Offsets into the original bytes: [headerStart, bodyStart) is the header block incl. the blank line. */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Sub-parts of a multipart. */
  children?: MimePart[];
  /** For message/rfc822: the embedded message's envelope and structure (its part is the top node). */
  message?: { envelope: Envelope; body: MimePart };
}

/** Everything extracted once at delivery, stored beside the blob. */
export interface ParsedMessage {
  envelope: Envelope;
  mime: MimePart;
  /** Plain-text preview, at most MAIL_LIMITS.previewChars characters, whitespace collapsed. */
  preview: string;
  /** Decoded subject and first From, for listings. */
  subject: string;
  from: string;
  /** Message-ID without angle brackets; null when absent. */
  messageId: string | null;
  inReplyTo: string | null;
  /** References ids in order, without angle brackets. */
  references: string[];
  /** Date header as epoch ms, when parseable. */
  date: number | null;
  hasAttachments: boolean;
  size: number;
}

/** A message in a folder: the item plus its parsed metadata. */
export interface MailMessage {
  itemId: number;
  accountId: number;
  folderId: number;
  /** IMAP UID in the folder (RFC 9051 §2.3.1.1). */
  uid: number;
  /** Per-account modseq of the last change (CONDSTORE MODSEQ, ActiveSync change detection). */
  modseq: number;
  /** One flag state for every protocol: IMAP spelling; \Seen is ActiveSync Read, \Flagged its Flag. */
  flags: string[];
  /** IMAP INTERNALDATE, epoch ms. */
  internalDate: number;
  size: number;
  blobHash: string;
  /** ActiveSync ConversationId: 32 lower-case hex digits (16 bytes). */
  threadId: string;
  parsed: ParsedMessage;
}

/** A message without its parsed metadata: what SELECT, FETCH FLAGS and Sync bookkeeping need. */
export type MessageState = Omit<MailMessage, 'parsed'>;

/** A message to append: the original bytes and what the parser made of them. */
export interface NewMessage {
  bytes: Uint8Array;
  parsed: ParsedMessage;
  flags?: string[];
  /** Defaults to now. */
  internalDate?: number;
}

/**
 * Where one copy of a delivered message goes: a mail folder by id, or by role: the account's
 * first mail folder (by id) with that role, else its inbox, found inside the delivery's own
 * transaction (SMTP delivery does not read the folder beforehand).
 */
export type DeliveryTarget =
  | { accountId: number; folderId: number; flags?: string[] }
  | { accountId: number; role: FolderRole; flags?: string[] };

export interface DeliveryResult {
  /** Each copy written, with the role of its folder (a role target may have fallen back to the inbox). */
  delivered: { accountId: number; folderId: number; itemId: number; uid: number; role: FolderRole | null }[];
  /** Targets refused for quota (user or domain, bytes or messages); nothing of them was written. */
  overQuota: number[];
  /** Accounts whose usage crossed MAIL_LIMITS.quotaWarnRatio with this delivery. */
  crossedWarning: number[];
}

/** UIDPLUS COPYUID/MOVE result (RFC 4315 §3). */
export interface UidMapping { uidValidity: number; pairs: [source: number, target: number][] }

export interface FlagChange { uid: number; itemId: number; flags: string[]; modseq: number }

export interface MailChanges {
  /** Messages created or changed after the modseq, in modseq order. */
  changed: MailMessage[];
  /** UIDs expunged or moved out after the modseq (QRESYNC VANISHED). */
  vanished: number[];
  modseq: number;
}

export interface MailboxStatus {
  messages: number;
  unseen: number;
  bytes: number;
  uidNext: number;
  uidValidity: number;
  highestModseq: number;
}

export interface QuotaUsage {
  bytes: number;
  messages: number;
  quotaBytes: number | null;
  quotaMessages: number | null;
  domain: { bytes: number; messages: number; quotaBytes: number | null; quotaMessages: number | null };
}
