// Matching a server reply against an imaptest expectation. Both are read into the same token
// tree; expected `$name` binds on first match and must stay equal after; `$!unordered`,
// `$!noextra` and `$!ban=x` modify the list they are in. Documented approximations (see
// docs/protocols/imap.md): atoms and strings compare case-insensitively; a list matches when the
// expected elements appear in it in order (any order with $!unordered), extra elements allowed
// unless $!noextra; FETCH attribute lists match as name/value pairs in any order.

export type Token =
  | { kind: 'atom'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'nil' }
  | { kind: 'list'; open: '(' | '['; items: Token[] };

/** Reads a reply line (literals already inlined as strings by the connection) or an expectation. */
export function tokenize(line: string): Token[] {
  let pos = 0;
  const read = (close?: string): Token[] => {
    const out: Token[] = [];
    for (;;) {
      while (line[pos] === ' ') pos++;
      const ch = line[pos];
      if (ch === undefined) return out;
      if (ch === close) { pos++; return out; }
      if (ch === '(' || ch === '[') {
        pos++;
        out.push({ kind: 'list', open: ch, items: read(ch === '(' ? ')' : ']') });
      } else if (ch === ')' || ch === ']') {
        pos++; // unbalanced closer: keep going, the match will fail on structure
      } else if (ch === '"') {
        let text = '';
        pos++;
        while (pos < line.length && line[pos] !== '"') {
          if (line[pos] === '\\') pos++;
          text += line[pos++] ?? '';
        }
        pos++;
        out.push({ kind: 'string', text });
      } else if (ch === '\u0000') {
        // A literal inlined by the connection: \0 length \0 bytes.
        const end = line.indexOf('\u0000', pos + 1);
        const len = Number(line.slice(pos + 1, end));
        out.push({ kind: 'string', text: line.slice(end + 1, end + 1 + len) });
        pos = end + 1 + len;
      } else {
        const start = pos;
        while (pos < line.length && !' ()"'.includes(line[pos]) && line[pos] !== '[' && line[pos] !== ']' && line[pos] !== close) pos++;
        // "BODY[1]<0>": keep brackets that follow an atom inside the atom.
        while (line[pos] === '[') {
          const end = line.indexOf(']', pos);
          if (end < 0) break;
          pos = end + 1;
          while (pos < line.length && !' ()"'.includes(line[pos])) pos++;
        }
        const text = line.slice(start, pos);
        out.push(text.toUpperCase() === 'NIL' ? { kind: 'nil' } : { kind: 'atom', text });
      }
    }
  };
  return read();
}

export type Bindings = Map<string, string>;

export function render(t: Token): string {
  if (t.kind === 'nil') return 'NIL';
  if (t.kind === 'list') return (t.open === '(' ? '(' : '[') + t.items.map(render).join(' ') + (t.open === '(' ? ')' : ']');
  // An empty string keeps its quotes so that it survives substitution ($root in LIST "" "").
  if (t.kind === 'string' && t.text === '') return '""';
  if (t.kind === 'string' && /[\r\n]/.test(t.text)) return `\u0000${t.text.length}\u0000${t.text}`;
  // Strings with spaces or specials keep their quotes (an INTERNALDATE bound to $intdate1).
  if (t.kind === 'string' && /[\s()"\\[\]{}]/.test(t.text)) return `"${t.text.replace(/[\\"]/g, (m) => '\\' + m)}"`;
  return t.text;
}

function isVar(t: Token): string | undefined {
  if (t.kind !== 'atom' || !t.text.startsWith('$') || t.text.startsWith('$!') || t.text.startsWith('$$')) return undefined;
  const m = /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(t.text);
  return m?.[1];
}

function matchToken(exp: Token, got: Token, b: Bindings): boolean {
  const name = isVar(exp);
  if (name !== undefined) {
    const value = render(got);
    const bound = b.get(name);
    if (bound === undefined) { b.set(name, value); return true; }
    return bound.toLowerCase() === value.toLowerCase();
  }
  if (exp.kind === 'nil') return got.kind === 'nil';
  if (exp.kind === 'list') return got.kind === 'list' && got.open === exp.open && matchList(exp.items, got.items, b);
  if (got.kind !== 'atom' && got.kind !== 'string') return false;
  // "$$word" in a script is the keyword "$word".
  if (exp.kind === 'atom' && exp.text.startsWith('$$')) return exp.text.slice(1).toLowerCase() === got.text.toLowerCase();
  // Literal bodies are compared without CR and trailing newlines: scripts write their lines with
  // LF, and where a "{{{" literal ends relative to its last newline is our approximation.
  const norm = (x: string) => (/[\r\n]/.test(x) ? x.replace(/\r/g, '').replace(/\n+$/, '') : x).toLowerCase();
  return norm(exp.text) === norm(got.text);
}

function snapshot(b: Bindings): Bindings { return new Map(b); }
function restore(b: Bindings, s: Bindings): void { b.clear(); for (const [k, v] of s) b.set(k, v); }

export function matchList(expItems: Token[], gotItems: Token[], b: Bindings): boolean {
  const mods = expItems.filter((t) => t.kind === 'atom' && t.text.startsWith('$!')).map((t) => (t as { text: string }).text.toLowerCase());
  const exp = expItems.filter((t) => !(t.kind === 'atom' && t.text.startsWith('$!')));
  const banned = mods.filter((m) => m.startsWith('$!ban=')).map((m) => m.slice(6));
  if (banned.some((x) => gotItems.some((g) => render(g).toLowerCase() === x))) return false;
  if (mods.includes('$!noextra') && exp.length !== gotItems.length) return false;
  // Flag lists are sets: "(\\Recent \\Seen)" matches "(\\Seen \\Recent)".
  const flagList = exp.length > 0 && exp.every((t) => t.kind === 'atom' && (t.text.startsWith('\\') || t.text.startsWith('$$')));
  if (mods.includes('$!unordered') || flagList) {
    const used = new Set<number>();
    return exp.every((e) => {
      const idx = gotItems.findIndex((g, i) => !used.has(i) && tryMatch(e, g, b));
      if (idx < 0) return false;
      used.add(idx);
      return true;
    });
  }
  // In order, extras allowed: greedy subsequence match with binding rollback.
  let g = 0;
  for (const e of exp) {
    let found = false;
    while (g < gotItems.length) {
      if (tryMatch(e, gotItems[g++], b)) { found = true; break; }
    }
    if (!found) return false;
  }
  return true;
}

function tryMatch(e: Token, g: Token, b: Bindings): boolean {
  const s = snapshot(b);
  if (matchToken(e, g, b)) return true;
  restore(b, s);
  return false;
}

/** FETCH (name value ...) as pairs, in any order, extras allowed. */
function matchFetch(exp: Token[], got: Token[], b: Bindings): boolean {
  for (let i = 0; i + 1 < exp.length; i += 2) {
    const name = render(exp[i]).toLowerCase();
    let ok = false;
    for (let j = 0; j + 1 < got.length; j += 2) {
      if (render(got[j]).toLowerCase() !== name) continue;
      if (tryMatch(exp[i + 1], got[j + 1], b)) { ok = true; break; }
    }
    if (!ok) return false;
  }
  return true;
}

const STATUS_WORDS = new Set(['ok', 'no', 'bad', 'bye', 'preauth']);

/**
 * Whether an untagged reply (without "* ") matches an expectation; binds variables on success
 * only. Status replies ("OK [UNSEEN 1] text") match on the expected prefix; others on all tokens.
 */
export function matchReply(expected: string, reply: string, b: Bindings): boolean {
  const exp = tokenize(expected);
  const got = tokenize(reply);
  const s = snapshot(b);
  const ok = (() => {
    const word = got[0]?.kind === 'atom' ? got[0].text.toLowerCase() : '';
    const fetchAt = got.findIndex((t) => t.kind === 'atom' && t.text.toLowerCase() === 'fetch');
    if (fetchAt === 1 && exp.length === 3 && got.length === 3) {
      const e = exp[2], g = got[2];
      return matchToken(exp[0], got[0], b) && matchToken(exp[1], got[1], b) && e.kind === 'list' && g.kind === 'list' && matchFetch(e.items, g.items, b);
    }
    // STATUS mailbox (name value ...): pairs in any order.
    if (word === 'status' && exp.length === 3 && got.length === 3 && exp[2].kind === 'list' && got[2].kind === 'list') {
      return matchToken(exp[1], got[1], b) && matchFetch(exp[2].items, got[2].items, b);
    }
    if (STATUS_WORDS.has(word)) {
      if (exp.length > got.length) return false;
      return exp.every((e, i) => matchToken(e, got[i], b));
    }
    if (exp.length !== got.length) return false;
    return exp.every((e, i) => matchToken(e, got[i], b));
  })();
  if (!ok) restore(b, s);
  return ok;
}

/** Replaces bound `$name` / `${name}` in a command or expectation; unbound names stay. */
export function substitute(text: string, b: Bindings, forCommand = false): string {
  return text.replace(/\$\$|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, plain) => {
    // "$$" is a literal "$" (keywords such as $$hello): sent as "$", kept in expectations.
    if (all === '$$') return forCommand ? '$' : '$$';
    const name = braced ?? plain;
    return b.get(name) ?? all;
  });
}
