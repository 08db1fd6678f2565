// SORT ordering (RFC 5256 §3 SORT, RFC 5957 DISPLAYFROM/DISPLAYTO) over the store's cached
// parse: the envelope's first address, the decoded subject, the Date header as parsed at
// delivery, the internal date and size. Nothing is read from the message blob. Each message's
// keys are computed once, then compared; ties in every criterion fall back to the order in the
// mailbox (RFC 5256 §3: "sorted according to the order in which they appear in the mailbox").
import libmime from 'libmime';
import type { MailAddress, MailMessage, MessageState } from '../../../../src/model/mail.js';
import { asciiCasemapKey, subjectSortKey } from './base-subject.js';

export type SortCriterion = { key: string; reverse: boolean };

/** Keys answered from the message state alone (no parse needed). */
const STATE_KEYS = new Set(['ARRIVAL', 'SIZE']);

export function sortNeedsParse(criteria: SortCriterion[]): boolean {
  return criteria.some((c) => !STATE_KEYS.has(c.key));
}

type KeyValue = number | Buffer;

/**
 * The sent date (RFC 5256 §2.2): the Date header in UTC, or the internal date when the header is
 * absent or cannot be parsed.
 */
export function sentDate(m: MessageState | MailMessage): number {
  return ('parsed' in m ? m.parsed.date : null) ?? m.internalDate;
}

/** addr-mailbox (local part) of the first address; a group's name for a group (RFC 5256 §3). */
function firstMailbox(list: MailAddress[]): string {
  const a = list[0];
  if (!a) return '';
  if (a.group !== undefined) return a.group;
  const at = a.address?.lastIndexOf('@') ?? -1;
  return at >= 0 ? a.address!.slice(0, at) : a.address ?? '';
}

/**
 * RFC 5957 §3: the decoded display name of the first address, else its addr-spec; a group
 * sorts by its display name (the group name).
 */
export function displayName(list: MailAddress[]): string {
  const a = list[0];
  if (!a) return '';
  if (a.group !== undefined) return a.group;
  if (a.name) {
    let name = a.name;
    try { name = libmime.decodeWords(name); } catch { /* keep it as written */ }
    if (name.trim() !== '') return name.trim();
  }
  return a.address ?? '';
}

function keyValue(m: MessageState | MailMessage, key: string): KeyValue {
  switch (key) {
    case 'ARRIVAL': return m.internalDate;
    case 'SIZE': return m.size;
    case 'DATE': return sentDate(m);
  }
  const env = (m as MailMessage).parsed.envelope;
  switch (key) {
    case 'SUBJECT': return subjectSortKey((m as MailMessage).parsed.subject);
    case 'FROM': return asciiCasemapKey(firstMailbox(env.from));
    case 'TO': return asciiCasemapKey(firstMailbox(env.to));
    case 'CC': return asciiCasemapKey(firstMailbox(env.cc));
    case 'DISPLAYFROM': return asciiCasemapKey(displayName(env.from));
    case 'DISPLAYTO': return asciiCasemapKey(displayName(env.to));
    default: throw new Error(`unknown sort key ${key}`);
  }
}

function compareValues(a: KeyValue, b: KeyValue): number {
  return typeof a === 'number' ? a - (b as number) : Buffer.compare(a, b as Buffer);
}

/**
 * The messages in SORT order. `messages` must be in mailbox (ascending UID) order, which breaks
 * the remaining ties; REVERSE reverses one criterion, not the tie-break (RFC 5256 §3).
 */
export function sortMessages<T extends MessageState | MailMessage>(messages: T[], criteria: SortCriterion[]): T[] {
  const rows = messages.map((m, position) => ({ m, position, keys: criteria.map((c) => keyValue(m, c.key)) }));
  rows.sort((x, y) => {
    for (let i = 0; i < criteria.length; i++) {
      const d = compareValues(x.keys[i], y.keys[i]);
      if (d !== 0) return criteria[i].reverse ? -d : d;
    }
    return x.position - y.position;
  });
  return rows.map((r) => r.m);
}
