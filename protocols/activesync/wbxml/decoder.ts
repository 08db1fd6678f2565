/**
 * WBXML 1.3 decoder for ActiveSync ([MS-ASWBXML] 2.1.1; WAP-192-WBXML 5.x).
 *
 * Works on the input bytes with one index; every limit is checked before the work it bounds
 * (input size before anything, string and opaque lengths before decoding or copying, depth and
 * element count as elements open). Strings are decoded with one TextDecoder call each. It throws
 * only WbxmlError.
 */
import { pageTagNames, pageNamespace } from './code-pages.js';
import { WbxmlError } from './errors.js';
import type { WbxmlElement } from './types.js';

export interface WbxmlLimits {
  /** Largest input accepted, in bytes. */
  maxInputBytes: number;
  /** Deepest element nesting (the root is depth 1). */
  maxDepth: number;
  /** Most elements in one document. */
  maxElements: number;
  /** Longest single string (inline or string-table), in bytes. */
  maxStringBytes: number;
  /** Longest single OPAQUE, in bytes. */
  maxOpaqueBytes: number;
  /**
   * Most bytes that string-table references (STR_T) may expand to in one document. Every other
   * string or opaque is a copy of input bytes, so bounded by maxInputBytes; without this, a small
   * document referencing a large table entry many times would decode to gigabytes.
   */
  maxTableTextBytes: number;
}

/** Generous enough for real traffic: a Sync with large bodies, a 40 MB attachment upload. */
export const DEFAULT_LIMITS: Readonly<WbxmlLimits> = Object.freeze({
  maxInputBytes: 50 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 1_000_000,
  maxStringBytes: 50 * 1024 * 1024,
  maxOpaqueBytes: 50 * 1024 * 1024,
  maxTableTextBytes: 1024 * 1024,
});

// WBXML global tokens (WAP-192 7.1)
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const STR_T = 0x83;
const OPAQUE = 0xc3;
const TAG_CONTENT = 0x40;
const TAG_ATTRIBUTES = 0x80;

const CHARSET_UTF8 = 106; // IANA MIBenum
const CHARSET_ASCII = 3;
const CHARSET_UNKNOWN = 0;

// Invalid UTF-8 becomes U+FFFD rather than failing the whole request; the BOM is kept as data.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const GLOBAL_NAMES: Record<number, string> = {
  0x02: 'ENTITY', 0x04: 'LITERAL', 0x40: 'EXT_I_0', 0x41: 'EXT_I_1', 0x42: 'EXT_I_2', 0x43: 'PI',
  0x44: 'LITERAL_C', 0x80: 'EXT_T_0', 0x81: 'EXT_T_1', 0x82: 'EXT_T_2', 0x84: 'LITERAL_A',
  0xc0: 'EXT_0', 0xc1: 'EXT_1', 0xc2: 'EXT_2', 0xc4: 'LITERAL_AC',
};

interface Frame {
  el: WbxmlElement;
  /** Collected text parts and opaque parts; joined when the element ends. */
  text: string[] | null;
  opaque: Uint8Array[] | null;
}

/** Decode an ActiveSync WBXML document into its element tree. */
export function decodeWbxml(buf: Uint8Array, limits?: Partial<WbxmlLimits>): WbxmlElement {
  const lim: WbxmlLimits = limits ? { ...DEFAULT_LIMITS, ...limits } : DEFAULT_LIMITS;
  const len = buf.length;
  if (len > lim.maxInputBytes) throw new WbxmlError('limit', `input of ${len} bytes exceeds ${lim.maxInputBytes}`);
  let i = 0;

  // mb_u_int32 (WAP-192 5.1): at most 5 bytes, value below 2^32
  const readInt = (): number => {
    let v = 0;
    for (let n = 0; n < 5; n++) {
      if (i >= len) throw new WbxmlError('truncated', 'input ends inside a multi-byte integer', i);
      const b = buf[i++]!;
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (v > 0xffffffff) break;
        return v;
      }
    }
    throw new WbxmlError('bad-token', 'multi-byte integer too long', i);
  };

  // Header: version, public id, charset, string table (WAP-192 5.4)
  if (len < 4) throw new WbxmlError('truncated', 'input shorter than a WBXML header', 0);
  const version = buf[i++]!;
  if (version !== 0x03) throw new WbxmlError('bad-header', `WBXML version 0x${version.toString(16)} is not 1.3`, 0);
  const publicId = readInt();
  if (publicId === 0) readInt(); // public id given as a string-table index: tolerated, ignored
  const charset = readInt();
  if (charset !== CHARSET_UTF8 && charset !== CHARSET_UNKNOWN && charset !== CHARSET_ASCII) {
    throw new WbxmlError('bad-header', `charset ${charset} is not UTF-8`, i);
  }
  const tableLen = readInt();
  if (tableLen > len - i) throw new WbxmlError('truncated', 'string table longer than the input', i);
  const tableStart = i;
  i += tableLen;

  const stack: Frame[] = [];
  let root: WbxmlElement | undefined;
  let names = pageTagNames(0)!;
  let page = 0;
  let ns = pageNamespace(0)!;
  let elements = 0;
  let tableText = 0;

  const top = (what: string): Frame => {
    const f = stack[stack.length - 1];
    if (!f) throw new WbxmlError('bad-structure', `${what} outside the root element`, i - 1);
    if (f.el.children.length > 0) throw new WbxmlError('bad-structure', `${what} mixed with child elements`, i - 1);
    return f;
  };
  const closeFrame = (f: Frame): void => {
    if (f.text) {
      if (f.opaque) throw new WbxmlError('bad-structure', 'string and opaque data in one element', i - 1);
      f.el.text = f.text.length === 1 ? f.text[0]! : f.text.join('');
    } else if (f.opaque) {
      f.el.opaque = f.opaque.length === 1 ? f.opaque[0]! : concat(f.opaque);
    }
  };

  while (i < len) {
    const tok = buf[i++]!;
    switch (tok) {
      case SWITCH_PAGE: {
        if (i >= len) throw new WbxmlError('truncated', 'input ends after SWITCH_PAGE', i);
        const p = buf[i++]!;
        const n = pageTagNames(p);
        if (!n) throw new WbxmlError('unknown-page', `unknown code page ${p}`, i - 1);
        names = n;
        page = p;
        ns = pageNamespace(p)!;
        continue;
      }
      case END: {
        const f = stack.pop();
        if (!f) throw new WbxmlError('bad-structure', 'END without an open element', i - 1);
        closeFrame(f);
        if (stack.length === 0) {
          if (i !== len) throw new WbxmlError('bad-structure', 'bytes after the root element', i);
          return root!;
        }
        continue;
      }
      case STR_I: {
        const f = top('string');
        const end = buf.indexOf(0, i);
        if (end < 0) throw new WbxmlError('truncated', 'inline string without terminator', i);
        if (end - i > lim.maxStringBytes) throw new WbxmlError('limit', `string of ${end - i} bytes exceeds ${lim.maxStringBytes}`, i);
        (f.text ??= []).push(utf8.decode(buf.subarray(i, end)));
        i = end + 1;
        continue;
      }
      case STR_T: {
        const f = top('string');
        const at = i;
        const off = readInt();
        if (off >= tableLen) throw new WbxmlError('bad-structure', `string-table reference ${off} outside the table`, at);
        const s = tableStart + off;
        const tableEnd = tableStart + tableLen;
        let end = buf.indexOf(0, s);
        if (end < 0 || end >= tableEnd) end = -1;
        if (end < 0) throw new WbxmlError('bad-structure', 'string-table entry without terminator', at);
        if (end - s > lim.maxStringBytes) throw new WbxmlError('limit', `string of ${end - s} bytes exceeds ${lim.maxStringBytes}`, at);
        tableText += end - s;
        if (tableText > lim.maxTableTextBytes) throw new WbxmlError('limit', `string-table references expand beyond ${lim.maxTableTextBytes} bytes`, at);
        (f.text ??= []).push(utf8.decode(buf.subarray(s, end)));
        continue;
      }
      case OPAQUE: {
        const f = top('opaque data');
        const n = readInt();
        if (n > lim.maxOpaqueBytes) throw new WbxmlError('limit', `opaque of ${n} bytes exceeds ${lim.maxOpaqueBytes}`, i);
        if (n > len - i) throw new WbxmlError('truncated', 'opaque data longer than the input', i);
        const bytes = new Uint8Array(n); // a copy, never a view that would pin the request buffer
        bytes.set(buf.subarray(i, i + n));
        (f.opaque ??= []).push(bytes);
        i += n;
        continue;
      }
    }
    const id = tok & 0x3f;
    if (id < 0x05) throw new WbxmlError('bad-token', `WBXML token ${GLOBAL_NAMES[tok] ?? '0x' + tok.toString(16)} is not used by ActiveSync`, i - 1);
    if (tok & TAG_ATTRIBUTES) throw new WbxmlError('bad-token', 'attributes are not used by ActiveSync', i - 1);
    const tag = names[id];
    if (tag === undefined) throw new WbxmlError('unknown-tag', `unknown tag 0x${id.toString(16)} on code page ${page}`, i - 1);

    // Open an element
    if (++elements > lim.maxElements) throw new WbxmlError('limit', `more than ${lim.maxElements} elements`, i - 1);
    if (stack.length + 1 > lim.maxDepth) throw new WbxmlError('limit', `nesting deeper than ${lim.maxDepth}`, i - 1);
    const el: WbxmlElement = { ns, tag, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.text || parent.opaque) throw new WbxmlError('bad-structure', 'child element mixed with text', i - 1);
      parent.el.children.push(el);
    } else if (root) {
      throw new WbxmlError('bad-structure', 'more than one root element', i - 1);
    } else {
      root = el;
    }
    if (tok & TAG_CONTENT) {
      stack.push({ el, text: null, opaque: null });
    } else if (!parent) {
      // an empty root element is a whole document
      if (i !== len) throw new WbxmlError('bad-structure', 'bytes after the root element', i);
      return el;
    }
  }
  throw new WbxmlError('truncated', root ? 'input ends inside an element' : 'no root element', i);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
