/**
 * Multi-line responses (RFC 1939 §3): lines end in CRLF, a line that begins with "." gets one
 * more "." (byte-stuffing), and the response ends with ".CRLF". Bare LF and bare CR in a stored
 * message become CRLF, since the wire knows no other line end. Pure: no I/O.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const STUFF = Buffer.from('.');
const END = Buffer.from('.\r\n');

/**
 * The message bytes as a multi-line response body, terminator included. With `bodyLines`
 * (TOP, RFC 1939 §7) only the header, the blank line and that many body lines are sent.
 */
export function multilineMessage(bytes: Uint8Array, bodyLines?: number): Buffer {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Buffer[] = [];
  let inBody = false;
  let bodyCount = 0;
  let pos = 0;
  while (pos < src.length) {
    if (bodyLines !== undefined && inBody && bodyCount >= bodyLines) break;
    // One line: up to the next CR or LF.
    let end = pos;
    while (end < src.length && src[end] !== CR && src[end] !== LF) end++;
    if (src[pos] === DOT) chunks.push(STUFF);
    chunks.push(src.subarray(pos, end), CRLF);
    if (inBody) bodyCount++;
    else if (end === pos) inBody = true; // the empty line ends the header (RFC 5322 §2.1)
    // CRLF, a bare CR or a bare LF: one line end.
    if (end < src.length && src[end] === CR && src[end + 1] === LF) end++;
    pos = end + 1;
  }
  chunks.push(END);
  return Buffer.concat(chunks);
}

/** A list of lines (CAPA, LIST, UIDL) as a multi-line response body, terminator included. */
export function multilineText(lines: string[]): string {
  return lines.map((l) => (l.startsWith('.') ? `.${l}\r\n` : `${l}\r\n`)).join('') + '.\r\n';
}
