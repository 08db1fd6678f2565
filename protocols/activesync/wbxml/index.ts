/** ActiveSync WBXML codec: pure, no I/O, nothing from src/. See docs/protocols/activesync-wbxml.md. */
export type { StreamedContent, WbxmlElement, WbxmlFragment } from './types.js';
export { el, child, children, childText } from './types.js';
export { WbxmlError, isWbxmlError } from './errors.js';
export type { WbxmlErrorCode } from './errors.js';
export { decodeWbxml, DEFAULT_LIMITS } from './decoder.js';
export type { WbxmlLimits } from './decoder.js';
export { encodeWbxml, encodeWbxmlFragment, encodeWbxmlSegments, encodeWbxmlStream, wbxmlPieces } from './encoder.js';
export { toXml, fromXml } from './xml.js';
export type { ToXmlOptions, FromXmlOptions } from './xml.js';
export { CODE_PAGES, OPAQUE_TAGS, lookupTag, namespacePage, pageNamespace, pageTagNames } from './code-pages.js';
export type { CodePage } from './code-pages.js';
