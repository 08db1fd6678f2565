/** XML output: escaping, elements under our fixed prefixes, and verbatim re-serialisation. */
import { PREFIXES, XML_DECL } from './names.js';
import type { XmlElement } from './parser.js';

export function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'))
    // XML 1.0 forbids most C0 controls; drop them rather than emit an ill-formed document.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
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

/**
 * Serialises a parsed element verbatim and self-contained: every element declares the default
 * namespace it needs (RFC 4918 §4.3: dead property values keep their namespaces).
 */
export function serializeElement(e: XmlElement, parentNs: string | null = null): string {
  let out = `<${e.local}`;
  if (e.ns !== parentNs) out += ` xmlns="${esc(e.ns)}"`;
  let i = 0;
  for (const [k, v] of Object.entries(e.attrs)) {
    if (k.startsWith('{')) {
      const end = k.indexOf('}');
      out += ` xmlns:a${i}="${esc(k.slice(1, end))}" a${i}:${k.slice(end + 1)}="${esc(v)}"`;
      i++;
    } else out += ` ${k}="${esc(v)}"`;
  }
  if (e.nodes.length === 0) return `${out}/>`;
  out += '>';
  for (const n of e.nodes) out += typeof n === 'string' ? esc(n) : serializeElement(n, e.ns);
  return `${out}</${e.local}>`;
}
