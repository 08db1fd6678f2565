// IMAP URLs of a message or message part (RFC 5092 §6, `imessagepart`), as CATENATE's URL parts
// name them (RFC 4469 §5): "/INBOX;UIDVALIDITY=785799047/;UID=113/;SECTION=1.2/;PARTIAL=0.1024",
// relative to the server, or absolute ("imap://user@host/..."). Percent-escapes are decoded as
// UTF-8 (RFC 5092 §3.1); the section uses the FETCH section grammar (RFC 9051 §6.4.5).
import { Cursor } from './cursor.js';
import { ImapCodecError } from './errors.js';
import { readSection } from './parse-fetch.js';
import type { Partial as ByteWindow, Section } from './fetch-types.js';

export interface ImapMessageUrl {
  /** The user of an absolute URL's authority (`iuserinfo`), decoded; undefined when absent. */
  user?: string;
  /** The mailbox name, decoded (UTF-8). */
  mailbox: string;
  uidValidity?: number;
  uid: number;
  section?: Section;
  partial?: ByteWindow;
}

function decodePercent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const NZ_NUMBER = /^[1-9][0-9]{0,15}$/;
const NUMBER = /^[0-9]{1,16}$/;

/** The URL's parts, or null when it is not an IMAP URL of one message (or part) this parser reads. */
export function parseImapMessageUrl(url: string): ImapMessageUrl | null {
  let path = url;
  let user: string | undefined;
  const absolute = /^imap:\/\/([^/]*)(\/.*)$/i.exec(url);
  if (absolute) {
    // iserver = [iuserinfo "@"] host [":" port]; iuserinfo = enc-user [iauth] / [enc-user] iauth
    const at = absolute[1].lastIndexOf('@');
    if (at >= 0) {
      const who = decodePercent(absolute[1].slice(0, at).replace(/;auth=.*$/i, ''));
      if (who === null) return null;
      if (who !== '') user = who;
    }
    path = absolute[2];
  } else if (!path.startsWith('/')) {
    return null;
  }
  const segments = path.slice(1).split('/;');
  // imailbox-ref = enc-mailbox [";UIDVALIDITY=" nz-number]
  const ref = /^(.*?)(?:;uidvalidity=([^/;]*))?$/i.exec(segments[0])!;
  const mailbox = decodePercent(ref[1]);
  if (mailbox === null || mailbox === '') return null;
  const out: Partial<ImapMessageUrl> = { user, mailbox };
  if (ref[2] !== undefined) {
    if (!NZ_NUMBER.test(ref[2])) return null;
    out.uidValidity = Number(ref[2]);
  }
  // "/;UID=n" then optionally "/;SECTION=s" then "/;PARTIAL=o[.l]", in that order.
  const order = ['uid', 'section', 'partial'];
  let last = -1;
  for (const segment of segments.slice(1)) {
    const eq = segment.indexOf('=');
    const name = segment.slice(0, eq).toLowerCase();
    const value = segment.slice(eq + 1);
    const index = order.indexOf(name);
    if (eq <= 0 || index <= last) return null;
    last = index;
    if (name === 'uid') {
      if (!NZ_NUMBER.test(value)) return null;
      out.uid = Number(value);
    } else if (name === 'section') {
      const text = decodePercent(value);
      if (text === null || text === '') return null;
      try {
        const c = new Cursor(Buffer.from(`[${text}]`, 'utf8'));
        out.section = readSection(c);
        if (!c.atEnd()) return null;
      } catch (e) {
        if (e instanceof ImapCodecError) return null;
        throw e;
      }
    } else {
      const [offset, length] = value.split('.');
      if (!NUMBER.test(offset) || (length !== undefined && !NZ_NUMBER.test(length))) return null;
      out.partial = { offset: Number(offset), length: length === undefined ? Number.MAX_SAFE_INTEGER : Number(length) };
    }
  }
  if (out.uid === undefined) return null;
  return out as ImapMessageUrl;
}
