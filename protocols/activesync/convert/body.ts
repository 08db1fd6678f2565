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

export function truncateUtf8(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

function textToHtml(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>\r\n');
  return `<html><body>${esc}</body></html>`;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
