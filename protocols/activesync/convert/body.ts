/**
 * AirSyncBase:Body ([MS-ASAIRS] 2.2.2.9) for PIM items, protocol 12.1 and later.
 * The store keeps plain text (DESCRIPTION / NOTE); HTML is produced from it on request and
 * HTML from a device is reduced to text. RTF (3) and MIME (4) are answered with plain text.
 */
import { el, type WbxmlElement } from '../wbxml/types.js';
import { find, get } from './util.js';

export const BODY_PLAIN = 1;
export const BODY_HTML = 2;

/** The text of an incoming Body (AirSyncBase, or the element found without namespace). */
export function readBody(appData: WbxmlElement[]): string | undefined {
  const body = find(appData, 'Body', 'AirSyncBase') ?? find(appData, 'Body');
  if (!body) return undefined;
  if (body.children.length === 0) return (body.text ?? '').replace(/\r\n?/g, '\n');
  // Line ends are CRLF on the wire, LF in the store (RFC 5545 TEXT escapes a newline as \n).
  const data = (get(body.children, 'Data') ?? '').replace(/\r\n?/g, '\n');
  const type = Number(get(body.children, 'Type') ?? BODY_PLAIN);
  return type === BODY_HTML ? htmlToText(data) : data;
}

/**
 * The Body element for `text`, honouring BodyPreference: Type, EstimatedDataSize (bytes of
 * the whole body), Truncated and Data cut at TruncationSize bytes on a character boundary.
 */
export function writeBody(text: string | null | undefined, pref?: { type: number; truncationSize?: number }): WbxmlElement | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  const type = pref?.type === BODY_HTML ? BODY_HTML : BODY_PLAIN;
  const full = type === BODY_HTML ? textToHtml(text) : text.replace(/\r?\n/g, '\r\n');
  const size = Buffer.byteLength(full);
  const limit = pref?.truncationSize;
  const truncated = limit !== undefined && limit >= 0 && size > limit;
  const data = truncated ? truncateUtf8(full, limit) : full;
  return el('AirSyncBase', 'Body', [
    el('AirSyncBase', 'Type', String(type)),
    el('AirSyncBase', 'EstimatedDataSize', String(size)),
    ...(truncated ? [el('AirSyncBase', 'Truncated', '1')] : []),
    el('AirSyncBase', 'Data', data),
  ]);
}

/** The longest prefix of `s` within `maxBytes` of UTF-8, cut on a character boundary (linear). */
export function truncateUtf8(s: string, maxBytes: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  let end = Math.max(0, maxBytes);
  // Back off continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

function textToHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>\r\n');
  return `<html><body>${esc}</body></html>`;
}

/**
 * Plain text of an HTML body: scripts and styles dropped, line breaks for <br> and the ends of
 * blocks, other tags removed, the common entities decoded. One left-to-right pass with indexOf:
 * lazy and negated-class regexes over the whole body were quadratic on unclosed tags (a 640 KB
 * body of "<script>" took 42 s), and the body comes from the client.
 */
export function htmlToText(html: string): string {
  // ASCII-only lower case keeps every index valid (String#toLowerCase may change lengths).
  const lower = html.replace(/[A-Z]+/g, (c) => c.toLowerCase());
  const out: string[] = [];
  const unclosed = new Set<string>(); // a block with no closing tag after some point has none later either
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) { out.push(html.slice(i)); break; }
    out.push(html.slice(i, lt));
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) { out.push(html.slice(lt)); break; } // no tag ends: the rest is text
    if (gt === lt + 1) { out.push('<>'); i = gt + 1; continue; }
    const closing = html[lt + 1] === '/';
    const name = /^[a-z0-9]*/.exec(lower.slice(lt + (closing ? 2 : 1), Math.min(gt, lt + 12)))![0];
    i = gt + 1;
    if (!closing && (name === 'script' || name === 'style') && !unclosed.has(name)) {
      const close = lower.indexOf(`</${name}>`, i);
      if (close >= 0) { i = close + name.length + 3; continue; }
      unclosed.add(name);
    }
    if ((!closing && name === 'br') || (closing && BLOCK_ENDS.has(name))) out.push('\n');
  }
  return out.join('')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const BLOCK_ENDS = new Set(['p', 'div', 'li', 'tr']);
