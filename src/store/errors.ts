/** Typed store errors with a stable `code`; each protocol maps them to its own status in one file. */
export type StoreErrorCode = 'NotFound' | 'Conflict' | 'PreconditionFailed' | 'QuotaExceeded' | 'LimitExceeded' | 'Invalid';

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export const notFound = (what: string) => new StoreError('NotFound', `${what} not found`);
export const conflict = (what: string) => new StoreError('Conflict', what);

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
