// A read position in one framed command, with the lexical rules of RFC 9051 §9 (formal syntax):
// atoms, quoted strings, literals, NIL, numbers and parenthesized lists. Command parsers are
// built from these; every failure is an ImapCodecError of code Syntax.
import { syntaxError } from './errors.js';

const SP = 0x20, CR = 0x0d, LF = 0x0a, DQUOTE = 0x22, BACKSLASH = 0x5c;

/** atom-specials (RFC 9051 §9): ( ) { SP CTL % * " \ ] ; 8-bit is allowed for UTF8=ACCEPT. */
export function isAtomChar(byte: number): boolean {
  if (byte <= 0x1f || byte === 0x7f) return false;
  return !'(){ %*"\\]'.includes(String.fromCharCode(byte));
}

/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
export function isAstringChar(byte: number): boolean {
  return isAtomChar(byte) || byte === 0x5d;
}

/** list-char: ATOM-CHAR / list-wildcards / resp-specials (RFC 9051 §9 `list-mailbox`). */
export function isListChar(byte: number): boolean {
  return isAstringChar(byte) || byte === 0x25 || byte === 0x2a;
}

/** A value read without a schema (ID parameters, unknown extension arguments). */
export type ImapValue = string | Buffer | null | ImapValue[];

export class Cursor {
  pos = 0;
  constructor(readonly bytes: Buffer, readonly tag?: string) {}

  fail(what: string): never {
    throw syntaxError(`${what} at byte ${this.pos}`, this.tag);
  }

  peek(): number | undefined {
    return this.bytes[this.pos];
  }

  /** True at the CRLF (or bare LF) that ends the command, or at the end of the bytes. */
  atEnd(): boolean {
    const b = this.bytes[this.pos];
    return b === undefined || b === LF || (b === CR && this.bytes[this.pos + 1] === LF);
  }

  /** Expects the end of the command: nothing may follow the last argument. */
  end(): void {
    if (!this.atEnd()) this.fail('unexpected text after the arguments');
    const b = this.bytes[this.pos];
    if (b === CR) this.pos++;
    if (this.bytes[this.pos] === LF) this.pos++;
    if (this.pos !== this.bytes.length) this.fail('bytes after the end of the command');
  }

  sp(): void {
    if (this.bytes[this.pos] !== SP) this.fail('expected a space');
    this.pos++;
  }

  /** Consumes `text` (case-insensitive) if it is next; the caller decides what follows. */
  tryLiteralText(text: string): boolean {
    const slice = this.bytes.subarray(this.pos, this.pos + text.length).toString('latin1');
    if (slice.toUpperCase() !== text.toUpperCase()) return false;
    this.pos += text.length;
    return true;
  }

  expect(text: string): void {
    if (!this.tryLiteralText(text)) this.fail(`expected "${text}"`);
  }

  tryChar(char: string): boolean {
    if (this.bytes[this.pos] !== char.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  private readWhile(ok: (byte: number) => boolean, what: string): string {
    const start = this.pos;
    while (this.pos < this.bytes.length && ok(this.bytes[this.pos])) this.pos++;
    if (this.pos === start) this.fail(`expected ${what}`);
    return this.bytes.subarray(start, this.pos).toString('utf8');
  }

  atom(): string {
    return this.readWhile(isAtomChar, 'an atom');
  }

  /** An atom read up to any special, for section specs and similar ("BODY.PEEK"). */
  word(): string {
    return this.readWhile((b) => isAtomChar(b) && b !== 0x5b && b !== 0x3c && b !== 0x2e, 'a word');
  }

  number(): number {
    const text = this.readWhile((b) => b >= 0x30 && b <= 0x39, 'a number');
    const n = Number(text);
    // number64 (RFC 9051 §9) fits in 63 bits; JavaScript numbers hold 2^53 exactly, enough for
    // sizes, offsets and the modseqs the store allocates.
    if (!Number.isSafeInteger(n)) this.fail('number out of range');
    return n;
  }

  nzNumber(): number {
    const n = this.number();
    if (n === 0) this.fail('expected a non-zero number');
    return n;
  }

  /** A quoted string or a literal (`string`); literal8 only when `allowLiteral8`. */
  string(allowLiteral8 = false): Buffer {
    const b = this.peek();
    if (b === DQUOTE) return this.quoted();
    if (b === 0x7b || (allowLiteral8 && b === 0x7e)) return this.literal(allowLiteral8);
    this.fail('expected a string');
  }

  isStringStart(): boolean {
    const b = this.peek();
    return b === DQUOTE || b === 0x7b;
  }

  quoted(): Buffer {
    this.pos++; // opening quote
    const out: number[] = [];
    for (;;) {
      const b = this.bytes[this.pos];
      if (b === undefined || b === CR || b === LF || b === 0) this.fail('unterminated quoted string');
      this.pos++;
      if (b === DQUOTE) return Buffer.from(out);
      if (b === BACKSLASH) {
        const next = this.bytes[this.pos];
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('bad escape in quoted string');
        this.pos++;
        out.push(next);
        continue;
      }
      out.push(b);
    }
  }

  /** "{n}" / "{n+}" CRLF and n bytes (RFC 9051 §4.3, RFC 7888); "~{n}" is literal8 (RFC 3516). */
  literal(allowLiteral8 = false): Buffer {
    if (this.bytes[this.pos] === 0x7e) {
      if (!allowLiteral8) this.fail('literal8 not allowed here');
      this.pos++;
    }
    this.expect('{');
    const size = this.number();
    this.tryChar('+');
    this.expect('}');
    if (this.bytes[this.pos] === CR) this.pos++;
    if (this.bytes[this.pos] !== LF) this.fail('expected CRLF after literal size');
    this.pos++;
    if (this.pos + size > this.bytes.length) this.fail('literal shorter than announced');
    const data = this.bytes.subarray(this.pos, this.pos + size);
    this.pos += size;
    // A plain literal (not literal8) must not contain NUL (RFC 9051 §4.3).
    if (!allowLiteral8 && data.includes(0)) this.fail('NUL in literal');
    return data;
  }

  /** astring: 1*ASTRING-CHAR / string. */
  astring(): Buffer {
    if (this.isStringStart()) return this.string();
    const start = this.pos;
    this.readWhile(isAstringChar, 'an astring');
    return this.bytes.subarray(start, this.pos);
  }

  astringText(): string {
    return this.astring().toString('utf8');
  }

  /** nstring: string / NIL. */
  nstring(): Buffer | null {
    if (this.isStringStart()) return this.string();
    if (this.tryNil()) return null;
    this.fail('expected a string or NIL');
  }

  tryNil(): boolean {
    const save = this.pos;
    if (this.tryLiteralText('NIL') && !isAtomChar(this.peek() ?? SP)) return true;
    this.pos = save;
    return false;
  }

  /** Reads "(" item *(SP item) ")" with `item` for each element; empty lists when `allowEmpty`. */
  list<T>(item: () => T, allowEmpty = true, adjacentLists = false): T[] {
    this.expect('(');
    const out: T[] = [];
    if (this.tryChar(')')) {
      if (!allowEmpty) this.fail('empty list');
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.tryChar(')')) return out;
      // In responses, body parts and addresses follow each other without a space (RFC 9051 §9).
      if (adjacentLists && this.peek() === 0x28) continue;
      this.sp();
    }
  }

  /** A value of unknown shape: list, string, NIL or atom (for ID and unknown extensions). */
  value(depth = 0): ImapValue {
    if (depth > 20) this.fail('lists nested too deeply');
    const b = this.peek();
    if (b === 0x28) return this.list(() => this.value(depth + 1), true, true);
    if (this.isStringStart()) return this.string();
    if (this.tryNil()) return null;
    return this.readWhile(isAstringChar, 'a value');
  }
}
