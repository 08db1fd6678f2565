// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1): the EXPUNGE (or VANISHED under
// QRESYNC) responses come from this session's view, so sequence numbers stay consistent.
import { bad, no, ok } from '../respond.js';
import { SELECTED, command } from './types.js';

export const expunge = command({
  name: 'EXPUNGE', states: SELECTED,
  handle: async (c, cmd) => {
    const s = c.session;
    const sel = s.selected!;
    if (sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
    let uids: number[] | undefined;
    if (cmd.uids) {
      const r = sel.resolve(cmd.uids, true, s.saved);
      if (!r) return bad('Invalid UID set');
      uids = r;
      if (uids.length === 0) return ok('EXPUNGE completed');
    }
    const gone = await c.ctx.store.expungeMessages(sel.folder.id, uids);
    return ok('EXPUNGE completed', undefined, sel.expunge(gone, s.enabled.has('QRESYNC')));
  },
});
