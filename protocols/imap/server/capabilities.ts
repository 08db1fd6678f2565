// CAPABILITY (RFC 9051 §6.1.1): what this server announces, by state. Before TLS no login is
// possible (LOGINDISABLED, RFC 9051 §6.2.3; AUTH= mechanisms only over TLS, docs/security.md).
import type { Session } from './session.js';

const AFTER_LOGIN = [
  'IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT',
  'CHILDREN', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'ESEARCH', 'SEARCHRES', 'CONDSTORE',
  'QRESYNC', 'QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE', 'UTF8=ACCEPT', 'STATUS=SIZE', 'APPENDLIMIT', 'MULTIAPPEND', 'BINARY',
  // RFC 5256, RFC 5957, RFC 5267 (sort/, commands/sort.ts, thread.ts, search-context.ts), RFC 4469 (catenate.ts)
  'CATENATE', 'SORT', 'SORT=DISPLAY', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'ESORT', 'CONTEXT=SEARCH', 'CONTEXT=SORT',
  'COMPRESS=DEFLATE',
];

export function capabilities(s: Session, appendLimit: number): string[] {
  if (s.state === 'notauth') {
    const base = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE'];
    return s.secure ? [...base, 'AUTH=PLAIN', 'AUTH=LOGIN'] : [...base, 'STARTTLS', 'LOGINDISABLED'];
  }
  return AFTER_LOGIN.map((c) => (c === 'APPENDLIMIT' ? `APPENDLIMIT=${appendLimit}` : c));
}
