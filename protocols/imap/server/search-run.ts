// The messages of the selected mailbox a SEARCH key matches, in mailbox order, loaded as SEARCH
// loads them (message-source.ts: states, and the cached parse when a key or the caller needs it).
// For SORT, THREAD and the CONTEXT updates, which need the matches rather than numbers.
import type { MailMessage, MessageState } from '../../../src/model/mail.js';
import type { SearchKey } from '../codec/index.js';
import type { CommandContext } from './session.js';
import { messagesByUid } from './message-source.js';
import { matches, searchNeedsParse } from './search-eval.js';

export async function matchingMessages(c: Pick<CommandContext, 'ctx' | 'session'>, key: SearchKey, withParse: boolean): Promise<Array<MessageState | MailMessage>> {
  const s = c.session;
  const sel = s.selected!;
  const scope = { sel, saved: s.saved, now: c.ctx.now(), store: c.ctx.store };
  const found: Array<MessageState | MailMessage> = [];
  for await (const m of messagesByUid(c.ctx.store, sel.folder.id, [...sel.uids], withParse || searchNeedsParse(key))) {
    if (sel.seqOf(m.uid) > 0 && (await matches(scope, m, key))) found.push(m);
  }
  return found;
}

/** SORT and THREAD name a charset (RFC 5256 §3): the ones SEARCH accepts, else NO [BADCHARSET]. */
export const SUPPORTED_CHARSETS = ['UTF-8', 'US-ASCII'];

export function unsupportedCharset(charset: string): boolean {
  return !SUPPORTED_CHARSETS.includes(charset.toUpperCase());
}
