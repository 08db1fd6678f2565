// The one error type the IMAP codec throws: every malformed or oversized input ends here, so the
// engine can answer it with a tagged (or untagged) BAD and keep the connection (RFC 9051 §7.1.3).

/** Stable codes: `Syntax` -> BAD; `TooBig` -> BAD [TOOBIG] (RFC 7888 §4, RFC 9051 §7.1). */
export type ImapCodecErrorCode = 'Syntax' | 'TooBig' | 'UnknownCommand';

export class ImapCodecError extends Error {
  override readonly name = 'ImapCodecError';
  constructor(
    readonly code: ImapCodecErrorCode,
    message: string,
    /** The command tag when it could be read, so the BAD can be tagged. */
    readonly tag?: string,
  ) {
    super(message);
  }
}

export function syntaxError(message: string, tag?: string): ImapCodecError {
  return new ImapCodecError('Syntax', message, tag);
}
