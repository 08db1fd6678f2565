/** XML output: escaping, elements under our fixed prefixes, and verbatim re-serialisation. */
import { PREFIXES, XML_DECL } from './names.js';
import type { XmlElement } from './parser.js';

type Wellformable = string & { isWellFormed(): boolean; toWellFormed(): string };

/** Anything esc would change, unpaired surrogates aside (checked with isWellFormed). */
const NEEDS_ESC = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function esc(s: string): string {
  // Most text (calendar data, names) needs nothing: one scan instead of three.
  if (!NEEDS_ESC.test(s) && (s as Wellformable).isWellFormed()) return s;
  // Unpaired surrogates become U+FFFD: no XML character can stand for them (XML 1.0 §2.2).
  const w = (s as Wellformable).isWellFormed() ? s : (s as Wellformable).toWellFormed();
  return w.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'))
    // XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF, which iCalendar and vCard text may
    // carry as valid UTF-8; drop them rather than emit an ill-formed document.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** An element in a namespace: known namespaces use the root's prefixes, others declare their own. */
export function el(ns: string, local: string, inner?: string, attrs?: Record<string, string>): string {
  const prefix = PREFIXES[ns];
  let name: string;
  let decl = '';
  if (prefix) name = `${prefix}:${local}`;
  else if (ns === '') { name = local; decl = ' xmlns=""'; }
  else { name = `x:${local}`; decl = ` xmlns:x="${esc(ns)}"`; }
  let a = '';
  if (attrs) for (const [k, v] of Object.entries(attrs)) a += ` ${k}="${esc(v)}"`;
  return inner === undefined || inner === '' ? `<${name}${decl}${a}/>` : `<${name}${decl}${a}>${inner}</${name}>`;
}

export const d = (local: string, inner?: string) => el('DAV:', local, inner);
export const href = (h: string) => d('href', esc(h));

/** The document prologue and the root element declaring every fixed prefix. */
export function documentRoot(ns: string, local: string, inner: string): string {
  const decls = Object.entries(PREFIXES).map(([uri, p]) => ` xmlns:${p}="${uri}"`).join('');
  const prefix = PREFIXES[ns];
  return `${XML_DECL}<${prefix}:${local}${decls}>${inner}</${prefix}:${local}>`;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Attribute values keep tabs and line breaks only as character references (XML 1.0 §3.3.3). */
export function escAttr(s: string): string {
  return esc(s).replace(/[\t\n\r]/g, (c) => (c === '\t' ? '&#9;' : c === '\n' ? '&#10;' : '&#13;'));
}

/** Text that must come back byte for byte: a literal CR would be read back as LF (XML 1.0 §2.11). */
const escVerbatim = (s: string) => esc(s).replace(/\r/g, '&#13;');

/**
 * Serialises a parsed element verbatim and self-contained: every element declares the default
 * namespace it needs (RFC 4918 §4.3: dead property values keep their namespaces, xml:lang
 * included). Parsing the output gives back the same element.
 */
export function serializeElement(e: XmlElement, parentNs: string | null = null): string {
  let out = `<${e.local}`;
  if (e.ns !== parentNs) out += ` xmlns="${escAttr(e.ns)}"`;
  let i = 0;
  for (const [k, v] of Object.entries(e.attrs)) {
    if (k.startsWith('{')) {
      const end = k.indexOf('}');
      const uri = k.slice(1, end);
      // The xml prefix is bound by definition and may not be declared for another one.
      if (uri === XML_NS) out += ` xml:${k.slice(end + 1)}="${escAttr(v)}"`;
      else { out += ` xmlns:a${i}="${escAttr(uri)}" a${i}:${k.slice(end + 1)}="${escAttr(v)}"`; i++; }
    } else out += ` ${k}="${escAttr(v)}"`;
  }
  if (e.nodes.length === 0) return `${out}/>`;
  out += '>';
  for (const n of e.nodes) out += typeof n === 'string' ? escVerbatim(n) : serializeElement(n, e.ns);
  return `${out}</${e.local}>`;
}
