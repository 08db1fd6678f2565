/**
 * The one error the WBXML codec throws. `code` is stable and safe to log or map to an ActiveSync
 * status (a request that does not decode is HTTP 400 / Status 2 "protocol error"); `offset` is
 * the byte position in the input where decoding stopped, when known.
 */
export type WbxmlErrorCode =
  | 'bad-header' // version, public id or charset not ActiveSync's
  | 'truncated' // input ended inside a token, a string or an element
  | 'bad-token' // a WBXML global token ActiveSync does not use (attributes, entities, PI, extensions, literals)
  | 'unknown-page' // SWITCH_PAGE to, or an element in, a code page we do not know
  | 'unknown-tag' // a token or tag name not defined on its code page
  | 'bad-structure' // mixed content, text outside the root, trailing bytes, a bad string-table reference
  | 'bad-string' // a string the encoder cannot write inline (it contains U+0000)
  | 'bad-xml' // fromXml: not well-formed XML or not an ActiveSync document
  | 'limit'; // a configured limit (size, depth, element count, string or opaque length) was exceeded

export class WbxmlError extends Error {
  override readonly name = 'WbxmlError';
  constructor(
    readonly code: WbxmlErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

export function isWbxmlError(e: unknown): e is WbxmlError {
  return e instanceof WbxmlError;
}
