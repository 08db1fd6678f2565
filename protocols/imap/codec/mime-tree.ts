// The MIME tree the composer turns into BODYSTRUCTURE and ENVELOPE (RFC 9051 §7.5.2). The store
// caches one of these per message (parsed once at delivery); the codec only reads it.

/** One mailbox address; `name` is the raw phrase (encoded words kept as sent). */
export interface Address {
  name: string | null;
  /** Source route, obsolete (RFC 9051 §7.5.2 `addr-adl`); almost always null. */
  adl?: string | null;
  mailbox: string | null;
  host: string | null;
}

/** An RFC 5322 group ("undisclosed-recipients:;"), written as start and end markers. */
export interface AddressGroup { group: string; members: Address[] }

export type AddressEntry = Address | AddressGroup;

/** Envelope fields as raw header values (no decoding: RFC 9051 §7.5.2 "ENVELOPE"). */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: AddressEntry[];
  /** Empty means absent: the composer then uses `from` (RFC 9051 §7.5.2). */
  sender: AddressEntry[];
  replyTo: AddressEntry[];
  to: AddressEntry[];
  cc: AddressEntry[];
  bcc: AddressEntry[];
  inReplyTo: string | null;
  messageId: string | null;
}

export interface Disposition { type: string; params: Array<[string, string]> }

export interface MimeNode {
  /** Lower or upper case as sent; the composer does not change case (clients compare case-insensitively). */
  type: string;
  subtype: string;
  /** Content-Type parameters in order (charset, boundary, name ...), values decoded of RFC 2231 continuations. */
  params: Array<[string, string]>;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding; "7BIT" when absent. */
  encoding: string;
  /** Body size in octets, as transferred (encoded). */
  size: number;
  /** Body lines, for text/* and message/rfc822 parts. */
  lines?: number;
  md5?: string | null;
  disposition?: Disposition | null;
  language?: string[] | null;
  location?: string | null;
  /** multipart/* children, in order. */
  children?: MimeNode[];
  /** message/rfc822 (and message/global): the embedded message's envelope and body. */
  message?: { envelope: Envelope; body: MimeNode };
}
