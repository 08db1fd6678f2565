// What `parseCommand` returns: one variant per command of RFC 9051 §6 and the extensions Hearth
// plans to serve, with arguments already in structured form.
import type { SequenceSet } from './sequence-set.js';
import type { FetchItem, FetchModifiers } from './fetch-types.js';
import type { SearchKey, SearchReturn } from './search-types.js';

/** Mailbox names exactly as sent (modified UTF-7, or UTF-8 under UTF8=ACCEPT): see mutf7.ts. */
export type MailboxName = string;

export interface SelectParams { condstore: boolean; qresync?: QresyncParams }
/** RFC 7162 §3.2.5: QRESYNC (uidvalidity modseq [known-uids [(seq-match-data)]]). */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids?: SequenceSet;
  seqMatch?: { seqs: SequenceSet; uids: SequenceSet };
}

export interface ListSelection {
  subscribed: boolean; remote: boolean; recursiveMatch: boolean; specialUse: boolean;
}
export interface ListReturn {
  subscribed: boolean; children: boolean; specialUse: boolean; status?: string[];
}

/** One part of CATENATE (RFC 4469 §5): literal text, or an IMAP URL of a message or section. */
export type CatenatePart = { text: Buffer; binary: boolean } | { url: string };

export type AppendMessage = {
  flags: string[];
  /** From the optional date-time argument; undefined means "now" (RFC 9051 §6.3.12). */
  internalDate?: Date;
} & (
  | {
      message: Buffer;
      /** Sent as literal8 "~{n}" (RFC 3516 §4.2): the server must accept 8-bit/binary content. */
      binary: boolean;
      catenate?: undefined;
    }
  /** The message is built from parts on the server (RFC 4469). */
  | { catenate: CatenatePart[]; message?: undefined; binary?: undefined }
);

export type StoreOperation = 'set' | 'add' | 'remove';

export type CommandArgs =
  | { command: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE' }
  | { command: 'EXPUNGE'; uids?: SequenceSet }
  | { command: 'LOGIN'; user: string; password: string }
  | { command: 'AUTHENTICATE'; mechanism: string; initialResponse?: string }
  | { command: 'ENABLE'; capabilities: string[] }
  | { command: 'COMPRESS'; mechanism: string }
  | { command: 'CANCELUPDATE'; tags: string[] }
  | { command: 'ID'; params: Array<[string, string | null]> | null }
  | { command: 'SELECT' | 'EXAMINE'; mailbox: MailboxName; params: SelectParams }
  | { command: 'CREATE'; mailbox: MailboxName; specialUse: string[] }
  | { command: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT'; mailbox: MailboxName }
  | { command: 'GETQUOTA'; root: string }
  | { command: 'RENAME'; from: MailboxName; to: MailboxName }
  | { command: 'LIST'; reference: string; patterns: string[]; selection: ListSelection; return: ListReturn }
  | { command: 'LSUB'; reference: string; pattern: string }
  | { command: 'STATUS'; mailbox: MailboxName; items: string[] }
  | { command: 'APPEND'; mailbox: MailboxName; messages: AppendMessage[] }
  | { command: 'SEARCH'; charset?: string; key: SearchKey; return?: SearchReturn }
  | { command: 'SORT'; criteria: Array<{ key: string; reverse: boolean }>; charset: string; key: SearchKey; return?: SearchReturn }
  | { command: 'THREAD'; algorithm: string; charset: string; key: SearchKey }
  | { command: 'FETCH'; set: SequenceSet; items: FetchItem[]; modifiers: FetchModifiers }
  | { command: 'STORE'; set: SequenceSet; operation: StoreOperation; silent: boolean; flags: string[]; unchangedSince?: number }
  | { command: 'COPY' | 'MOVE'; set: SequenceSet; mailbox: MailboxName };

/** A parsed command: its tag, whether it came as "UID <command>", and its arguments. */
export type ImapCommand = CommandArgs & { tag: string; uid: boolean };
