/**
 * The top header block of a raw message (RFC 5322 §2.2, §3.6) as fields with their exact bytes:
 * a field starts on a line that does not begin with white space, folded lines continue it
 * (§2.2.3). Read one field's value, or rewrite the block (drop the fields a predicate selects,
 * put new fields first) without touching any other byte: the body, the other fields and their
 * line ends stay as they were. A message without a blank line is all header. The one header
 * module of the mail code: content filters (X-Spam-*), mailing lists (List-*), sender
 * authentication (Authentication-Results), DKIM signing and out-of-office read and write here.
 */
export interface HeaderField {
  /** Lower-case field name ('' for a line that is not a field). */
  name: string;
  /** The field's bytes, folded lines and line ends included. */
  raw: Buffer;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset of the body: after the empty line (or the end of the message when there is none). */
  bodyStart: number;
}

const asBuffer = (m: Uint8Array): Buffer => (Buffer.isBuffer(m) ? m : Buffer.from(m.buffer, m.byteOffset, m.byteLength));

/** Splits the header block. Bytes are read as latin1, which maps every byte to one character and back. */
export function splitHeader(message: Uint8Array): HeaderBlock {
  const raw = asBuffer(message);
  const text = raw.toString('latin1');
  const fields: HeaderField[] = [];
  let pos = 0;
  let current: { start: number; name: string } | null = null;
  const close = (end: number) => {
    if (current) fields.push({ name: current.name, raw: raw.subarray(current.start, end) });
    current = null;
  };
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl + 1;
    const line = text.slice(pos, end);
    if (line === '\r\n' || line === '\n') {
      close(pos);
      return { fields, bodyStart: end };
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (!current) current = { start: pos, name: '' };
    } else {
      close(pos);
      const colon = line.indexOf(':');
      current = { start: pos, name: (colon === -1 ? '' : line.slice(0, colon)).trim().toLowerCase() };
    }
    pos = end;
  }
  close(pos);
  return { fields, bodyStart: raw.length };
}

/** The field's value unfolded (RFC 5322 §2.2.3), as latin1 text, without the name. */
export function fieldValue(field: HeaderField): string {
  const text = field.raw.toString('latin1');
  return text
    .slice(text.indexOf(':') + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/\r?\n$/, '')
    .trim();
}

/**
 * The first field called `name` (case-insensitive), unfolded, without its name; null when
 * absent. Header bytes are read as latin1 so that any octet survives; UTF-8 (RFC 6532) is
 * restored here.
 */
export function headerValue(message: Uint8Array, name: string): string | null {
  const want = name.toLowerCase();
  const field = splitHeader(message).fields.find((f) => f.name === want);
  return field ? Buffer.from(fieldValue(field), 'latin1').toString('utf8') : null;
}

/**
 * The message with the fields `drop` selects removed (continuation lines with them) and the
 * `prepend` fields put first. Each prepended field is complete (folded lines allowed) and gets a
 * CRLF when it has no line end; it is written as UTF-8 (RFC 6532). Returns the message itself
 * when nothing changes.
 */
export function rewriteHeader(message: Uint8Array, opts: { prepend?: string[]; drop?: (f: HeaderField) => boolean }): Buffer {
  const raw = asBuffer(message);
  const block = splitHeader(raw);
  const drop = opts.drop;
  const kept = drop ? block.fields.filter((f) => !(f.name && drop(f))) : block.fields;
  const prepend = (opts.prepend ?? []).map((f) => Buffer.from(/\n$/.test(f) ? f : `${f}\r\n`, 'utf8'));
  if (kept.length === block.fields.length && prepend.length === 0) return raw;
  const headerEnd = block.fields.reduce((n, f) => n + f.raw.length, 0);
  return Buffer.concat([...prepend, ...kept.map((f) => f.raw), raw.subarray(headerEnd)]);
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
