/**
 * One MIME part of a stored message as a stream of decoded bytes, read from the message's blob by
 * the part's offsets (the cached MIME tree, src/mail/mime-tree.ts) and transfer-decoded on the way
 * (mailsplit's decoders, as src/mail/part-content.ts uses them): an attachment fetch or forward
 * holds about one blob chunk at a time, never the whole attachment (issue 12, item 2).
 *
 * A decoded size cannot be read off the offsets (line breaks and padding in base64, soft breaks in
 * quoted-printable), so `decodedSize` runs the decoder once and counts; identity encodings are
 * their encoded size.
 */
import { PassThrough, Readable, type Transform } from 'node:stream';
import { MimeNode } from '@zone-eu/mailsplit';
import type { MailMessage, MimePart } from '../../src/model/mail.js';
import type { Store } from '../../src/store/store.js';

type Source = Pick<Store, 'getBlobStream'>;
type Located = Pick<MailMessage, 'blobHash'>;

/** Bytes [start, end) of the message blob as a stream (nothing when the range is empty). */
export async function blobSlice(store: Source, msg: Located, start: number, end: number): Promise<Readable> {
  if (end <= start) return Readable.from([]);
  const r = await store.getBlobStream(msg.blobHash, { start, end: end - 1 });
  if (!r) throw new Error('message blob missing');
  return r.stream;
}

/** The transfer decoder of an encoding (RFC 2045 §6): base64, quoted-printable, else identity. */
function transferDecoder(encoding: string): Transform {
  if (!/^(base64|quoted-printable)$/i.test(encoding)) return new PassThrough();
  const node = new MimeNode(false);
  node.addHeaderChunk(Buffer.from(`Content-Transfer-Encoding: ${encoding}\r\n`));
  node.parseHeaders();
  return node.getDecoder();
}

const isIdentity = (encoding: string) => !/^(base64|quoted-printable)$/i.test(encoding);

/** The decoded bytes of a leaf part, piece by piece. Stopping early releases the blob read. */
export async function* decodedPieces(store: Source, msg: Located, part: MimePart): AsyncGenerator<Buffer> {
  const src = await blobSlice(store, msg, part.bodyStart, part.bodyEnd);
  const decoder = transferDecoder(part.encoding);
  src.on('error', (e) => decoder.destroy(e));
  src.pipe(decoder);
  try {
    for await (const piece of decoder) yield piece as Buffer;
  } finally {
    src.destroy();
    decoder.destroy();
  }
}

/** Length of the decoded part in bytes (one decoding pass, nothing kept). */
export async function decodedSize(store: Source, msg: Located, part: MimePart): Promise<number> {
  if (isIdentity(part.encoding)) return Math.max(0, part.bodyEnd - part.bodyStart);
  let n = 0;
  for await (const piece of decodedPieces(store, msg, part)) n += piece.length;
  return n;
}

/** Decoded bytes `start..end` (inclusive) of a leaf part. */
export async function* decodedRange(store: Source, msg: Located, part: MimePart, start: number, end: number): AsyncGenerator<Buffer> {
  if (end < start) return;
  if (isIdentity(part.encoding)) {
    // Identity: decoded offsets are blob offsets; read only the range.
    const s = await blobSlice(store, msg, part.bodyStart + start, Math.min(part.bodyEnd, part.bodyStart + end + 1));
    for await (const piece of s) yield piece as Buffer;
    return;
  }
  let pos = 0;
  for await (const piece of decodedPieces(store, msg, part)) {
    const from = Math.max(0, start - pos);
    const to = Math.min(piece.length, end + 1 - pos);
    if (to > from) yield piece.subarray(from, to);
    pos += piece.length;
    if (pos > end) return;
  }
}

/** Base64 of a byte stream (RFC 4648 §4, no line breaks), carrying 0-2 bytes between pieces. */
export async function* base64Pieces(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const piece of source) {
    const all = carry.length ? Buffer.concat([carry, piece]) : piece;
    const whole = all.length - (all.length % 3);
    if (whole) yield Buffer.from(all.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(all.subarray(whole));
  }
  if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

/** Bytes with every 0x00 left out (WBXML inline strings end at the first one). */
export async function* withoutNul(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const piece of source) {
    if (!piece.includes(0)) { yield piece; continue; }
    const out = Buffer.allocUnsafe(piece.length);
    let n = 0;
    for (const b of piece) if (b !== 0) out[n++] = b;
    yield out.subarray(0, n);
  }
}
