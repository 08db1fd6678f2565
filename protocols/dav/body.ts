/**
 * Request bodies (DESIGN "Bad input"): how many bytes each request may send, decided before a
 * byte is read, and how an XML body becomes text (XML 1.0 §4.3.3, RFC 7303 §3).
 *
 * Limits, per method and target:
 *  - XML methods (PROPFIND, PROPPATCH, REPORT, LOCK, MKCOL, MKCALENDAR, ACL, POST) and anything
 *    else that carries no resource: XML_BODY_LIMIT, 413 when over.
 *  - PUT into calendars / address books: the effective max-resource-size, 403 with
 *    CALDAV:max-resource-size / CARDDAV:max-resource-size (RFC 4791 §5.3.2.1, RFC 6352 §6.3.2.1),
 *    also when the declared Content-Length alone is too much.
 *  - PUT into the file space: the owner's remaining quota (507 DAV:quota-not-exceeded, RFC 4331
 *    §6) and never more than FILE_HARD_LIMIT (413). These bodies are streamed to blob storage,
 *    never held in memory.
 */
import type { Account } from '../../src/model/types.js';
import { MAX_OBJECT_BYTES } from '../../src/pim/parse.js';
import type { DavRequest, DavServices } from './request.js';
import { header } from './request.js';
import { DavError, C, badRequest } from './errors.js';
import { parseXml, XmlError, DEFAULT_LIMITS, type XmlElement } from './xml/parser.js';

/** Largest XML request body, in bytes as sent, and largest XML document, as UTF-8. */
export const XML_BODY_LIMIT = 1024 * 1024;
/** Largest file PUT, whatever the quota says. */
export const FILE_HARD_LIMIT = 1024 * 1024 * 1024;

/** max-resource-size as enforced: the setting, but never more than the iCalendar/vCard parser takes. */
export function maxResourceSize(svc: DavServices): number {
  return Math.min(svc.ctx.settings.dav.maxResourceSize, MAX_OBJECT_BYTES);
}

export interface BodyLimit {
  bytes: number;
  /** The answer when the body (declared or received) is longer than `bytes`. */
  refuse: () => DavError;
  /**
   * File PUTs: the body is not read into memory but handed to the handler as a stream, which
   * writes it to blob storage as it arrives (Store.putBlobStream), so that a 1 GiB upload costs
   * a chunk of memory, not two copies of itself (issue 8.3).
   */
  stream?: boolean;
}

const tooLarge = (): DavError => new DavError(413);

/**
 * The bound for one request, from its method and (for PUT) its target. `resolveFile` is asked
 * only for PUT into the file space and gives the owner and the size of the resource replaced.
 */
export async function bodyLimit(
  svc: DavServices,
  method: string,
  segments: string[],
  resolveFile: () => Promise<{ owner: Account; replaced: number } | null>,
): Promise<BodyLimit> {
  if (method !== 'PUT' || segments[0] !== 'dav') return { bytes: XML_BODY_LIMIT, refuse: tooLarge };
  const area = segments[1];
  if (area === 'calendars') return { bytes: maxResourceSize(svc), refuse: () => new DavError(403, C.maxResourceSize()) };
  if (area === 'addressbooks') return { bytes: maxResourceSize(svc), refuse: () => new DavError(403, C.maxResourceSizeCard()) };
  if (area !== 'files') return { bytes: XML_BODY_LIMIT, refuse: tooLarge };
  const target = await resolveFile().catch(() => null);
  const quota = target?.owner.quotaBytes ?? null;
  if (target && quota !== null) {
    const remaining = Math.max(0, quota - (await svc.ctx.store.accountUsage(target.owner.id)).bytes + target.replaced);
    if (remaining < FILE_HARD_LIMIT) return { bytes: remaining, refuse: () => new DavError(507, C.quotaNotExceeded()), stream: true };
  }
  return { bytes: FILE_HARD_LIMIT, refuse: tooLarge, stream: true };
}

/**
 * The body as XML text. The encoding comes from the byte order mark, else the charset parameter,
 * else the XML declaration, else UTF-8 (RFC 7303 §3.2, §3.3; XML 1.0 Appendix F). UTF-8 and
 * UTF-16 (XML 1.0 §4.3.3) are decoded, as are their subsets US-ASCII and, for old clients,
 * ISO-8859-1; any other charset is 415. Bytes that are not valid in the encoding are 400.
 */
export function xmlText(q: DavRequest): string {
  return decodeXml(q.body, header(q, 'content-type'));
}

type Enc = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

const CHARSETS = new Map<string, Enc | 'utf-16'>([
  ['utf-8', 'utf-8'], ['utf8', 'utf-8'], ['us-ascii', 'utf-8'], ['ascii', 'utf-8'],
  ['utf-16', 'utf-16'], ['utf-16le', 'utf-16le'], ['utf-16be', 'utf-16be'],
  ['iso-8859-1', 'latin1'], ['iso8859-1', 'latin1'], ['latin1', 'latin1'],
]);

export function decodeXml(buf: Buffer, contentType: string | undefined): string {
  let enc: Enc | undefined;
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) { enc = 'utf-8'; start = 3; }
  else if (buf[0] === 0xff && buf[1] === 0xfe) { enc = 'utf-16le'; start = 2; }
  else if (buf[0] === 0xfe && buf[1] === 0xff) { enc = 'utf-16be'; start = 2; }
  if (!enc) {
    const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
    const label = m?.[1].toLowerCase();
    let cs = label ? CHARSETS.get(label) : undefined;
    if (label && !cs) throw new DavError(415);
    if (!cs) {
      // No BOM, no charset: the XML declaration, read as ASCII (XML 1.0 Appendix F).
      const decl = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(buf.subarray(0, 256).toString('latin1'));
      const declared = decl?.[1].toLowerCase();
      cs = declared ? CHARSETS.get(declared) : 'utf-8';
      if (!cs) throw new DavError(415);
      // UTF-16 must start with a byte order mark when nothing outside says so (XML 1.0 §4.3.3).
      if (cs === 'utf-16' || cs === 'utf-16le' || cs === 'utf-16be') throw badRequest('UTF-16 without byte order mark');
    }
    // charset=utf-16 without a BOM: big-endian by RFC 2781 §4.3, unless the first character
    // ('<' or whitespace, both below U+0100) shows the order.
    enc = cs === 'utf-16' ? (buf.length >= 2 && buf[0] !== 0 && buf[1] === 0 ? 'utf-16le' : 'utf-16be') : cs;
  }
  const bytes = buf.subarray(start);
  if (enc === 'latin1') return bytes.toString('latin1');
  try {
    // fatal: invalid UTF-8, an odd UTF-16 length or a lone surrogate is an error, not U+FFFD.
    return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw badRequest(`body is not valid ${enc}`);
  }
}

/** An XML document's parse limits: no bigger, as UTF-8, than a body may be. */
const LIMITS = { ...DEFAULT_LIMITS, maxBytes: XML_BODY_LIMIT };

/** Parses XML text; the parser's `too-large` is 413, every other refusal 400. */
export function parseXmlText(text: string): XmlElement {
  try {
    return parseXml(text, LIMITS);
  } catch (e) {
    if (e instanceof XmlError) throw e.code === 'too-large' ? new DavError(413, undefined, e.message) : badRequest(e.message);
    throw e;
  }
}

/** The body as an XML document, or null when it is empty (whitespace only). */
export function xmlBody(q: DavRequest): XmlElement | null {
  if (q.body.length === 0) return null;
  const text = xmlText(q);
  if (text.trim() === '') return null;
  return parseXmlText(text);
}
