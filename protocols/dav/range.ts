/**
 * Range requests on files (RFC 9110 §14): one byte range per request. Several ranges would need
 * multipart/byteranges; a server may ignore a Range header (§14.2), and then sends the whole file.
 */
import type { DavRequest } from './request.js';
import { header } from './request.js';

export type RangeChoice =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  /** 416 Range Not Satisfiable, with `Content-Range: bytes *\/size` (§15.5.17). */
  | { kind: 'unsatisfiable' };

/**
 * What to send of a representation `size` bytes long whose strong ETag is `etag`. If-Range
 * (§13.1.5) with anything but that ETag (a date, a weak or an old tag) asks for the whole file.
 */
export function chooseRange(q: DavRequest, size: number, etag: string): RangeChoice {
  const raw = header(q, 'range');
  if (raw === undefined || q.method !== 'GET') return { kind: 'whole' };
  const ifRange = header(q, 'if-range');
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  // §14.1.1: ranges-specifier = range-unit "=" range-set; only the bytes unit is known here.
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(raw);
  if (!m) return { kind: 'whole' };
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // A suffix range: the last N bytes (§14.1.2); N = 0 is unsatisfiable.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'whole' }; // invalid: ignored (§14.1.1)
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}
