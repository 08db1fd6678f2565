/**
 * The top-level header block of a raw message as fields with their exact bytes (RFC 5322 §2.2:
 * a field starts on a line that does not begin with white space; folded lines continue it), so
 * that a policy can drop or prepend fields without touching any other byte.
 */
export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** The field's bytes, folded lines and line ends included. */
  raw: Buffer;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset of the body: after the empty line (or the end of the message when there is none). */
  bodyStart: number;
}

/** Splits the header block. Bytes are read as latin1, which maps every byte to one character and back. */
export function splitHeader(raw: Buffer): HeaderBlock {
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

/** The message with `prepend` before its header and the fields `drop` selects removed. */
export function rewriteHeader(raw: Buffer, opts: { prepend?: string; drop?: (f: HeaderField) => boolean }): Buffer {
  const block = splitHeader(raw);
  const kept = opts.drop ? block.fields.filter((f) => !opts.drop!(f)) : block.fields;
  const head = Buffer.concat(kept.map((f) => f.raw));
  const removed = block.fields.length - kept.length;
  if (removed === 0 && !opts.prepend) return raw;
  const headerEnd = block.fields.reduce((n, f) => n + f.raw.length, 0);
  return Buffer.concat([Buffer.from(opts.prepend ?? '', 'latin1'), head, raw.subarray(headerEnd)]);
}
