/**
 * The in-memory form of an ActiveSync WBXML document ([MS-ASWBXML]).
 *
 * ActiveSync never uses mixed content or attributes, so an element carries either child
 * elements, a string (inline or string-table reference on the wire) or opaque bytes.
 * `ns` is the code page's namespace name without the trailing colon, as MS-ASWBXML names it
 * (`AirSync`, `Contacts`, `FolderHierarchy`, `AirSyncBase`, ...); in XML form the namespace URI is
 * `ns + ':'` (e.g. `xmlns="AirSync:"`).
 */
export interface WbxmlElement {
  ns: string;
  tag: string;
  children: WbxmlElement[];
  text?: string;
  opaque?: Uint8Array;
  /**
   * Content produced while the document is written (a large attachment read from its blob), for
   * encodeWbxmlStream only: encodeWbxml refuses it, the decoder never makes it.
   */
  stream?: StreamedContent;
  /**
   * This element already encoded (encodeWbxmlFragment): the encoder copies these bytes and does
   * not look at `children` (which may be empty: decode the bytes to read such an element).
   */
  encoded?: WbxmlFragment;
}

/**
 * One element's WBXML, encodable anywhere in a document: it starts with a SWITCH_PAGE to its
 * first page (dropped when splicing where that page is current, so the document's bytes are
 * the same as if the element had been encoded in place) and ends with `page` current.
 */
export interface WbxmlFragment {
  bytes: Buffer;
  page: number;
}

/**
 * Content written piece by piece. A 'string' is written as one inline string (STR_I): its pieces
 * must hold no 0x00 byte. An 'opaque' carries its exact byte length, written before the bytes as
 * WBXML requires ([WBXML] 5.8.4.6, OPAQUE length prefix); fewer or more bytes are an error.
 */
export interface StreamedContent {
  kind: 'string' | 'opaque';
  length?: number;
  open(): AsyncIterable<Uint8Array>;
}

/** Build an element: `el('AirSync', 'SyncKey', '0')`, `el('AirSync', 'Collections', [child, ...])`. */
export function el(ns: string, tag: string, content?: string | Uint8Array | WbxmlElement[] | null): WbxmlElement {
  if (content === undefined || content === null) return { ns, tag, children: [] };
  if (typeof content === 'string') return { ns, tag, children: [], text: content };
  if (content instanceof Uint8Array) return { ns, tag, children: [], opaque: content };
  return { ns, tag, children: content };
}

/** First child with this tag (and namespace when given). */
export function child(parent: WbxmlElement, tag: string, ns?: string): WbxmlElement | undefined {
  return parent.children.find((c) => c.tag === tag && (ns === undefined || c.ns === ns));
}

/** Every child with this tag (and namespace when given). */
export function children(parent: WbxmlElement, tag: string, ns?: string): WbxmlElement[] {
  return parent.children.filter((c) => c.tag === tag && (ns === undefined || c.ns === ns));
}

/** Text of the first child with this tag; opaque content is decoded as UTF-8. */
export function childText(parent: WbxmlElement, tag: string, ns?: string): string | undefined {
  const c = child(parent, tag, ns);
  if (!c) return undefined;
  if (c.text !== undefined) return c.text;
  if (c.opaque !== undefined) return Buffer.from(c.opaque).toString('utf8');
  return c.children.length === 0 ? '' : undefined;
}
