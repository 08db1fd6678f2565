// STATUS (RFC 9051 §6.3.11).
import { decodeName } from '../mailboxes.js';
import { resolveMailbox } from '../shared.js';
import { statusResponse } from '../status-items.js';
import { no, ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const status = command({
  name: 'STATUS', states: AUTHED,
  handle: async (c, cmd) => {
    const found = await resolveMailbox(c.ctx.store, c.session.account!, decodeName(c.session, cmd.mailbox));
    if (!found) return no('No such mailbox', 'NONEXISTENT');
    const { folder } = found;
    if (cmd.items.some((i) => i.toUpperCase() === 'HIGHESTMODSEQ')) c.session.condstore = true;
    return ok('STATUS completed', undefined, [await statusResponse(c.ctx.store, folder.accountId, folder.id, cmd.mailbox, cmd.items)]);
  },
});
