/**
 * XML form of an ActiveSync document, for fixtures, tests and debug logs (never for the wire).
 *
 * toXml writes pretty XML with Microsoft's namespace URIs ("AirSync:", "Contacts:" ...), a
 * default-namespace declaration wherever the namespace changes, and opaque data as base64 (or as
 * UTF-8 text when asked, for reading logs). fromXml reads such a document with real namespace
 * handling (saxes): any prefix may be used; the URI "Contacts:" or "Contacts" gives ns "Contacts".
 * Text of the tags in OPAQUE_TAGS is read as base64 into `opaque`, as libwbxml does.
 */
import { SaxesParser } from 'saxes';
import { OPAQUE_TAGS } from './code-pages.js';
import { WbxmlError } from './errors.js';
import type { WbxmlElement } from './types.js';

export interface ToXmlOptions {
  /** How opaque content is shown: base64 (default, lossless with fromXml) or UTF-8 text (debugging). */
  opaque?: 'base64' | 'text';
  /** Start with an XML declaration (default true). */
  declaration?: boolean;
  /** Indent unit (default two spaces); '' writes everything on one line. */
  indent?: string;
}

export function toXml(root: WbxmlElement, options: ToXmlOptions = {}): string {
  const indent = options.indent ?? '  ';
  const nl = indent === '' ? '' : '\n';
  const out: string[] = [];
  if (options.declaration !== false) out.push(`<?xml version="1.0" encoding="utf-8"?>${nl}`);
  const walk = (el: WbxmlElement, parentNs: string | undefined, depth: number): void => {
    const pad = indent.repeat(depth);
    const decl = el.ns !== parentNs ? ` xmlns="${escapeXml(el.ns)}:"` : '';
    const open = `${pad}<${el.tag}${decl}`;
    if (el.children.length > 0) {
      out.push(`${open}>${nl}`);
      for (const c of el.children) walk(c, el.ns, depth + 1);
      out.push(`${pad}</${el.tag}>${nl}`);
    } else if (el.text !== undefined && el.text !== '') {
      out.push(`${open}>${escapeXml(el.text)}</${el.tag}>${nl}`);
    } else if (el.opaque !== undefined && el.opaque.length > 0) {
      const body = options.opaque === 'text'
        ? Buffer.from(el.opaque.buffer, el.opaque.byteOffset, el.opaque.byteLength).toString('utf8')
        : Buffer.from(el.opaque.buffer, el.opaque.byteOffset, el.opaque.byteLength).toString('base64');
      out.push(`${open}>${escapeXml(body)}</${el.tag}>${nl}`);
    } else {
      out.push(`${open}/>${nl}`);
    }
  };
  walk(root, undefined, 0);
  return out.join('');
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;'));
}

export interface FromXmlOptions {
  /** "ns:tag" names whose text is base64 of opaque data (default OPAQUE_TAGS). */
  opaqueTags?: ReadonlySet<string>;
}

/**
 * Read an ActiveSync document in XML form. Whitespace between elements is ignored; the text of a
 * leaf element is kept exactly. Throws WbxmlError('bad-xml') for malformed XML, mixed content or
 * an element outside any namespace. Names are not checked against the code pages here: the
 * encoder does that.
 */
export function fromXml(xml: string, options: FromXmlOptions = {}): WbxmlElement {
  const opaqueTags = options.opaqueTags ?? OPAQUE_TAGS;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: { el: WbxmlElement; text: string }[] = [];
  let root: WbxmlElement | undefined;
  let failure: WbxmlError | undefined;
  const fail = (msg: string): never => {
    throw new WbxmlError('bad-xml', `${msg} (line ${parser.line})`);
  };

  parser.on('error', (e) => {
    failure ??= new WbxmlError('bad-xml', e.message);
  });
  parser.on('opentag', (tag) => {
    const uri = tag.uri ?? '';
    if (uri === '') fail(`element <${tag.name}> has no namespace`);
    const ns = uri.endsWith(':') ? uri.slice(0, -1) : uri;
    const el: WbxmlElement = { ns, tag: tag.local ?? tag.name, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.text.trim() !== '') fail(`<${parent.el.tag}> mixes text and elements`);
      parent.text = '';
      parent.el.children.push(el);
    } else if (root) {
      fail('more than one root element');
    } else {
      root = el;
    }
    stack.push({ el, text: '' });
  });
  const onText = (t: string): void => {
    const f = stack[stack.length - 1];
    if (f) f.text += t;
    else if (t.trim() !== '') fail('text outside the root element');
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const f = stack.pop()!;
    if (f.el.children.length > 0) {
      if (f.text.trim() !== '') fail(`<${f.el.tag}> mixes text and elements`);
    } else if (f.text !== '') {
      if (opaqueTags.has(`${f.el.ns}:${f.el.tag}`)) {
        f.el.opaque = new Uint8Array(Buffer.from(f.text.replace(/\s+/g, ''), 'base64'));
      } else {
        f.el.text = f.text;
      }
    }
  });

  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof WbxmlError) throw e;
    throw new WbxmlError('bad-xml', e instanceof Error ? e.message : String(e));
  }
  if (failure) throw failure;
  if (!root) throw new WbxmlError('bad-xml', 'no root element');
  return root;
}
