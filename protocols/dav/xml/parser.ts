/**
 * Namespace-aware XML parsing (saxes, xmlns:true) into a small element tree. Bounded in size and
 * depth before and while parsing; DTDs are refused (no entity expansion attacks).
 * This codec knows no store and does no I/O.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  ns: string;
  local: string;
  /** Attributes in clark notation for namespaced ones, plain local name otherwise. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
  /** Child nodes in document order, text included (dead properties keep mixed content). */
  nodes: (XmlElement | string)[];
}

/** Why a document was refused: callers may map `too-large` to 413, everything else to 400. */
export type XmlErrorCode = 'too-large' | 'too-deep' | 'too-many-elements' | 'dtd' | 'malformed' | 'no-root';

export class XmlError extends Error {
  constructor(message: string, readonly code: XmlErrorCode = 'malformed') {
    super(message);
  }
}

export interface ParseLimits { maxBytes: number; maxDepth: number; maxElements: number }
export const DEFAULT_LIMITS: ParseLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 64, maxElements: 200_000 };

/**
 * Parses a whole document. Every refusal is an XmlError, thrown at the first problem: parsing
 * stops there, so a hostile document costs no more than its valid prefix (saxes resolves
 * prefixes through one scope per open element, and would go quadratic on deep nesting).
 */
/**
 * saxes checks that a qualified name is an XML Name; its local part must also be an NCName
 * (Namespaces in XML §3): `D:-x` or `D:1` would parse, be stored as a dead property, and make
 * every later response that names it ill-formed. Only the first character can be wrong here.
 */
const BAD_LOCAL_START = /^[-.0-9\u00B7\u0300-\u036F\u203F\u2040]/;

export function parseXml(text: string, limits: ParseLimits = DEFAULT_LIMITS): XmlElement {
  // Size before anything else; the UTF-8 length only when the character count cannot decide.
  if (text.length > limits.maxBytes || (text.length * 3 > limits.maxBytes && Buffer.byteLength(text, 'utf8') > limits.maxBytes)) {
    throw new XmlError('document too large', 'too-large');
  }
  // A lone surrogate is no character (XML 1.0 §2.2), and saxes pairs it with whatever follows,
  // markup included. Bodies decoded from UTF-8 never have one; other callers' strings might.
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) throw new XmlError('unpaired surrogate');
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  // Thrown out of the handlers: saxes lets it propagate out of write(), which stops the parse.
  parser.on('error', (e) => { throw new XmlError(e.message); });
  // No DTDs at all: no internal entities to expand, no external ones to fetch.
  parser.on('doctype', () => { throw new XmlError('DTD not allowed', 'dtd'); });
  parser.on('opentag', (tag) => {
    if (++count > limits.maxElements) throw new XmlError('too many elements', 'too-many-elements');
    if (stack.length >= limits.maxDepth) throw new XmlError('nesting too deep', 'too-deep');
    if (BAD_LOCAL_START.test(tag.local)) throw new XmlError(`malformed name: ${tag.name}`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (BAD_LOCAL_START.test(a.local)) throw new XmlError(`malformed name: ${a.name}`);
      // defineProperty: an attribute named __proto__ is data, not the object's prototype.
      Object.defineProperty(attrs, a.uri ? `{${a.uri}}${a.local}` : a.local, { value: a.value, enumerable: true, writable: true, configurable: true });
    }
    const el: XmlElement = { ns: tag.uri ?? '', local: tag.local, attrs, children: [], text: '', nodes: [] };
    const parent = stack[stack.length - 1];
    if (parent) { parent.children.push(el); parent.nodes.push(el); } else if (!root) root = el;
    stack.push(el);
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) { top.text += t; top.nodes.push(t); }
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => { stack.pop(); });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof XmlError) throw e;
    throw new XmlError(e instanceof Error ? e.message : 'malformed XML');
  }
  if (!root) throw new XmlError('no root element', 'no-root');
  return root;
}

export function child(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.local === local);
}

export function childrenOf(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.local === local);
}

export function is(el: XmlElement | undefined, ns: string, local: string): boolean {
  return !!el && el.ns === ns && el.local === local;
}
