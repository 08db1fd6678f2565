// Writing IMAP data values (RFC 9051 §4): atoms, numbers, NIL, lists, and strings as quoted or
// literal. A string goes out quoted when it is short and has no CR, LF, NUL (and, unless UTF-8
// is allowed on this connection, no 8-bit byte, RFC 9051 §4.3 and RFC 6855 §3); else as a literal.

/** Text written verbatim: an atom, a flag, a FETCH item name such as "BODY[1]<0>". */
export class Atom {
  constructor(readonly text: string) {}
}
export const atom = (text: string): Atom => new Atom(text);

/** Bytes that must be a literal whatever their content (BODY[] data). */
export class Literal {
  constructor(readonly bytes: Buffer, readonly binary = false) {}
}

/** Values written back to back with no separator: the children of a multipart body (RFC 9051 §9 `body-type-mpart`). */
export class Concat {
  constructor(readonly values: ResponseValue[]) {}
}

export type ResponseValue = Atom | Literal | Concat | string | Buffer | number | bigint | null | ResponseValue[];

export interface ComposeOptions {
  /** UTF8=ACCEPT enabled (RFC 6855): 8-bit UTF-8 may go in quoted strings. */
  utf8: boolean;
  /** Longest string sent quoted; longer ones become literals. */
  maxQuoted: number;
}

export const DEFAULT_COMPOSE: ComposeOptions = { utf8: false, maxQuoted: 1024 };

function canQuote(bytes: Buffer, options: ComposeOptions): boolean {
  if (bytes.length > options.maxQuoted) return false;
  for (const b of bytes) {
    if (b === 0x0d || b === 0x0a || b === 0) return false;
    if (b >= 0x80 && !options.utf8) return false;
  }
  return true;
}

export function writeString(out: Buffer[], bytes: Buffer, options: ComposeOptions): void {
  if (canQuote(bytes, options)) {
    let text = bytes.toString('latin1');
    text = text.replace(/[\\"]/g, (m) => '\\' + m);
    out.push(Buffer.from(`"${text}"`, 'latin1'));
    return;
  }
  writeLiteral(out, bytes, bytes.includes(0));
}

/** `{n}` CRLF bytes, or `~{n}` for data with NUL (RFC 3516 §4.2 literal8). */
export function writeLiteral(out: Buffer[], bytes: Buffer, binary: boolean): void {
  out.push(Buffer.from(`${binary ? '~' : ''}{${bytes.length}}\r\n`, 'latin1'), bytes);
}

export function writeValue(out: Buffer[], value: ResponseValue, options: ComposeOptions = DEFAULT_COMPOSE): void {
  if (value === null) out.push(Buffer.from('NIL'));
  else if (value instanceof Atom) out.push(Buffer.from(value.text, 'utf8'));
  else if (value instanceof Literal) writeLiteral(out, value.bytes, value.binary);
  else if (value instanceof Concat) for (const v of value.values) writeValue(out, v, options);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(Buffer.from(String(value)));
  else if (typeof value === 'string') writeString(out, Buffer.from(value, 'utf8'), options);
  else if (Buffer.isBuffer(value)) writeString(out, value, options);
  else {
    out.push(Buffer.from('('));
    value.forEach((v, i) => {
      if (i > 0) out.push(Buffer.from(' '));
      writeValue(out, v, options);
    });
    out.push(Buffer.from(')'));
  }
}

/** Values separated by spaces, without surrounding parentheses. */
export function writeValues(out: Buffer[], values: ResponseValue[], options: ComposeOptions = DEFAULT_COMPOSE): void {
  values.forEach((v, i) => {
    if (i > 0) out.push(Buffer.from(' '));
    writeValue(out, v, options);
  });
}
