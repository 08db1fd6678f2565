import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { MailMessage, ParsedMessage } from '../model/mail.js';
import { DELETED, FLAGGED, SEEN, SYSTEM_FLAGS } from '../model/mail.js';
import type { Database, ItemRow } from './schema.js';
import type { MailDatabase, MessageRow } from './mail-schema.js';
import { json } from './rows.js';

export type MailDb = Kysely<Database & MailDatabase>;
export type MailTrx = Transaction<Database & MailDatabase>;

/** The columns of `messages` read beside an item's (all but the duplicated account_id). */
export const MESSAGE_COLUMNS = [
  'messages.item_id', 'messages.internal_date', 'messages.message_id', 'messages.in_reply_to', 'messages.refs',
  'messages.thread_id', 'messages.subject', 'messages.from_addr', 'messages.preview', 'messages.envelope', 'messages.mime',
  'messages.date_header', 'messages.has_attachments', 'messages.seen', 'messages.flagged', 'messages.deleted',
] as const;

export type JoinedRow = ItemRow & Omit<MessageRow, 'account_id'>;

export function toMailMessage(r: JoinedRow): MailMessage {
  const parsed: ParsedMessage = {
    envelope: JSON.parse(r.envelope), mime: JSON.parse(r.mime), preview: r.preview, subject: r.subject, from: r.from_addr,
    messageId: r.message_id, inReplyTo: r.in_reply_to, references: json(r.refs, []),
    date: r.date_header === null ? null : Number(r.date_header), hasAttachments: !!r.has_attachments, size: Number(r.size),
  };
  return {
    itemId: Number(r.id), accountId: Number(r.account_id), folderId: Number(r.folder_id), uid: Number(r.imap_uid),
    modseq: Number(r.modseq), flags: json(r.flags, []), internalDate: Number(r.internal_date), size: Number(r.size),
    blobHash: r.blob_hash!, threadId: r.thread_id, parsed,
  };
}

const CANONICAL = new Map<string, string>(SYSTEM_FLAGS.map((f) => [f.toLowerCase(), f]));

/**
 * One canonical flag list: system flags in their RFC 9051 spelling, keywords as first given,
 * no duplicates (flags compare case-insensitively), \Recent never stored (RFC 9051 drops it).
 */
export function normalizeFlags(flags: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of flags) {
    const key = f.toLowerCase();
    if (!f || key === '\\recent' || seen.has(key)) continue;
    seen.add(key);
    out.push(CANONICAL.get(key) ?? f);
  }
  return out;
}

export function applyFlags(current: readonly string[], op: 'set' | 'add' | 'remove', flags: readonly string[]): string[] {
  const given = normalizeFlags(flags);
  if (op === 'set') return given;
  if (op === 'add') return normalizeFlags([...current, ...given]);
  const drop = new Set(given.map((f) => f.toLowerCase()));
  return current.filter((f) => !drop.has(f.toLowerCase()));
}

export function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => s.has(f.toLowerCase()));
}

/** The indexed flag columns of `messages`, derived from the one flag list. */
export function flagColumns(flags: readonly string[]): { seen: number; flagged: number; deleted: number } {
  return { seen: flags.includes(SEEN) ? 1 : 0, flagged: flags.includes(FLAGGED) ? 1 : 0, deleted: flags.includes(DELETED) ? 1 : 0 };
}

/** A thread id (ActiveSync ConversationId, 16 bytes as hex) for a thread rooted at `rootId`. */
export function threadIdOf(rootId: string): string {
  return createHash('sha256').update(rootId).digest('hex').slice(0, 32);
}
