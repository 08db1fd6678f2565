/**
 * A lossless content-line tree of iCalendar (RFC 5545 §3.1) and vCard (RFC 6350 §3.2) text.
 * Serialising an unmodified tree gives back the input byte for byte (folding, line ends, case,
 * escaping): this is what lets a protocol patch the properties it knows and leave the rest alone.
 */
export interface RawProp {
  kind: 'prop';
  /** Upper-case name without the vCard group ("item1.EMAIL" -> "EMAIL"). */
  name: string;
  group: string | null;
  /** Physical lines as stored, without line ends. */
  lines: string[];
}

export interface RawComp {
  kind: 'comp';
  name: string;
  begin: string[];
  end: string[];
  items: RawNode[];
}

export type RawNode = RawProp | RawComp;

export interface RawDoc {
  roots: RawNode[];
  eol: string;
  /** True when the input ended with a line end. */
  finalEol: boolean;
}

/** Split into physical lines, keeping the first line end style seen. */
export function parseRaw(text: string): RawDoc {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const finalEol = /\r?\n$/.test(text);
  const physical = text.split(/\r?\n/);
  if (finalEol) physical.pop();
  // Group continuation lines (RFC 5545 §3.1: CRLF followed by one space or tab).
  const logical: string[][] = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && logical.length > 0) logical[logical.length - 1].push(line);
    else logical.push([line]);
  }
  const roots: RawNode[] = [];
  const stack: RawComp[] = [];
  for (const lines of logical) {
    const unfolded = unfold(lines);
    const { name, group } = nameOf(unfolded);
    // Only BEGIN and END need their value (the component name): not read for other lines.
    const value = name === 'BEGIN' || name === 'END' ? unfolded.slice(unfolded.indexOf(':') + 1).trim().toUpperCase() : '';
    const parent = stack[stack.length - 1];
    if (name === 'BEGIN') {
      const comp: RawComp = { kind: 'comp', name: value, begin: lines, end: [], items: [] };
      (parent ? parent.items : roots).push(comp);
      stack.push(comp);
    } else if (name === 'END' && parent && parent.name === value) {
      parent.end = lines;
      stack.pop();
    } else {
      (parent ? parent.items : roots).push({ kind: 'prop', name, group, lines });
    }
  }
  return { roots, eol, finalEol };
}

export function serializeRaw(doc: RawDoc): string {
  // Iterative, and no spread of line arrays into push(): a property may have hundreds of
  // thousands of physical lines and components may nest deeply; neither may overflow the stack.
  const out: string[] = [];
  const append = (lines: string[]) => { for (const l of lines) out.push(l); };
  const stack: Array<{ nodes: RawNode[]; i: number; end: string[] | null }> = [{ nodes: doc.roots, i: 0, end: null }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.i >= top.nodes.length) {
      stack.pop();
      if (top.end) append(top.end);
      continue;
    }
    const n = top.nodes[top.i++];
    if (n.kind === 'prop') append(n.lines);
    else {
      append(n.begin);
      stack.push({ nodes: n.items, i: 0, end: n.end });
    }
  }
  return out.join(doc.eol) + (doc.finalEol ? doc.eol : '');
}

export function unfold(lines: string[]): string {
  if (lines.length === 1) return lines[0]; // most lines are not folded: no copy
  return lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('');
}

function nameOf(unfolded: string): { name: string; group: string | null } {
  const m = /^([A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)/.exec(unfolded);
  if (!m) return { name: '', group: null };
  return { name: m[2].toUpperCase(), group: m[1] ? m[1].slice(0, -1) : null };
}

/**
 * Fold one logical line at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1,
 * RFC 6350 §3.2). One pass over UTF-16 code units, slicing the input: linear in its length.
 */
export function fold(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let bytes = 0;
  let limit = 75; // continuation lines carry a leading space: 74 octets of content
  for (let i = 0; i < line.length;) {
    const c = line.charCodeAt(i);
    let units = 1;
    let n: number;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length && (line.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n = 4; units = 2; }
    else n = 3; // BMP, or a lone surrogate (written as U+FFFD, 3 octets)
    if (bytes + n > limit) {
      out.push(out.length === 0 ? line.slice(start, i) : ` ${line.slice(start, i)}`);
      start = i;
      bytes = 0;
      limit = 74;
    }
    bytes += n;
    i += units;
  }
  out.push(out.length === 0 ? line.slice(start) : ` ${line.slice(start)}`);
  return out;
}

/** Index of the ':' that separates parameters from the value (quoted parameter values may hold ':'). */
export function valueIndex(unfolded: string): number {
  let quoted = false;
  for (let i = 0; i < unfolded.length; i++) {
    const c = unfolded[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

/** Parameters of a content line as an upper-case name -> raw value map. */
export function paramsOf(unfolded: string): Map<string, string> {
  const head = unfolded.slice(0, Math.max(0, valueIndex(unfolded)));
  const out = new Map<string, string>();
  let i = head.indexOf(';');
  while (i >= 0 && i < head.length) {
    let j = i + 1;
    let quoted = false;
    while (j < head.length && (quoted || head[j] !== ';')) {
      if (head[j] === '"') quoted = !quoted;
      j++;
    }
    const part = head.slice(i + 1, j);
    const eq = part.indexOf('=');
    // A repeated parameter (vCard 3.0 "type=CELL;type=VOICE") is one list.
    const [k, v] = eq > 0 ? [part.slice(0, eq).toUpperCase(), part.slice(eq + 1)] : ['TYPE', part]; // bare value: vCard 2.1 type
    if (part) out.set(k, out.has(k) ? `${out.get(k)},${v}` : v);
    i = j < head.length ? j : -1;
  }
  return out;
}
