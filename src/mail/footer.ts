/**
 * The domain footer (disclaimer) appended to mail its users send (DESIGN "per-domain settings").
 * Only the body text parts change, each in place: the part is transfer-decoded and read in its
 * charset (src/mail/part-content.ts), the footer appended (text/plain at the end, text/html before
 * </body>), and the result re-encoded as UTF-8 (libmime writes UTF-8 only) with the part's
 * Content-Type charset and Content-Transfer-Encoding updated (mailsplit's header editing and
 * encoders, RFC 2045 §6). Every other byte of the message is kept: other headers, boundaries,
 * attachments. Signed or encrypted mail (RFC 1847 multipart/signed and multipart/encrypted,
 * S/MIME application/pkcs7-mime, inline PGP) is never changed: a footer would break it.
 */
import { MimeNode } from '@zone-eu/mailsplit';
import { convert as htmlToText } from 'html-to-text';
import type { MimePart, ParsedMessage } from '../model/mail.js';
import { parseMessage } from './parse.js';
import { decodedText } from './part-content.js';

export interface Footer {
  /** Plain-text footer; derived from `html` when absent. */
  text: string | null;
  /** HTML footer (a fragment); the escaped text when absent. */
  html: string | null;
}

const SIGNED_TYPES = new Set([
  'multipart/signed',
  'multipart/encrypted',
  'application/pkcs7-mime',
  'application/x-pkcs7-mime',
  'application/pkcs7-signature',
]);

/** True when the message or any of its parts is signed or encrypted. */
export function isSignedOrEncrypted(part: MimePart): boolean {
  if (SIGNED_TYPES.has(`${part.type}/${part.subtype}`)) return true;
  return (part.children ?? []).some(isSignedOrEncrypted);
}

/**
 * The parts a reader sees as the message's body: a lone text part; every text alternative of a
 * multipart/alternative (RFC 2046 §5.1.4); the first part of a multipart/mixed or the root of a
 * multipart/related (RFC 2387), recursively. Attachments and embedded messages are never bodies.
 */
export function bodyParts(part: MimePart): MimePart[] {
  if (part.type === 'text' && (part.subtype === 'plain' || part.subtype === 'html')) {
    return part.disposition?.type === 'attachment' ? [] : [part];
  }
  if (part.type !== 'multipart' || !part.children?.length) return [];
  if (part.subtype === 'alternative') return part.children.flatMap(bodyParts);
  return bodyParts(part.children[0]);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function footedText(text: string, footer: string): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text.length === 0 || text.endsWith('\n') ? text : text + nl;
  return `${body}${nl}${footer.replace(/\r?\n/g, nl)}${nl}`;
}

function footedHtml(html: string, footer: string): string {
  const block = `<div class="hearth-footer">${footer}</div>`;
  // Before the last </body> (or </html>) when there is one, else at the end.
  const lower = html.toLowerCase();
  const at = lower.lastIndexOf('</body>') !== -1 ? lower.lastIndexOf('</body>') : lower.lastIndexOf('</html>');
  return at === -1 ? `${html}\n${block}\n` : `${html.slice(0, at)}${block}\n${html.slice(at)}`;
}

/** The part's new header and body: decoded, footed, encoded again. */
async function rewritePart(raw: Buffer, part: MimePart, footer: Footer): Promise<Buffer | null> {
  const text = await decodedText(raw, part);
  // Inline PGP (RFC 4880 §7) signs the text itself.
  if (/-----BEGIN PGP (SIGNED )?MESSAGE-----/.test(text)) return null;
  const html = part.subtype === 'html';
  const addition = html
    ? (footer.html ?? escapeHtml(footer.text ?? '').replace(/\r?\n/g, '<br>\n'))
    : (footer.text ?? htmlToText(footer.html ?? '', { wordwrap: 76 }));
  const content = Buffer.from(html ? footedHtml(text, addition) : footedText(text, addition), 'utf8');

  const node = new MimeNode(false);
  node.addHeaderChunk(raw.subarray(part.headerStart, part.bodyStart));
  node.parseHeaders();
  node.setCharset('utf-8');
  // 7bit stays 7bit only while it is still true (ASCII, lines within RFC 5322 §2.1.1's 998);
  // base64 stays base64; anything else becomes quoted-printable.
  const plain7 = !/[^\x00-\x7f]/.test(content.toString('latin1')) && !/[^\n]{998}/.test(content.toString('latin1'));
  const encoding =
    part.encoding === 'base64'
      ? 'base64'
      : plain7 && (part.encoding === '7bit' || part.encoding === '8bit')
        ? part.encoding
        : 'quoted-printable';
  const encoder = node.getEncoder(encoding);
  const header = node.getHeaders();
  const chunks: Buffer[] = [];
  const body = await new Promise<Buffer>((resolve, reject) => {
    encoder.on('data', (c: Buffer) => chunks.push(c));
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    encoder.on('error', reject);
    encoder.end(content);
  });
  // A lone top-level part's body runs to the end of the message: end it with a line break.
  return Buffer.concat([header, body, part.part === '' && !/\r?\n$/.test(body.toString('latin1')) ? Buffer.from('\r\n') : Buffer.alloc(0)]);
}

/**
 * The message with the footer appended to its body parts, or the same bytes when there is
 * nothing to foot (no footer, no text body, signed or encrypted mail).
 */
export async function appendFooter(raw: Buffer, footer: Footer, parsed?: ParsedMessage): Promise<Buffer> {
  if (!footer.text?.trim() && !footer.html?.trim()) return raw;
  const tree = (parsed ?? (await parseMessage(raw))).mime;
  if (isSignedOrEncrypted(tree)) return raw;
  const targets = bodyParts(tree).sort((a, b) => b.headerStart - a.headerStart);
  let out = raw;
  // From the last part to the first, so that earlier offsets stay valid.
  for (const part of targets) {
    const replacement = await rewritePart(raw, part, footer);
    if (!replacement) return raw;
    out = Buffer.concat([out.subarray(0, part.headerStart), replacement, out.subarray(part.bodyEnd)]);
  }
  return out;
}
