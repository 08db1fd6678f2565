/**
 * Line-level edits of ATTENDEE parameters in a stored object (RFC 6638 §7.3 SCHEDULE-STATUS,
 * PARTSTAT): only the touched lines are re-folded, every other byte is kept (src/pim/raw.ts).
 */
import { fold, parseRaw, serializeRaw, unfold, valueIndex, type RawNode } from './raw.js';

const mailto = (v: string) => v.replace(/^mailto:/i, '').trim().toLowerCase();

/** Splits a head "ATTENDEE;A=1;B="x;y"" into its name and parameter texts. */
function splitHead(head: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) { parts.push(cur); cur = ''; } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * Sets (or, with value null, removes) one parameter on the ATTENDEE lines of the scheduling
 * components whose address `values` maps. Returns the text unchanged when nothing applies.
 */
export function setAttendeeParam(ics: string, param: string, values: Map<string, string | null>): string {
  const doc = parseRaw(ics);
  const P = param.toUpperCase();
  let changed = false;
  const visit = (n: RawNode, inside: boolean): void => {
    if (n.kind === 'comp') { for (const c of n.items) visit(c, ['VEVENT', 'VTODO', 'VJOURNAL'].includes(n.name)); return; }
    if (!inside || n.name !== 'ATTENDEE') return;
    const line = unfold(n.lines);
    const vi = valueIndex(line);
    if (vi < 0) return;
    const email = mailto(line.slice(vi + 1));
    if (!values.has(email)) return;
    const v = values.get(email)!;
    const parts = splitHead(line.slice(0, vi));
    const kept = parts.filter((p, i) => i === 0 || p.split('=')[0].toUpperCase() !== P);
    if (v !== null) kept.push(`${P}=${v}`);
    const next = kept.join(';') + line.slice(vi);
    if (next === line) return;
    n.lines = fold(next);
    changed = true;
  };
  doc.roots.forEach((n) => visit(n, false));
  return changed ? serializeRaw(doc) : ics;
}
