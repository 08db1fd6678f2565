// SEARCH keys evaluated against messages (RFC 9051 §6.4.4; MODSEQ RFC 7162 §3.1.5; OLDER and
// YOUNGER RFC 5032). Header keys match the decoded header values; BODY and TEXT match the
// transfer- and charset-decoded text parts. Matching is case-insensitive substring (§6.4.4).
import libmime from 'libmime';
import type { Store } from '../../../src/store/store.js';
import type { MailMessage, MessageState, MimePart } from '../../../src/model/mail.js';
import { allParts } from '../../../src/mail/mime-parts.js';
import { decodedText } from '../../../src/mail/part-content.js';
import type { SearchDate, SearchKey } from '../codec/index.js';
import type { SelectedMailbox } from './selected.js';

const STATE_KEYS = new Set(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN', 'UNANSWERED', 'UNDELETED',
  'UNDRAFT', 'UNFLAGGED', 'UNSEEN', 'KEYWORD', 'UNKEYWORD', 'BEFORE', 'ON', 'SINCE', 'OLDER', 'YOUNGER', 'LARGER', 'SMALLER', 'UID', 'SEQ', 'MODSEQ']);

/** Whether any key needs the parsed message (headers, text, sent dates). */
export function searchNeedsParse(k: SearchKey): boolean {
  if (k.op === 'NOT') return searchNeedsParse(k.key);
  if (k.op === 'OR') return searchNeedsParse(k.left) || searchNeedsParse(k.right);
  if (k.op === 'AND') return k.keys.some(searchNeedsParse);
  return !STATE_KEYS.has(k.op);
}

export function usesModseq(k: SearchKey): boolean {
  if (k.op === 'NOT') return usesModseq(k.key);
  if (k.op === 'OR') return usesModseq(k.left) || usesModseq(k.right);
  if (k.op === 'AND') return k.keys.some(usesModseq);
  return k.op === 'MODSEQ';
}

const dayOf = (d: SearchDate) => Date.UTC(d.year, d.month - 1, d.day);
const utcDay = (ms: number) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()); };
const fold = (s: string) => s.toLowerCase();

/** Per-message lazily read text: the header fields and the decoded body. */
class MessageText {
  private header: Map<string, string[]> | null = null;
  private whole: Buffer | null = null;
  private body: string | null = null;
  constructor(private readonly store: Store, private readonly m: MailMessage) {}

  private async bytes(): Promise<Buffer> {
    return (this.whole ??= (await this.store.readMessageBytes(this.m.itemId)) ?? Buffer.alloc(0));
  }

  async fields(name: string): Promise<string[]> {
    if (!this.header) {
      const raw = (await this.store.readMessageBytes(this.m.itemId, { start: 0, end: this.m.parsed.mime.bodyStart }))?.toString('utf8') ?? '';
      this.header = new Map();
      for (const field of raw.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
        const colon = field.indexOf(':');
        if (colon <= 0) continue;
        const key = field.slice(0, colon).trim().toLowerCase();
        let value = field.slice(colon + 1).trim();
        try { value = libmime.decodeWords(value); } catch { /* keep the raw value */ }
        this.header.set(key, [...(this.header.get(key) ?? []), value]);
      }
    }
    return this.header.get(name.toLowerCase()) ?? [];
  }

  async headerText(): Promise<string> {
    await this.fields('');
    return [...this.header!.entries()].map(([k, v]) => `${k}: ${v.join(' ')}`).join('\n');
  }

  async bodyText(): Promise<string> {
    if (this.body === null) {
      const texts: string[] = [];
      const bytes = await this.bytes();
      for (const p of allParts(this.m.parsed.mime)) if (isTextLeaf(p)) texts.push(await decodedText(bytes, p).catch(() => ''));
      this.body = texts.join('\n');
    }
    return this.body;
  }
}

function isTextLeaf(p: MimePart): boolean {
  return !p.children && p.type === 'text';
}

export interface SearchScope { sel: SelectedMailbox; saved: number[] | null; now: number; store: Store }

/** Whether the message has the flag (case-insensitive, RFC 9051 §2.3.2). */
function hasFlag(m: MessageState, flag: string): boolean {
  const want = fold(flag);
  for (const f of m.flags) if (fold(f) === want) return true;
  return false;
}

/** Keys read from the message text (header fields, body): only they need a MessageText. */
const TEXT_KEYS = new Set(['HEADER', 'BODY', 'TEXT']);

export async function matches(scope: SearchScope, m: MessageState | MailMessage, key: SearchKey, text?: MessageText): Promise<boolean> {
  // Made once per message and only when a text key is met: one per message would be most of a
  // SUBJECT search's allocations.
  const t = text ?? ('parsed' in m && needsText(key) ? new MessageText(scope.store, m) : undefined);
  const has = (flag: string) => hasFlag(m, flag);
  switch (key.op) {
    case 'ALL': return true;
    case 'ANSWERED': return has('\\Answered');
    case 'DELETED': return has('\\Deleted');
    case 'DRAFT': return has('\\Draft');
    case 'FLAGGED': return has('\\Flagged');
    case 'SEEN': return has('\\Seen');
    case 'UNANSWERED': return !has('\\Answered');
    case 'UNDELETED': return !has('\\Deleted');
    case 'UNDRAFT': return !has('\\Draft');
    case 'UNFLAGGED': return !has('\\Flagged');
    case 'UNSEEN': return !has('\\Seen');
    case 'RECENT': return scope.sel.recent.has(m.uid);
    case 'NEW': return scope.sel.recent.has(m.uid) && !has('\\Seen');
    case 'OLD': return !scope.sel.recent.has(m.uid);
    case 'KEYWORD': return has(key.flag);
    case 'UNKEYWORD': return !has(key.flag);
    case 'BEFORE': return utcDay(m.internalDate) < dayOf(key.date);
    case 'ON': return utcDay(m.internalDate) === dayOf(key.date);
    case 'SINCE': return utcDay(m.internalDate) >= dayOf(key.date);
    case 'OLDER': return scope.now - m.internalDate >= key.seconds * 1000;
    case 'YOUNGER': return scope.now - m.internalDate <= key.seconds * 1000;
    case 'LARGER': return m.size > key.size;
    case 'SMALLER': return m.size < key.size;
    case 'MODSEQ': return m.modseq >= key.modseq;
    case 'UID': return (scope.sel.resolve(key.set, true, scope.saved) ?? []).includes(m.uid);
    case 'SEQ': return (scope.sel.resolve(key.set, false, scope.saved) ?? []).includes(m.uid);
    case 'NOT': return !(await matches(scope, m, key.key, t));
    case 'OR': return (await matches(scope, m, key.left, t)) || (await matches(scope, m, key.right, t));
    case 'AND': {
      for (const k of key.keys) if (!(await matches(scope, m, k, t))) return false;
      return true;
    }
    case 'SENTBEFORE': case 'SENTON': case 'SENTSINCE': {
      const { date } = (m as MailMessage).parsed;
      if (date === null) return false;
      // The date as written in the Date header, in its own zone (RFC 9051 §6.4.4 SENTON).
      const d = utcDay(date + zoneOffsetMs((m as MailMessage).parsed.envelope.date)), want = dayOf(key.date);
      return key.op === 'SENTBEFORE' ? d < want : key.op === 'SENTON' ? d === want : d >= want;
    }
    // From the cached parse: no blob read (the decoded subject, the envelope's addresses).
    case 'SUBJECT':
      return contains([(m as MailMessage).parsed.subject], key.value);
    case 'FROM': case 'TO': case 'CC': case 'BCC': {
      const env = (m as MailMessage).parsed.envelope;
      const list = key.op === 'FROM' ? env.from : key.op === 'TO' ? env.to : key.op === 'CC' ? env.cc : env.bcc;
      return contains(list.map((a) => (a.group !== undefined ? a.group : a.address ? `${decodeName(a.name)} <${a.address}>` : '')), key.value);
    }
    case 'HEADER':
      // An empty value matches every message that has the field (RFC 9051 §6.4.4).
      return key.value === '' ? (await t!.fields(key.field)).length > 0 : contains(await t!.fields(key.field), key.value);
    case 'BODY': return fold(await t!.bodyText()).includes(fold(key.value));
    case 'TEXT': return fold(await t!.headerText()).includes(fold(key.value)) || fold(await t!.bodyText()).includes(fold(key.value));
  }
}

function needsText(k: SearchKey): boolean {
  if (k.op === 'NOT') return needsText(k.key);
  if (k.op === 'OR') return needsText(k.left) || needsText(k.right);
  if (k.op === 'AND') return k.keys.some(needsText);
  return TEXT_KEYS.has(k.op);
}

function decodeName(name: string | null): string {
  if (!name) return '';
  try { return libmime.decodeWords(name); } catch { return name; }
}

/** The "+0200" of a Date header value in milliseconds; 0 when absent. */
function zoneOffsetMs(header: string | null): number {
  const m = header ? /([+-])(\d{2})(\d{2})\s*(?:\([^)]*\)\s*)?$/.exec(header) : null;
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

function contains(values: string[], needle: string): boolean {
  const n = fold(needle);
  return values.some((v) => fold(v).includes(n));
}
