// STATUS (RFC 9051 §6.3.11).
import { decodeName, resolveFolder } from '../mailboxes.js';
import { statusResponse } from '../status-items.js';
import { no, ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const status = command({
  name: 'STATUS', states: AUTHED,
  handle: async (c, cmd) => {
    const folder = await resolveFolder(c.ctx.store, c.session.account!.id, decodeName(c.session, cmd.mailbox));
    if (!folder) return no('No such mailbox', 'NONEXISTENT');
    if (cmd.items.some((i) => i.toUpperCase() === 'HIGHESTMODSEQ')) c.session.condstore = true;
    return ok('STATUS completed', undefined, [await statusResponse(c.ctx.store, c.session.account!.id, folder.id, cmd.mailbox, cmd.items)]);
  },
});
