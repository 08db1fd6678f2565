// BODY[section] (RFC 9051 §6.4.5): which bytes of the stored message a section names, from the
// cached MIME tree's offsets; only those bytes are read from the blob (never the whole message
// for a part, never a re-parse).
import type { MailMessage, MimePart } from '../../../src/model/mail.js';
import type { Section } from '../codec/index.js';

/**
 * The part a section number names (RFC 9051 §6.4.5). A message's (or embedded message's) single
 * body is its part 1, even when that body is itself a message/rfc822 (then 1.1 goes inside it);
 * part N.x of a message/rfc822 part N addresses the embedded message's parts.
 */
export function partAt(root: MimePart, numbers: number[]): MimePart | null {
  const inMessage = (top: MimePart, n: number): MimePart | null => (top.children ? top.children[n - 1] ?? null : n === 1 ? top : null);
  let cur: MimePart | null = null;
  for (const n of numbers) {
    if (cur === null) cur = inMessage(root, n);
    else if (cur.message) cur = inMessage(cur.message.body, n);
    else cur = cur.children ? cur.children[n - 1] ?? null : null;
    if (!cur) return null;
  }
  return cur ?? root;
}

export type ByteRange = { start: number; end: number };

/**
 * The range a section names, and for HEADER.FIELDS[.NOT] the field filter to apply to it; null
 * when the message has no such part (the answer is then an empty string).
 */
export function sectionRange(m: MailMessage, s: Section): { range: ByteRange; fields?: { names: string[]; not: boolean } } | null {
  const root = m.parsed.mime;
  let part: MimePart | null = root;
  if (s.part.length > 0) part = partAt(root, s.part);
  if (!part) return null;
  if (s.text === 'MIME') return s.part.length > 0 ? { range: { start: part.headerStart, end: part.bodyStart } } : null;
  if (s.text === undefined) return s.part.length === 0 ? { range: { start: 0, end: m.size } } : { range: { start: part.bodyStart, end: part.bodyEnd } };
  // HEADER, TEXT, HEADER.FIELDS name the message itself or the message inside a message/rfc822 part.
  const msg = s.part.length === 0 ? root : part.message?.body;
  if (!msg) return null;
  const header = { start: msg.headerStart, end: msg.bodyStart };
  if (s.text === 'TEXT') return { range: { start: msg.bodyStart, end: s.part.length === 0 ? m.size : part.bodyEnd } };
  if (s.text === 'HEADER') return { range: header };
  return { range: header, fields: { names: (s.fields ?? []).map((f) => f.toLowerCase()), not: s.text === 'HEADER.FIELDS.NOT' } };
}

/** The header fields named (or not named) from a header block, then the blank line (§6.4.5). */
export function filterHeader(block: Buffer, names: string[], not: boolean): Buffer {
  const text = block.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const keep: string[] = [];
  let current: string[] = [];
  let take = false;
  const flush = () => { if (take) keep.push(...current); current = []; };
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if (line.startsWith(' ') || line.startsWith('\t')) { current.push(line); continue; }
    flush();
    const colon = line.indexOf(':');
    const name = (colon > 0 ? line.slice(0, colon) : line).trim().toLowerCase();
    take = names.includes(name) !== not;
    current.push(line);
  }
  flush();
  return Buffer.from(keep.join('') + '\r\n', 'latin1');
}

/** "1.2.HEADER.FIELDS (FROM TO)" as it is echoed in the FETCH answer. */
export function sectionName(s: Section): string {
  let name = s.part.join('.');
  if (s.text) name += (name ? '.' : '') + s.text;
  if (s.fields) name += ` (${s.fields.join(' ')})`;
  return name;
}
