/**
 * Typed errors of the PIM helpers. Protocols map `code` to their own answers in one place
 * (CalDAV: valid-calendar-data / valid-address-data preconditions, ActiveSync: Status 6).
 */
export type PimParseErrorCode =
  | 'invalid-ical'
  | 'invalid-vcard'
  | 'no-component'
  | 'multiple-uids'
  | 'no-uid'
  | 'too-large'
  /** ActiveSync ApplicationData that cannot be converted (bad date, bad time-zone blob). */
  | 'invalid-data';

export class PimParseError extends Error {
  override readonly name = 'PimParseError';
  constructor(
    readonly code: PimParseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
