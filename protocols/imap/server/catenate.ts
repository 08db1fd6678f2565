// CATENATE (RFC 4469): an APPENDed message built on the server from literal text and IMAP URLs
// (RFC 5092) of messages or parts the user can read, in their own or shared mailboxes. A URL
// part's bytes come from the stored blob by the cached MIME tree's offsets (sections.ts), as
// FETCH BODY[section]<partial> would give them; nothing is re-parsed. A URL that names nothing
// readable is NO [BADURL url] (RFC 4469 §6), and nothing is appended.
import { parseImapMessageUrl, type CatenatePart } from '../codec/index.js';
import type { CommandContext } from './session.js';
import type { Outcome } from './respond.js';
import { resolveMailbox } from './shared.js';
import { filterHeader, sectionRange } from './sections.js';

const badUrl = (url: string, text: string): Outcome => ({ status: 'NO', text, code: { code: 'BADURL', args: [url] } });

/** The bytes one URL part names, or the refusal. */
async function urlBytes(c: CommandContext, url: string): Promise<Buffer | Outcome> {
  const parsed = parseImapMessageUrl(url);
  if (!parsed) return badUrl(url, 'Not an IMAP URL of a message');
  const account = c.session.account!;
  // An absolute URL may name its user: only the logged-in user's own view is reachable.
  if (parsed.user !== undefined && parsed.user.toLowerCase() !== account.email.toLowerCase()) return badUrl(url, 'URL of another user');
  // INBOX in any case (RFC 9051 §5.1), as for names sent in commands (mailboxes.ts decodeName).
  const name = /^inbox$/i.test(parsed.mailbox) ? 'INBOX' : parsed.mailbox.replace(/^inbox\//i, 'INBOX/');
  const found = await resolveMailbox(c.ctx.store, account, name);
  if (!found) return badUrl(url, 'No such mailbox');
  if (parsed.uidValidity !== undefined && parsed.uidValidity !== found.folder.uidValidity) return badUrl(url, 'UIDVALIDITY differs');
  const m = await c.ctx.store.getMessageByUid(found.folder.id, parsed.uid);
  if (!m) return badUrl(url, 'No such message');
  const section = parsed.section ? sectionRange(m, parsed.section) : { range: { start: 0, end: m.size } };
  let bytes: Buffer = Buffer.alloc(0);
  if (section && section.range.end > section.range.start) {
    bytes = (await c.ctx.store.readMessageBytes(m.itemId, section.range)) ?? Buffer.alloc(0);
    if (section.fields) bytes = filterHeader(bytes, section.fields.names, section.fields.not);
  }
  if (parsed.partial) bytes = bytes.subarray(Math.min(parsed.partial.offset, bytes.length), Math.min(parsed.partial.offset + parsed.partial.length, bytes.length));
  return bytes;
}

/**
 * The message the parts make, in order; `maxBytes` bounds it as a literal would be bounded
 * (NO [TOOBIG], RFC 4469 §6).
 */
export async function catenateMessage(c: CommandContext, parts: CatenatePart[], maxBytes: number): Promise<Buffer | Outcome> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (const part of parts) {
    const bytes = 'text' in part ? part.text : await urlBytes(c, part.url);
    if (!Buffer.isBuffer(bytes)) return bytes;
    total += bytes.length;
    if (total > maxBytes) return { status: 'NO', text: 'Message too large', code: { code: 'TOOBIG' } };
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
