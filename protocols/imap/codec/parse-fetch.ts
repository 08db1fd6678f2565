// FETCH arguments: sequence set, data items or a macro, optional modifiers (RFC 9051 §6.4.5,
// RFC 3516 §4.1, RFC 7162 §3.1.4 and §3.2.6).
import type { Cursor } from './cursor.js';
import type { FetchItem, FetchModifiers, Partial, Section, SectionText } from './fetch-types.js';

const SIMPLE = new Set([
  'ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.SIZE', 'RFC822.TEXT',
  'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE', 'PREVIEW',
]);

// RFC 9051 §6.4.5: the macros stand for fixed item lists and cannot be combined.
const MACROS: Record<string, FetchItem[]> = {
  ALL: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }],
  FAST: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }],
  FULL: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }, { item: 'BODY' }],
};

/** "1.2.3"; when `textMayFollow`, a final "." introduces HEADER/TEXT/MIME (RFC 9051 §9 `section-spec`). */
function readPartNumbers(c: Cursor, textMayFollow: boolean): number[] {
  const part: number[] = [];
  while (c.peek() !== undefined && c.peek()! >= 0x31 && c.peek()! <= 0x39) {
    part.push(c.nzNumber());
    if (!c.tryChar('.')) return part;
  }
  if (part.length > 0 && (!textMayFollow || c.peek() === 0x5d)) c.fail('dangling "." in section');
  return part;
}

/** section = "[" [section-spec] "]" (RFC 9051 §9). */
export function readSection(c: Cursor): Section {
  c.expect('[');
  const part = readPartNumbers(c, true);
  const section: Section = { part };
  if (c.tryChar(']')) {
    return section;
  }
  // After part numbers a '.' was consumed by readPartNumbers when a text follows.
  const name = c.word().toUpperCase();
  let text: SectionText;
  if (name === 'HEADER' && c.tryLiteralText('.FIELDS')) {
    text = c.tryLiteralText('.NOT') ? 'HEADER.FIELDS.NOT' : 'HEADER.FIELDS';
    c.sp();
    section.fields = c.list(() => c.astringText().toUpperCase(), false);
  } else if (name === 'HEADER' || name === 'TEXT' || name === 'MIME') {
    text = name;
  } else {
    c.fail(`unknown section "${name}"`);
  }
  // MIME needs a part number; HEADER and TEXT are allowed on message/rfc822 parts and the top.
  if (text === 'MIME' && part.length === 0) c.fail('MIME section needs a part number');
  section.text = text;
  c.expect(']');
  return section;
}

/** "<" offset "." length ">" in a request (RFC 9051 §9 `partial`). */
function readPartial(c: Cursor): Partial | undefined {
  if (!c.tryChar('<')) return undefined;
  const offset = c.number();
  c.expect('.');
  const length = c.nzNumber();
  c.expect('>');
  return { offset, length };
}

function readItem(c: Cursor): FetchItem {
  const name = c.word().toUpperCase();
  let full = name;
  // word() stops at '.', so put dotted names back together ("RFC822.SIZE", "BODY.PEEK").
  while (c.peek() === 0x2e) {
    c.pos++;
    full += '.' + c.word().toUpperCase();
  }
  if ((full === 'BODY' || full === 'BODY.PEEK') && c.peek() === 0x5b) {
    const section = readSection(c);
    return { item: 'BODY[]', peek: full === 'BODY.PEEK', section, partial: readPartial(c) };
  }
  if (full === 'BINARY' || full === 'BINARY.PEEK' || full === 'BINARY.SIZE') {
    c.expect('[');
    const part = readPartNumbers(c, false);
    c.expect(']');
    if (full === 'BINARY.SIZE') return { item: 'BINARY.SIZE[]', part };
    return { item: 'BINARY[]', peek: full === 'BINARY.PEEK', part, partial: readPartial(c) };
  }
  if (SIMPLE.has(full)) return { item: full } as FetchItem;
  c.fail(`unknown FETCH item "${full}"`);
}

function readModifiers(c: Cursor): FetchModifiers {
  const modifiers: FetchModifiers = { vanished: false };
  if (c.atEnd()) return modifiers;
  c.sp();
  c.list(() => {
    const name = c.atom().toUpperCase();
    if (name === 'CHANGEDSINCE') {
      c.sp();
      modifiers.changedSince = c.number();
    } else if (name === 'VANISHED') {
      modifiers.vanished = true;
    } else {
      c.fail(`unknown FETCH modifier "${name}"`);
    }
  }, false);
  return modifiers;
}

export function parseFetchItems(c: Cursor, uid: boolean): { items: FetchItem[]; modifiers: FetchModifiers } {
  let items: FetchItem[];
  if (c.peek() === 0x28) {
    items = c.list(() => readItem(c), false);
  } else {
    const save = c.pos;
    const word = c.word().toUpperCase();
    if (MACROS[word] && (c.atEnd() || c.peek() === 0x20)) {
      items = MACROS[word].map((i) => ({ ...i }));
    } else {
      c.pos = save;
      items = [readItem(c)];
    }
  }
  const modifiers = readModifiers(c);
  // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
  if (modifiers.vanished && (!uid || modifiers.changedSince === undefined)) c.fail('VANISHED needs UID FETCH and CHANGEDSINCE');
  return { items, modifiers };
}
