// SEARCH, SORT and THREAD arguments (RFC 9051 §6.4.4, RFC 4731 ESEARCH RETURN, RFC 5256 SORT and
// THREAD, RFC 7162 §3.1.5 MODSEQ). Strings are decoded as UTF-8: the only charsets accepted are
// US-ASCII and UTF-8 (RFC 9051 §6.4.4 requires UTF-8; others answer NO [BADCHARSET] in the engine).
import type { Cursor } from './cursor.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';
import type { PartialRange, SearchDate, SearchKey, SearchReturn } from './search-types.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

const FLAG_KEYS = new Set([
  'ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN',
  'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN',
]);
const STRING_KEYS = new Set(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);

/** Reads a sequence set token: digits, ':', ',', '*' and '$' (RFC 9051 §9 `sequence-set`). */
export function readSequenceSet(c: Cursor): SequenceSet {
  const start = c.pos;
  while (c.peek() !== undefined && /[0-9:,*$]/.test(String.fromCharCode(c.peek()!))) c.pos++;
  if (c.pos === start) c.fail('expected a sequence set');
  try {
    return parseSequenceSet(c.bytes.subarray(start, c.pos).toString('latin1'));
  } catch {
    c.fail('bad sequence set');
  }
}

/** date = date-text / DQUOTE date-text DQUOTE; date-text = day "-" month "-" year. */
export function readDate(c: Cursor): SearchDate {
  const quoted = c.tryChar('"');
  const start = c.pos;
  while (c.peek() !== undefined && /[0-9A-Za-z-]/.test(String.fromCharCode(c.peek()!))) c.pos++;
  const text = c.bytes.subarray(start, c.pos).toString('latin1');
  if (quoted && !c.tryChar('"')) c.fail('unterminated date');
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2].toUpperCase()) + 1 : 0;
  if (!match || month === 0) c.fail(`bad date "${text}"`);
  const day = Number(match[1]);
  const year = Number(match[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) c.fail(`bad date "${text}"`);
  return { year, month, day };
}

function text(c: Cursor): string {
  return c.astring().toString('utf8');
}

function readKey(c: Cursor, depth: number): SearchKey {
  if (depth > 50) c.fail('search keys nested too deeply');
  const b = c.peek();
  if (b === 0x28) {
    const keys = c.list(() => readKey(c, depth + 1), false);
    return keys.length === 1 ? keys[0] : { op: 'AND', keys };
  }
  if (b !== undefined && (b === 0x2a || b === 0x24 || (b >= 0x30 && b <= 0x39))) {
    return { op: 'SEQ', set: readSequenceSet(c) };
  }
  const name = c.atom().toUpperCase();
  if (FLAG_KEYS.has(name)) return { op: name } as SearchKey;
  c.sp();
  if (name === 'KEYWORD' || name === 'UNKEYWORD') return { op: name, flag: c.atom() };
  if (STRING_KEYS.has(name)) return { op: name as 'BODY', value: text(c) };
  if (DATE_KEYS.has(name)) return { op: name as 'ON', date: readDate(c) };
  switch (name) {
    case 'HEADER': {
      const field = text(c);
      c.sp();
      return { op: 'HEADER', field, value: text(c) };
    }
    case 'LARGER':
    case 'SMALLER':
      return { op: name, size: c.number() };
    case 'OLDER':
    case 'YOUNGER': // RFC 5032 WITHIN
      return { op: name, seconds: c.nzNumber() };
    case 'UID':
      return { op: 'UID', set: readSequenceSet(c) };
    case 'NOT':
      return { op: 'NOT', key: readKey(c, depth + 1) };
    case 'OR': {
      const left = readKey(c, depth + 1);
      c.sp();
      return { op: 'OR', left, right: readKey(c, depth + 1) };
    }
    case 'MODSEQ': {
      // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type-req] mod-sequence-valzer
      if (c.isStringStart()) {
        const entry = c.string().toString('utf8');
        c.sp();
        const type = c.atom().toLowerCase();
        if (type !== 'priv' && type !== 'shared' && type !== 'all') c.fail('bad MODSEQ entry type');
        c.sp();
        return { op: 'MODSEQ', modseq: c.number(), entry: { name: entry, type } };
      }
      return { op: 'MODSEQ', modseq: c.number() };
    }
    default:
      c.fail(`unknown search key "${name}"`);
  }
}

/** search-key *(SP search-key), combined by AND (RFC 9051 §6.4.4). */
export function readSearchKeys(c: Cursor): SearchKey {
  const keys = [readKey(c, 0)];
  while (!c.atEnd()) {
    c.sp();
    keys.push(readKey(c, 0));
  }
  return keys.length === 1 ? keys[0] : { op: 'AND', keys };
}

/** partial-range-first = nz-number ":" nz-number; partial-range-last = "-" nz ":" "-" nz (RFC 9394 §4). */
function readPartialRange(c: Cursor): PartialRange {
  const last = c.tryChar('-');
  const from = c.nzNumber();
  c.expect(':');
  if (last) c.expect('-');
  const to = c.nzNumber();
  return last ? { from: -from, to: -to } : { from, to };
}

/** RETURN (MIN MAX ALL COUNT SAVE UPDATE CONTEXT PARTIAL r) (RFC 4731 §3.1, RFC 5182 §2.1, RFC 5267 §4.1, RFC 9394). */
function readReturn(c: Cursor): SearchReturn {
  return c.list(() => {
    const option = c.atom().toUpperCase();
    if (option === 'PARTIAL') {
      c.sp();
      return { partial: readPartialRange(c) };
    }
    if (option !== 'MIN' && option !== 'MAX' && option !== 'ALL' && option !== 'COUNT' && option !== 'SAVE' && option !== 'UPDATE' && option !== 'CONTEXT') {
      c.fail(`unknown RETURN option "${option}"`);
    }
    return option;
  });
}

function readCharset(c: Cursor): string {
  const charset = c.astringText();
  c.sp();
  return charset;
}

export function parseSearchArgs(c: Cursor): { charset?: string; key: SearchKey; return?: SearchReturn } {
  let ret: SearchReturn | undefined;
  let charset: string | undefined;
  if (c.tryLiteralText('RETURN ')) {
    ret = readReturn(c);
    c.sp();
  }
  const save = c.pos;
  if (c.tryLiteralText('CHARSET ')) charset = readCharset(c);
  else c.pos = save;
  return { charset, key: readSearchKeys(c), return: ret };
}

/** SORT [RETURN (...)] (sort-criteria) charset search-keys (RFC 5256 §3, RFC 5267 §3.2). */
export function parseSortArgs(c: Cursor) {
  let ret: SearchReturn | undefined;
  if (c.tryLiteralText('RETURN ')) {
    ret = readReturn(c);
    c.sp();
  }
  const criteria = c.list(() => {
    const reverse = c.tryLiteralText('REVERSE ');
    const key = c.atom().toUpperCase();
    if (!['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'].includes(key)) {
      c.fail(`unknown sort key "${key}"`);
    }
    return { key, reverse };
  }, false);
  c.sp();
  const charset = readCharset(c);
  return { criteria, charset, key: readSearchKeys(c), return: ret };
}

/** THREAD algorithm charset search-keys (RFC 5256 §3). */
export function parseThreadArgs(c: Cursor) {
  const algorithm = c.atom().toUpperCase();
  c.sp();
  const charset = readCharset(c);
  return { algorithm, charset, key: readSearchKeys(c) };
}
