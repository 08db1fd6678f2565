/**
 * The top header block of a message (RFC 5322 §2.2, §3.6) as bytes: read one field, or rewrite
 * the block (remove every field whose name matches, continuation lines with it (§2.2.3), and put
 * new fields first). The body and every other byte stay as they were. A message without a blank
 * line is all header. Used by the content filters (X-Spam-*) and mailing lists (List-*).
 */

/** Index just past the blank line that ends the header block (or the message length). */
function headerEnd(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i + 1] === 10) return i + 2;
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return i + 3;
  }
  return bytes.length;
}

/** `drop` is matched against lower-case field names; `add` are complete fields without the line end. */
export function rewriteHeaders(message: Uint8Array, drop: (name: string) => boolean, add: string[]): Buffer {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const end = headerEnd(bytes);
  const kept: Buffer[] = add.map((field) => Buffer.from(`${field}\r\n`, 'utf8'));
  let keep = true;
  let lineStart = 0;
  while (lineStart < end) {
    let lineEnd = bytes.indexOf(10, lineStart);
    lineEnd = lineEnd < 0 || lineEnd >= end ? end : lineEnd + 1;
    const first = bytes[lineStart];
    // A line starting with white space continues the field before it.
    if (first !== 32 && first !== 9) {
      const colon = bytes.indexOf(58, lineStart);
      const name = colon > lineStart && colon < lineEnd ? bytes.subarray(lineStart, colon).toString('latin1').trim().toLowerCase() : '';
      keep = !(name && drop(name));
    }
    if (keep) kept.push(bytes.subarray(lineStart, lineEnd));
    lineStart = lineEnd;
  }
  kept.push(bytes.subarray(end));
  return Buffer.concat(kept);
}

/** Folds a long unstructured value at spaces (RFC 5322 §2.2.3), lines near 78 characters. */
export function foldField(name: string, value: string): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const w of words) {
    if (line.length + 1 + w.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = `\t${w}`;
    } else line += ` ${w}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** The first field called `name` (case-insensitive), unfolded, without its name; null when absent. */
export function headerValue(message: Uint8Array, name: string): string | null {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const head = bytes.subarray(0, headerEnd(bytes)).toString('latin1');
  const want = name.toLowerCase();
  const lines = head.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0 || /^[ \t]/.test(lines[i]) || lines[i].slice(0, colon).trim().toLowerCase() !== want) continue;
    let value = lines[i].slice(colon + 1);
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1])) value += lines[++i];
    // Header bytes were read as latin1 so that any octet survives; UTF-8 (RFC 6532) is restored here.
    return Buffer.from(value.trim(), 'latin1').toString('utf8');
  }
  return null;
}
