// The one mapping from store errors (src/store/errors.ts) to IMAP answers (RFC 5530 codes).
import { isStoreError } from '../../../src/store/errors.js';
import { MailParseError } from '../../../src/mail/parse.js';
import { no, type Outcome } from './respond.js';

export function storeErrorOutcome(e: unknown): Outcome | null {
  if (e instanceof MailParseError) return no(`message refused: ${e.message}`, e.code === 'TooLarge' ? 'TOOBIG' : 'PARSE');
  if (!isStoreError(e)) return null;
  switch (e.code) {
    case 'QuotaExceeded': return no('quota exceeded', 'OVERQUOTA');
    case 'NotFound': return no('no such mailbox or message', 'NONEXISTENT');
    case 'Conflict': return no('already exists', 'ALREADYEXISTS');
    case 'LimitExceeded': return no('limit reached', 'LIMIT');
    case 'PreconditionFailed': return no('changed meanwhile, try again', 'INUSE');
    default: return no(`refused: ${e.message}`, 'CANNOT');
  }
}
