// Modified UTF-7 mailbox names (RFC 3501 §5.1.3; kept for IMAP4rev1 clients by RFC 9051 §5.1.3
// and §6.3.1 when UTF8=ACCEPT is not enabled): printable ASCII stands for itself except "&",
// written "&-"; everything else is UTF-16 in modified base64 (',' for '/') between "&" and "-".
import { syntaxError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== 0x26;
}

function encodeRun(run: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const unit = run.charCodeAt(i);
    bytes.push(unit >> 8, unit & 0xff);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i], b1 = bytes[i + 1], b2 = bytes[i + 2];
    out += B64[b0 >> 2];
    out += B64[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 !== undefined) out += B64[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 !== undefined) out += B64[b2 & 63];
  }
  return out; // no '=' padding in modified base64
}

export function encodeMutf7(name: string): string {
  let out = '';
  let run = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isDirect(code) || code === 0x26) {
      if (run) { out += `&${encodeRun(run)}-`; run = ''; }
      out += code === 0x26 ? '&-' : name[i];
    } else {
      run += name[i];
    }
  }
  if (run) out += `&${encodeRun(run)}-`;
  return out;
}

/** Decodes a modified UTF-7 name; throws ImapCodecError for text no conforming client sends. */
export function decodeMutf7(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (code > 0x7e || code < 0x20) throw syntaxError('mailbox name is not 7-bit printable');
    if (ch !== '&') { out += ch; i++; continue; }
    const end = text.indexOf('-', i + 1);
    if (end < 0) throw syntaxError('unterminated modified UTF-7 run');
    const run = text.slice(i + 1, end);
    i = end + 1;
    if (run === '') { out += '&'; continue; }
    let bits = 0, acc = 0;
    const units: number[] = [];
    let pending: number[] = [];
    for (const c of run) {
      const v = B64.indexOf(c);
      if (v < 0) throw syntaxError(`bad modified base64 character "${c}"`);
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        pending.push((acc >> bits) & 0xff);
        if (pending.length === 2) { units.push((pending[0] << 8) | pending[1]); pending = []; }
      }
    }
    if (units.length === 0 || bits >= 6 || pending.length !== 0 || (acc & ((1 << bits) - 1)) !== 0) throw syntaxError('bad modified base64 padding');
    const decoded = String.fromCharCode(...units);
    // A run must not encode what could be written directly (RFC 3501 §5.1.3).
    if ([...decoded].some((c) => isDirect(c.charCodeAt(0)))) throw syntaxError('modified UTF-7 encodes a printable character');
    out += decoded;
  }
  return out;
}
