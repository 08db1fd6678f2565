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

export class XmlError extends Error {}

export interface ParseLimits { maxBytes: number; maxDepth: number; maxElements: number }
const DEFAULT_LIMITS: ParseLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 64, maxElements: 200_000 };

export function parseXml(text: string, limits: ParseLimits = DEFAULT_LIMITS): XmlElement {
  if (text.length > limits.maxBytes) throw new XmlError('document too large');
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  let error: Error | null = null;
  parser.on('error', (e) => { error ??= e; });
  parser.on('doctype', () => { error ??= new XmlError('DTD not allowed'); });
  parser.on('opentag', (tag) => {
    if (++count > limits.maxElements) { error ??= new XmlError('too many elements'); return; }
    if (stack.length >= limits.maxDepth) { error ??= new XmlError('nesting too deep'); return; }
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    }
    const el: XmlElement = { ns: tag.uri ?? '', local: tag.local ?? tag.name, attrs, children: [], text: '', nodes: [] };
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
    error ??= e as Error;
  }
  if (error) throw new XmlError((error as Error).message);
  if (!root) throw new XmlError('no root element');
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
