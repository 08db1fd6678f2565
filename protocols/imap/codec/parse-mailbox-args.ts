// Arguments of the mailbox commands: SELECT/EXAMINE (RFC 9051 §6.3.2, RFC 7162 §3.1.8 CONDSTORE,
// §3.2.5 QRESYNC), CREATE (RFC 6154 §3 USE), LIST (RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS),
// STATUS (RFC 9051 §6.3.11) and APPEND (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND, RFC 3516 literal8,
// RFC 6855 §4 UTF8, RFC 4469 CATENATE).
import { isListChar, type Cursor } from './cursor.js';
import type { AppendMessage, ListReturn, ListSelection, SelectParams } from './command-types.js';
import { readSequenceSet } from './parse-search.js';

export function readMailbox(c: Cursor): string {
  return c.astring().toString('utf8');
}

/** flag = "\" atom / atom (RFC 9051 §9 `flag`, `flag-keyword`). */
export function readFlag(c: Cursor): string {
  const system = c.tryChar('\\');
  return system ? '\\' + c.atom() : c.atom();
}

export function readFlagList(c: Cursor): string[] {
  return c.list(() => readFlag(c));
}

export function parseSelectParams(c: Cursor): SelectParams {
  const params: SelectParams = { condstore: false };
  if (c.atEnd()) return params;
  c.sp();
  c.list(() => {
    const name = c.atom().toUpperCase();
    if (name === 'CONDSTORE') {
      params.condstore = true;
    } else if (name === 'QRESYNC') {
      c.sp();
      c.expect('(');
      const uidValidity = c.nzNumber();
      c.sp();
      const modseq = c.number();
      params.qresync = { uidValidity, modseq };
      if (c.tryChar(' ')) {
        if (c.peek() !== 0x28) {
          params.qresync.knownUids = readSequenceSet(c);
          if (!c.tryChar(' ')) { c.expect(')'); return; }
        }
        c.expect('(');
        const seqs = readSequenceSet(c);
        c.sp();
        params.qresync.seqMatch = { seqs, uids: readSequenceSet(c) };
        c.expect(')');
      }
      c.expect(')');
    } else {
      c.fail(`unknown select parameter "${name}"`);
    }
  }, false);
  return params;
}

/** CREATE mailbox [SP (USE (\Drafts ...))] (RFC 6154 §3). */
export function parseCreateParams(c: Cursor): string[] {
  if (c.atEnd()) return [];
  c.sp();
  const uses: string[] = [];
  c.list(() => {
    c.expect('USE');
    c.sp();
    uses.push(...readFlagList(c));
  }, false);
  return uses;
}

/** list-mailbox = 1*list-char / string (RFC 9051 §9). */
export function readListPattern(c: Cursor): string {
  if (c.isStringStart()) return c.string().toString('utf8');
  const start = c.pos;
  while (c.peek() !== undefined && isListChar(c.peek()!)) c.pos++;
  if (c.pos === start) c.fail('expected a mailbox pattern');
  return c.bytes.subarray(start, c.pos).toString('utf8');
}

export function parseListArgs(c: Cursor) {
  const selection: ListSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const ret: ListReturn = { subscribed: false, children: false, specialUse: false };
  if (c.peek() === 0x28) {
    c.list(() => {
      const option = c.atom().toUpperCase();
      if (option === 'SUBSCRIBED') selection.subscribed = true;
      else if (option === 'REMOTE') selection.remote = true;
      else if (option === 'RECURSIVEMATCH') selection.recursiveMatch = true;
      else if (option === 'SPECIAL-USE') selection.specialUse = true;
      else c.fail(`unknown LIST selection option "${option}"`);
    });
    // RFC 5258 §3: RECURSIVEMATCH alone is an error.
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) c.fail('RECURSIVEMATCH needs another option');
    c.sp();
  }
  const reference = readMailbox(c);
  c.sp();
  const patterns = c.peek() === 0x28 ? c.list(() => readListPattern(c), false) : [readListPattern(c)];
  if (!c.atEnd()) {
    c.sp();
    c.expect('RETURN');
    c.sp();
    c.list(() => {
      const option = c.atom().toUpperCase();
      if (option === 'SUBSCRIBED') ret.subscribed = true;
      else if (option === 'CHILDREN') ret.children = true;
      else if (option === 'SPECIAL-USE') ret.specialUse = true;
      else if (option === 'STATUS') {
        c.sp();
        ret.status = readStatusItems(c);
      } else c.fail(`unknown LIST return option "${option}"`);
    });
  }
  return { reference, patterns, selection, return: ret };
}

const STATUS_ITEMS = new Set([
  'MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ',
  'APPENDLIMIT', 'MAILBOXID',
]);

export function readStatusItems(c: Cursor): string[] {
  return c.list(() => {
    const item = c.atom().toUpperCase();
    if (!STATUS_ITEMS.has(item)) c.fail(`unknown STATUS item "${item}"`);
    return item;
  }, false);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function readDateTime(c: Cursor): Date {
  const text = c.quoted().toString('latin1');
  const m = /^([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text);
  const month = m ? MONTHS.findIndex((name) => name.toLowerCase() === m[2].toLowerCase()) : -1;
  if (!m || month < 0) c.fail(`bad date-time "${text}"`);
  const [day, year, hh, mm, ss, zh, zm] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map((v) => Number(v.trim()));
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth || hh > 23 || mm > 59 || ss > 60 || zm > 59) c.fail(`bad date-time "${text}"`);
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm);
  return new Date(Date.UTC(year, month, day, hh, mm, ss) - offsetMinutes * 60_000);
}

/** One message of APPEND: [flag-list SP] [date-time SP] (literal / literal8 / UTF8 (literal8)). */
function readAppendMessage(c: Cursor): AppendMessage {
  let flags: string[] = [];
  let internalDate: Date | undefined;
  if (c.peek() === 0x28) {
    flags = readFlagList(c);
    c.sp();
  }
  if (c.peek() === 0x22) {
    internalDate = readDateTime(c);
    c.sp();
  }
  if (c.tryLiteralText('CATENATE ')) {
    // RFC 4469 §5: cat-part = "TEXT" SP literal / "URL" SP astring.
    const catenate = c.list(() => {
      if (c.tryLiteralText('TEXT ')) {
        const binary = c.peek() === 0x7e;
        return { text: c.literal(true), binary };
      }
      c.expect('URL ');
      return { url: c.astringText() };
    }, false);
    return { flags, internalDate, catenate };
  }
  if (c.tryLiteralText('UTF8 (')) {
    const message = c.literal(true);
    c.expect(')');
    return { flags, internalDate, message, binary: true };
  }
  if (c.peek() === 0x7e) return { flags, internalDate, message: c.literal(true), binary: true };
  if (c.peek() !== 0x7b) c.fail('expected the message literal');
  return { flags, internalDate, message: c.literal(), binary: false };
}

export function parseAppendArgs(c: Cursor): { mailbox: string; messages: AppendMessage[] } {
  const mailbox = readMailbox(c);
  const messages: AppendMessage[] = [];
  do {
    c.sp();
    messages.push(readAppendMessage(c));
  } while (!c.atEnd()); // RFC 3502 MULTIAPPEND: further messages follow after a space
  return { mailbox, messages };
}
