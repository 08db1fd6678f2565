import { MimeNode } from '@zone-eu/mailsplit';
import { decode as decodeFrom } from 'libmime/lib/charset.js';
import type { MimePart } from '../model/mail.js';

/**
 * The decoded content of one part, read from the message bytes by the part's offsets: what
 * ActiveSync Body (Type 1/2) and attachment fetches, and IMAP BINARY (RFC 3516), send. The
 * transfer decoding is mailsplit's (base64, quoted-printable); nothing here re-parses MIME.
 */
export async function decodedBody(message: Buffer, part: MimePart, maxEncodedBytes = Infinity): Promise<Buffer> {
  const end = Math.min(part.bodyEnd, part.bodyStart + maxEncodedBytes);
  const source = message.subarray(part.bodyStart, end);
  const node = new MimeNode(false);
  // The node only needs its transfer encoding to choose a decoder (mailsplit mime-node getDecoder).
  node.addHeaderChunk(Buffer.from(`Content-Transfer-Encoding: ${part.encoding}\r\n`));
  node.parseHeaders();
  const decoder = node.getDecoder();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    decoder.on('data', (c: Buffer) => chunks.push(c));
    decoder.on('end', () => resolve(Buffer.concat(chunks)));
    decoder.on('error', reject);
    decoder.end(source);
  });
}

/** A text part as a string: transfer-decoded, then from its declared charset (RFC 2046 §4.1.2). */
export async function decodedText(message: Buffer, part: MimePart, maxEncodedBytes = Infinity): Promise<string> {
  const bytes = await decodedBody(message, part, maxEncodedBytes);
  return decodeCharset(bytes, part.params.charset);
}

/**
 * libmime's charset decoding (iconv-lite tables): the platform TextDecoder is not used because
 * Node 20 decodes windows-1252 as ISO-8859-1 (0x80 is not the euro sign there).
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  return decodeFrom(bytes, charset || 'utf-8');
}
