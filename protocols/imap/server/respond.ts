// The answers a handler returns: the tagged status plus any untagged responses before it.
import { tagged, type ResponseCode } from '../codec/index.js';

export interface Outcome {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
  code?: ResponseCode;
  /** Untagged responses to send before the tagged one. */
  untagged?: Buffer[];
  /** The session's pending changes must not be announced after this command (FETCH/STORE/SEARCH). */
  noExpunges?: boolean;
  /**
   * The handler built the selected mailbox's view from the store during this command (SELECT,
   * EXAMINE): the change check after the command would find what it just read.
   */
  fresh?: boolean;
  /** The handler knows the selected mailbox's view is current (its STORE was the folder's only change): no change check. */
  viewCurrent?: boolean;
  /** The tagged answer was already sent by the handler (STARTTLS). */
  silent?: boolean;
}

export const ok = (text = 'done', code?: ResponseCode, untagged?: Buffer[]): Outcome => ({ status: 'OK', text, code, untagged });
export const no = (text: string, code?: string): Outcome => ({ status: 'NO', text, code: code ? { code } : undefined });
export const bad = (text: string): Outcome => ({ status: 'BAD', text });

export function taggedLine(tag: string, o: Outcome): Buffer {
  return tagged(tag, o.status, o.text, o.code);
}
