// Sequence sets (RFC 9051 §9 `sequence-set`): "1:3,5,7:*" over message sequence numbers or UIDs.
// `*` stays symbolic here; only the engine knows the mailbox's largest number.
import { syntaxError } from './errors.js';

/** A number, or `*` meaning "the largest number in use" (RFC 9051 §9 `seq-number`). */
export type SeqNumber = number | '*';
export interface SeqRange { from: SeqNumber; to: SeqNumber }
/** Ranges as the client wrote them; `'$'` is the saved search result (RFC 5182 §2.1). */
export type SequenceSet = SeqRange[] | '$';

const MAX_NZ = 0xffffffff; // nz-number is a 32-bit unsigned integer (RFC 9051 §9)

function parseSeqNumber(text: string): SeqNumber {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]*$/.test(text)) throw syntaxError(`bad sequence number "${text}"`);
  const n = Number(text);
  if (n > MAX_NZ) throw syntaxError(`sequence number out of range "${text}"`);
  return n;
}

export function parseSequenceSet(text: string): SequenceSet {
  if (text === '$') return '$';
  if (text.length === 0) throw syntaxError('empty sequence set');
  return text.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) {
      const n = parseSeqNumber(part);
      return { from: n, to: n };
    }
    return { from: parseSeqNumber(part.slice(0, colon)), to: parseSeqNumber(part.slice(colon + 1)) };
  });
}

export function formatSequenceSet(set: SequenceSet): string {
  if (set === '$') return '$';
  return set.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

/**
 * Whether `n` is in the set, given the current largest number `max` for `*`. A range may be
 * written high to low ("3:1" is 1:3, RFC 9051 §9 `seq-range`).
 */
export function sequenceSetHas(set: SeqRange[], n: number, max: number): boolean {
  return set.some((r) => {
    const a = r.from === '*' ? max : r.from;
    const b = r.to === '*' ? max : r.to;
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}

/** Compresses sorted, distinct numbers into the shortest set text ("1:3,7"), e.g. for COPYUID. */
export function compressNumbers(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
