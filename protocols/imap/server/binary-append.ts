// APPEND of a message with binary parts (RFC 3516 §4.4, literal8 with Content-Transfer-Encoding
// binary): BODY[] must never send raw binary (it is a plain literal, RFC 9051 §4.3), so such
// parts are stored re-encoded as base64 (RFC 2045 §6.8), which RFC 3516 allows the server to do
// on APPEND. BINARY[] then decodes them back to the very bytes the client appended.
import type { MimePart } from '../../../src/model/mail.js';
import { allParts } from '../../../src/mail/mime-parts.js';

const CTE_LINE = /^(content-transfer-encoding[ \t]*:)[^\r\n]*(\r?\n(?:[ \t][^\r\n]*\r?\n)*)/im;

/** The message with its binary leaf parts as base64; null when it has none. */
export function encodeBinaryParts(bytes: Buffer, mime: MimePart): Buffer | null {
  const binary = allParts(mime).filter((p) => !p.children && !p.message && p.encoding === 'binary')
    .sort((a, b) => b.headerStart - a.headerStart);
  if (binary.length === 0) return null;
  let out = bytes;
  // From the last part to the first, so that earlier offsets stay valid.
  for (const p of binary) {
    const header = out.subarray(p.headerStart, p.bodyStart).toString('latin1');
    if (!CTE_LINE.test(header)) continue;
    const newHeader = header.replace(CTE_LINE, (_m, name: string, end: string) => `${name} base64${/\r\n/.test(end) ? '\r\n' : '\n'}`);
    const b64 = out.subarray(p.bodyStart, p.bodyEnd).toString('base64');
    const lines = b64.match(/.{1,76}/g) ?? [];
    const body = lines.join('\r\n') + (p.bodyEnd === out.length ? '\r\n' : '');
    out = Buffer.concat([out.subarray(0, p.headerStart), Buffer.from(newHeader, 'latin1'), Buffer.from(body, 'latin1'), out.subarray(p.bodyEnd)]);
  }
  return out;
}
