// SEARCH keys as a tree (RFC 9051 §6.4.4; MODSEQ from RFC 7162 §3.1.5; RETURN from RFC 4731).
import type { SequenceSet } from './sequence-set.js';

/** A calendar date "1-Feb-1994" as year/month/day, with no time zone (RFC 9051 §6.4.4). */
export interface SearchDate { year: number; month: number; day: number }

export type SearchKey =
  | { op: 'ALL' | 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'NEW' | 'OLD' | 'RECENT' | 'SEEN' | 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN' }
  | { op: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { op: 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO'; value: string }
  | { op: 'HEADER'; field: string; value: string }
  | { op: 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE'; date: SearchDate }
  | { op: 'OLDER' | 'YOUNGER'; seconds: number }
  | { op: 'LARGER' | 'SMALLER'; size: number }
  | { op: 'UID'; set: SequenceSet }
  | { op: 'SEQ'; set: SequenceSet }
  | { op: 'MODSEQ'; modseq: number; entry?: { name: string; type: 'priv' | 'shared' | 'all' } }
  | { op: 'NOT'; key: SearchKey }
  | { op: 'OR'; left: SearchKey; right: SearchKey }
  | { op: 'AND'; keys: SearchKey[] };

/**
 * PARTIAL range (RFC 9394 §3.1): results `from`..`to` counted from 1; negative numbers count
 * from the end ("-1:-100" is the last hundred).
 */
export interface PartialRange { from: number; to: number }

/**
 * ESEARCH result options (RFC 4731 §3.1, RFC 5182 SAVE, RFC 5267 §4.1 UPDATE and CONTEXT (a hint), RFC 9394 PARTIAL);
 * empty means "ALL".
 */
export type SearchReturn = Array<'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'UPDATE' | 'CONTEXT' | { partial: PartialRange }>;
