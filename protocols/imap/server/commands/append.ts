// APPEND and MULTIAPPEND (RFC 9051 §6.3.12, RFC 3502) with APPENDUID (RFC 4315 §3) and CATENATE
// (RFC 4469). The message
// is parsed once here (src/mail/parse.ts) and stored with its MIME tree; the store checks quota
// atomically (NO [OVERQUOTA], RFC 9208 §4) and the reader has already bounded its size.
import { parseMessage } from '../../../../src/mail/parse.js';
import { MAIL_LIMITS } from '../../../../src/mail/limits.js';
import { accountWouldExceed } from '../../../../src/mail/quota.js';
import type { NewMessage } from '../../../../src/model/mail.js';
import { atom, compressNumbers } from '../../codec/index.js';
import { decodeName } from '../mailboxes.js';
import { resolveMailbox } from '../shared.js';
import { encodeBinaryParts } from '../binary-append.js';
import { catenateMessage } from '../catenate.js';
import { no, ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const append = command({
  name: 'APPEND', states: AUTHED,
  handle: async (c, cmd) => {
    const store = c.ctx.store;
    const found = await resolveMailbox(store, c.session.account!, decodeName(c.session, cmd.mailbox));
    if (!found) return no('No such mailbox', 'TRYCREATE');
    if (!found.writable) return no('Shared read-only', 'NOPERM');
    const { folder } = found;
    const messages: NewMessage[] = [];
    let total = 0;
    const maxBytes = Math.min(MAIL_LIMITS.maxMessageBytes, c.limits.maxLiteralBytes);
    for (const m of cmd.messages) {
      // CATENATE (RFC 4469): the message is built from text and URL parts first (catenate.ts).
      const built = m.catenate ? await catenateMessage(c, m.catenate, maxBytes) : m.message;
      if (!Buffer.isBuffer(built)) return built;
      if (built.length === 0) return no('Empty message', 'CANNOT');
      if (built.length > maxBytes) return no('Message too large', 'TOOBIG');
      let bytes = built;
      let parsed = await parseMessage(bytes);
      const reencoded = encodeBinaryParts(bytes, parsed.mime);
      if (reencoded) {
        bytes = reencoded;
        parsed = await parseMessage(bytes);
      }
      total += bytes.length;
      messages.push({
        bytes, parsed,
        flags: m.flags.filter((f) => f.toLowerCase() !== '\\recent'),
        internalDate: m.internalDate?.getTime(),
      });
    }
    if (await accountWouldExceed(store, folder.accountId, total, messages.length)) return no('Quota exceeded', 'OVERQUOTA');
    const stored = await store.appendMessages(folder.id, messages);
    const status = await store.mailboxStatus(folder.id);
    return ok('APPEND completed', { code: 'APPENDUID', args: [status.uidValidity, atom(compressNumbers(stored.map((m) => m.uid)))] });
  },
});
