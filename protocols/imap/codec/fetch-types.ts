// FETCH data items as requested (RFC 9051 §6.4.5; BINARY from RFC 3516 §4.1; MODSEQ and
// CHANGEDSINCE from RFC 7162 §3.1.4).

/** BODY[section] text part after the part numbers (RFC 9051 §6.4.5 `section-text`). */
export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface Section {
  /** Part numbers "1.2.3"; empty for the whole message. */
  part: number[];
  text?: SectionText;
  /** Header field names for HEADER.FIELDS[.NOT], upper-cased. */
  fields?: string[];
}

export interface Partial { offset: number; length: number }

export type FetchItem =
  | { item: 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE' | 'RFC822.TEXT' | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE' | 'PREVIEW' }
  /** BODY[section]<partial> and BODY.PEEK[...] (peek: do not set \Seen). */
  | { item: 'BODY[]'; peek: boolean; section: Section; partial?: Partial }
  /** BINARY[part]<partial>, BINARY.PEEK (RFC 3516 §4.1.1). */
  | { item: 'BINARY[]'; peek: boolean; part: number[]; partial?: Partial }
  | { item: 'BINARY.SIZE[]'; part: number[] };

export interface FetchModifiers {
  changedSince?: number;
  /** QRESYNC VANISHED modifier (RFC 7162 §3.2.6), only with UID FETCH and CHANGEDSINCE. */
  vanished: boolean;
}
