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

/** Printable-ish 7-bit text with no CR, LF or NUL: goes quoted as it is (the common case). */
const PLAIN_QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Collects a response as one latin1 string (one character per byte) between the byte runs that
 * must stay buffers (literals): one allocation per response rather than one per token, which
 * matters for FETCH answers of many ENVELOPEs.
 */
class Chunks {
  private text = '';
  constructor(private readonly out: Buffer[]) {}
  str(latin1: string): void { this.text += latin1; }
  bytes(b: Buffer): void {
    this.flush();
    this.out.push(b);
  }
  flush(): void {
    if (this.text) this.out.push(Buffer.from(this.text, 'latin1'));
    this.text = '';
  }
}

const quote = (latin1: string) => `"${latin1.replace(/[\\"]/g, (m) => '\\' + m)}"`;

function stringTo(c: Chunks, bytes: Buffer, options: ComposeOptions): void {
  if (canQuote(bytes, options)) c.str(quote(bytes.toString('latin1')));
  else literalTo(c, bytes, bytes.includes(0));
}

function literalTo(c: Chunks, bytes: Buffer, binary: boolean): void {
  c.str(`${binary ? '~' : ''}{${bytes.length}}\r\n`);
  c.bytes(bytes);
}

export function writeString(out: Buffer[], bytes: Buffer, options: ComposeOptions): void {
  const c = new Chunks(out);
  stringTo(c, bytes, options);
  c.flush();
}

/** `{n}` CRLF bytes, or `~{n}` for data with NUL (RFC 3516 §4.2 literal8). */
export function writeLiteral(out: Buffer[], bytes: Buffer, binary: boolean): void {
  out.push(Buffer.from(`${binary ? '~' : ''}{${bytes.length}}\r\n`, 'latin1'), bytes);
}

function valueTo(c: Chunks, value: ResponseValue, options: ComposeOptions): void {
  if (value === null) c.str('NIL');
  else if (value instanceof Atom) c.str(ASCII.test(value.text) ? value.text : Buffer.from(value.text, 'utf8').toString('latin1'));
  else if (value instanceof Literal) literalTo(c, value.bytes, value.binary);
  else if (value instanceof Concat) for (const v of value.values) valueTo(c, v, options);
  else if (typeof value === 'number' || typeof value === 'bigint') c.str(String(value));
  else if (typeof value === 'string') {
    if (value.length <= options.maxQuoted && PLAIN_QUOTABLE.test(value)) c.str(quote(value));
    else stringTo(c, Buffer.from(value, 'utf8'), options);
  } else if (Buffer.isBuffer(value)) stringTo(c, value, options);
  else {
    c.str('(');
    valuesTo(c, value, options);
    c.str(')');
  }
}

function valuesTo(c: Chunks, values: ResponseValue[], options: ComposeOptions): void {
  for (let i = 0; i < values.length; i++) {
    if (i > 0) c.str(' ');
    valueTo(c, values[i], options);
  }
}

export function writeValue(out: Buffer[], value: ResponseValue, options: ComposeOptions = DEFAULT_COMPOSE): void {
  const c = new Chunks(out);
  valueTo(c, value, options);
  c.flush();
}

/** Values separated by spaces, without surrounding parentheses. */
export function writeValues(out: Buffer[], values: ResponseValue[], options: ComposeOptions = DEFAULT_COMPOSE): void {
  const c = new Chunks(out);
  valuesTo(c, values, options);
  c.flush();
}
