/**
 * The batch form of `hearth migrate imap --csv FILE`: one account a row, columns
 * from,user,password,to (RFC 4180: fields may be quoted, "" is a quote inside quotes). A first
 * row naming the columns is a header and may order them any way; blank lines are skipped.
 */
import { MigrationInputError } from './source.js';

export interface AccountRow {
  line: number;
  from: string;
  user: string;
  password: string;
  to: string;
}

const COLUMNS = ['from', 'user', 'password', 'to'] as const;

/** Splits CSV text into rows of fields, with the line number where each row starts. */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (any || field !== '') out.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw new MigrationInputError(`CSV line ${start}: unterminated quoted field`);
  if (any || field !== '') out.push({ line: start, fields: [...fields, field] });
  return out;
}

export function parseAccountsCsv(text: string): AccountRow[] {
  const rows = records(text.replace(/^\uFEFF/, ''));
  let order: number[] = [0, 1, 2, 3];
  const first = rows[0]?.fields.map((f) => f.trim().toLowerCase());
  if (first && COLUMNS.every((c) => first.includes(c))) {
    order = COLUMNS.map((c) => first.indexOf(c));
    rows.shift();
  }
  if (rows.length === 0) throw new MigrationInputError('CSV: no accounts (expected rows of from,user,password,to)');
  return rows.map(({ line, fields }) => {
    if (fields.length < 4)
      throw new MigrationInputError(`CSV line ${line}: expected 4 columns (from,user,password,to), got ${fields.length}`);
    const [from, user, password, to] = order.map((i) => fields[i] ?? '');
    if (!from.trim() || !user || !to.trim()) throw new MigrationInputError(`CSV line ${line}: from, user and to must not be empty`);
    return { line, from: from.trim(), user, password, to: to.trim() };
  });
}
