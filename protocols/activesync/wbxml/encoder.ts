/**
 * WBXML 1.3 encoder for ActiveSync ([MS-ASWBXML] 2.1.1).
 *
 * Writes into one growing buffer (preallocated, doubled on demand): header 03 01 6A 00 (version
 * 1.3, public id "unknown", UTF-8, empty string table), SWITCH_PAGE only when the code page
 * changes, strings inline (STR_I, UTF-8, NUL-terminated), opaque data with its mb_u_int32
 * length, and elements without content (no children, no text, no opaque) without the content
 * flag. Text "" is written as an empty STR_I so that decode(encode(x)) gives x back exactly.
 * An element may come already encoded (`encoded`, from encodeWbxmlFragment): its bytes are
 * copied, with the code page state carried across the splice.
 */
import { namespaceTokens } from './code-pages.js';
import { WbxmlError } from './errors.js';
import { Readable } from 'node:stream';
import type { StreamedContent, WbxmlElement, WbxmlFragment } from './types.js';

const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const TAG_CONTENT = 0x40;

const HEADER = [0x03, 0x01, 0x6a, 0x00];
const INITIAL_SIZE = 4096;

class Writer {
  buf: Buffer;
  pos = 0;
  page = 0;
  /** What precedes the current buffer when streamed content is allowed: written bytes and slots. */
  segments: (Buffer | StreamedContent)[] | null = null;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }
  int(v: number): void {
    // mb_u_int32, most significant group first
    this.ensure(5);
    let n = 0;
    let t = v;
    do {
      n++;
      t = Math.floor(t / 128);
    } while (t > 0);
    for (let k = n - 1; k >= 0; k--) {
      const group = Math.floor(v / 128 ** k) % 128;
      this.buf[this.pos++] = k > 0 ? group | 0x80 : group;
    }
  }
  str(s: string): void {
    // a UTF-16 code unit takes at most 3 UTF-8 bytes
    const n = s.length;
    this.ensure(n * 3 + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = STR_I;
    // Short ASCII strings (most ServerIds, names, numbers) byte by byte: Buffer.write's call into
    // C++ costs more than the copy. Anything else, or a non-ASCII character found, goes to write().
    let i = 0;
    if (n <= 64) for (; i < n; i++) { const c = s.charCodeAt(i); if (c >= 0x80) break; buf[p + i] = c; }
    p += i === n ? n : buf.write(s, p, 'utf8');
    buf[p++] = 0;
    this.pos = p;
  }
  bytes(b: Uint8Array): void {
    this.byte(OPAQUE);
    this.int(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/**
 * One element as a fragment to splice into documents later (WbxmlElement.encoded): its bytes
 * begin with SWITCH_PAGE to its page whatever the page before, and `page` is the code page
 * current after it. Checked as encodeWbxml checks; no streamed content.
 */
export function encodeWbxmlFragment(el: WbxmlElement): WbxmlFragment {
  // One scratch writer for every fragment (written synchronously, never nested): a fragment
  // costs one allocation, its copy, where a writer of its own took two or three.
  const w = fragmentWriter;
  w.pos = 0;
  w.page = -1; // unknown: the first element writes its SWITCH_PAGE
  try {
    writeElement(w, el);
    return { bytes: Buffer.from(w.buf.subarray(0, w.pos)), page: w.page };
  } finally {
    // A rare big fragment does not keep its large buffer.
    if (w.buf.length > 64 * 1024) w.buf = Buffer.allocUnsafe(INITIAL_SIZE);
  }
}

const fragmentWriter = new Writer(INITIAL_SIZE);

/** Encode an element tree as ActiveSync WBXML. Throws WbxmlError for an unknown ns or tag. */
export function encodeWbxml(root: WbxmlElement): Buffer {
  const w = new Writer(INITIAL_SIZE);
  for (const b of HEADER) w.byte(b);
  writeElement(w, root);
  return w.buf.subarray(0, w.pos);
}

/**
 * The document as pieces: written bytes and, where an element has `stream` content, the slot that
 * produces it. The tree is checked (namespaces, tags, structure) before anything is streamed.
 */
export function encodeWbxmlSegments(root: WbxmlElement): (Buffer | StreamedContent)[] {
  const w = new Writer(INITIAL_SIZE);
  w.segments = [];
  for (const b of HEADER) w.byte(b);
  writeElement(w, root);
  w.segments.push(w.buf.subarray(0, w.pos));
  return w.segments;
}

/** The document's bytes, a slot's content read only when the consumer gets there. */
export async function* wbxmlPieces(segments: (Buffer | StreamedContent)[]): AsyncGenerator<Buffer> {
  for (const s of segments) {
    if (Buffer.isBuffer(s)) { if (s.length) yield s; continue; }
    let n = 0;
    for await (const piece of s.open()) {
      const b = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (s.kind === 'string' && b.includes(0)) throw new WbxmlError('bad-string', 'streamed text contains U+0000');
      n += b.length;
      if (s.kind === 'opaque' && n > s.length!) throw new WbxmlError('bad-structure', 'streamed opaque longer than announced');
      if (b.length) yield b;
    }
    if (s.kind === 'opaque' && n !== s.length) throw new WbxmlError('bad-structure', 'streamed opaque shorter than announced');
  }
}

/** encodeWbxmlSegments as a byte stream (an HTTP body): memory holds about one piece at a time. */
export function encodeWbxmlStream(root: WbxmlElement): Readable {
  return Readable.from(wbxmlPieces(encodeWbxmlSegments(root)), { objectMode: false });
}

function writeElement(w: Writer, el: WbxmlElement): void {
  if (el.encoded) {
    writeFragment(w, el.encoded);
    return;
  }
  const nsInfo = namespaceTokens(el.ns);
  if (!nsInfo) throw new WbxmlError('unknown-page', `unknown namespace ${JSON.stringify(el.ns)}`);
  const token = nsInfo.tokens.get(el.tag);
  if (token === undefined) throw new WbxmlError('unknown-tag', `unknown tag ${el.ns}:${el.tag}`);
  if (nsInfo.page !== w.page) {
    w.byte(SWITCH_PAGE);
    w.byte(nsInfo.page);
    w.page = nsInfo.page;
  }
  const kids = el.children;
  const hasKids = kids.length > 0;
  if (hasKids && (el.text !== undefined || el.opaque !== undefined)) {
    throw new WbxmlError('bad-structure', `${el.ns}:${el.tag} has both children and content`);
  }
  if (el.text !== undefined && el.opaque !== undefined) {
    throw new WbxmlError('bad-structure', `${el.ns}:${el.tag} has both text and opaque content`);
  }
  if (el.stream !== undefined && (hasKids || el.text !== undefined || el.opaque !== undefined)) {
    throw new WbxmlError('bad-structure', `${el.ns}:${el.tag} has streamed and other content`);
  }
  if (el.stream !== undefined) {
    const s = el.stream;
    if (!w.segments) throw new WbxmlError('bad-structure', `${el.ns}:${el.tag} has streamed content: use encodeWbxmlStream`);
    if (s.kind === 'opaque' && !(Number.isSafeInteger(s.length) && s.length! >= 0 && s.length! < 2 ** 32)) {
      throw new WbxmlError('bad-structure', `${el.ns}:${el.tag} streamed opaque without a valid length`);
    }
    w.byte(token | TAG_CONTENT);
    w.byte(s.kind === 'opaque' ? OPAQUE : STR_I);
    if (s.kind === 'opaque') w.int(s.length!);
    // The bytes so far become a segment; the slot follows; the writer starts a new buffer.
    w.segments.push(Buffer.from(w.buf.subarray(0, w.pos)), s);
    w.pos = 0;
    if (s.kind === 'string') w.byte(0);
    w.byte(END);
    return;
  }
  if (!hasKids && el.text === undefined && el.opaque === undefined) {
    w.byte(token);
    return;
  }
  w.byte(token | TAG_CONTENT);
  if (hasKids) {
    for (const c of kids) writeElement(w, c);
  } else if (el.text !== undefined) {
    if (el.text.includes('\0')) throw new WbxmlError('bad-string', `${el.ns}:${el.tag} text contains U+0000`);
    w.str(el.text);
  } else {
    w.bytes(el.opaque!);
  }
  w.byte(END);
}

/** Copy a fragment, leaving out its leading SWITCH_PAGE when that page is already current. */
function writeFragment(w: Writer, f: WbxmlFragment): void {
  const b = f.bytes;
  if (b.length < 3 || b[0] !== SWITCH_PAGE) throw new WbxmlError('bad-structure', 'a fragment must start with SWITCH_PAGE');
  const start = b[1] === w.page ? 2 : 0;
  w.ensure(b.length - start);
  b.copy(w.buf, w.pos, start);
  w.pos += b.length - start;
  w.page = f.page;
}
