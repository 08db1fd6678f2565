/** The message-number argument shared by LIST, UIDL, RETR, TOP and DELE (RFC 1939 §5). */
import type { Pop3Session } from '../session.js';
import type { DropEntry } from '../maildrop.js';
import { parseMessageNumber } from '../codec/command.js';

/** The entry the argument names, or null with the -ERR already written. */
export async function messageArg(s: Pop3Session, arg: string | undefined): Promise<DropEntry | null> {
  const n = parseMessageNumber(arg);
  if (n === null) {
    await s.bad(arg === undefined ? 'Message number required' : 'Invalid message number');
    return null;
  }
  const drop = s.maildrop!;
  const e = drop.get(n);
  if (!e) await s.err(drop.isDeleted(n) ? `Message ${n} already deleted` : `No such message`);
  return e;
}
