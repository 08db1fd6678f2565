// Whole server responses (RFC 9051 §7): tagged status, untagged data and status, continuation
// requests, and FETCH responses (§7.5.2). Each returns one Buffer, CRLF included.
import { Atom, atom, DEFAULT_COMPOSE, writeValues, type ComposeOptions, type ResponseValue } from './compose-values.js';

export type StatusWord = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

/** A response code in brackets: `[UIDNEXT 4]`, `[TRYCREATE]`, `[COPYUID 1 1:2 5:6]`. */
export interface ResponseCode { code: string; args?: ResponseValue[] }

// Human-readable text (resp-text) must not contain CR/LF or start with "[" unless it is a code.
function cleanText(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return flat.startsWith('[') ? ' ' + flat : flat;
}

function statusLine(prefix: string, status: StatusWord, code: ResponseCode | undefined, text: string, options: ComposeOptions): Buffer {
  const out: Buffer[] = [Buffer.from(`${prefix} ${status} `)];
  if (code) {
    out.push(Buffer.from(`[${code.code.toUpperCase()}`));
    if (code.args && code.args.length > 0) {
      out.push(Buffer.from(' '));
      writeValues(out, code.args, options);
    }
    out.push(Buffer.from('] '));
  }
  out.push(Buffer.from(cleanText(text || status), 'utf8'), Buffer.from('\r\n'));
  return Buffer.concat(out);
}

export function tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string, code?: ResponseCode, options = DEFAULT_COMPOSE): Buffer {
  return statusLine(tag, status, code, text, options);
}

export function untaggedStatus(status: StatusWord, text: string, code?: ResponseCode, options = DEFAULT_COMPOSE): Buffer {
  return statusLine('*', status, code, text, options);
}

/** `* ` followed by values: `* 3 EXISTS`, `* LIST (\Noselect) "/" foo`, `* SEARCH 2 5`. */
export function untagged(values: ResponseValue[], options = DEFAULT_COMPOSE): Buffer {
  const out: Buffer[] = [Buffer.from('* ')];
  writeValues(out, values, options);
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** `+ text` (RFC 9051 §7.6); `+ base64` for SASL challenges. */
export function continuation(text = 'Ready'): Buffer {
  return Buffer.from(`+ ${text.replace(/[\r\n]+/g, ' ')}\r\n`, 'utf8');
}

/** `* n FETCH (name value ...)`; names are written as atoms ("BODY[1]<0>", "UID"). */
export function fetchResponse(seq: number, items: Array<[string, ResponseValue]>, options = DEFAULT_COMPOSE): Buffer {
  const flat: ResponseValue[] = [];
  for (const [name, value] of items) flat.push(atom(name), value);
  return untagged([seq, atom('FETCH'), flat], options);
}

/** A flag list `(\Seen $Work)` as atoms. */
export function flagList(flags: string[]): Atom[] {
  return flags.map((f) => atom(f));
}
