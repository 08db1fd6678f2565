// STORE and UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE and MODIFIED (RFC 7162 §3.1.3).
// Flags are the MailStore's: \Seen and \Flagged here are what ActiveSync reads as Read and Flag.
import { atom, compressNumbers, fetchResponse, flagList, type ResponseValue } from '../../codec/index.js';
import { bad, no, ok } from '../respond.js';
import { SELECTED, command } from './types.js';

export const store = command({
  name: 'STORE', states: SELECTED,
  handle: async (c, cmd) => {
    const s = c.session;
    const sel = s.selected!;
    if (sel.readOnly) return no('Mailbox is read-only', 'READ-ONLY');
    const uids = sel.resolve(cmd.set, cmd.uid, s.saved);
    if (!uids) return bad('Invalid message sequence number');
    if (cmd.unchangedSince !== undefined) s.condstore = true;
    const flags = cmd.flags.filter((f) => f.toLowerCase() !== '\\recent');
    const from = sel.modseq;
    // The change check after STORE is read by the STORE itself, under its lock, before its change.
    const { changed, modified, priorModseq, changes } = uids.length === 0 ? { changed: [], modified: [], priorModseq: undefined, changes: undefined }
      : await c.ctx.store.storeFlags(sel.folder.id, uids, cmd.operation, flags, { unchangedSince: cmd.unchangedSince, changesSince: from });
    for (const ch of changed) sel.noteFlags(ch.uid, ch.flags, ch.modseq);
    // No other change since the view's modseq: the view is current without reading the store.
    const current = sel.advance(priorModseq, changed.map((ch) => ch.modseq));
    if (!current && changes) {
      // The page ends where this change began (priorModseq); what follows up to the change's last
      // modseq is this change alone (the account was locked), noted above: the page covers it too.
      const through = !changes.more && changed.length > 0 && changes.modseq === priorModseq ? Math.max(changes.modseq, ...changed.map((ch) => ch.modseq)) : changes.modseq;
      sel.prefetch(from, { ...changes, modseq: through });
    }
    const out: Buffer[] = [];
    const skipped = new Set(modified);
    const changedUids = new Set(changed.map((ch) => ch.uid));
    for (const uid of uids) {
      if (skipped.has(uid)) continue;
      // .SILENT still reports the new MODSEQ of changed messages under CONDSTORE (RFC 7162 §3.1.3).
      if (cmd.silent && !(s.condstore && changedUids.has(uid))) continue;
      const seq = sel.seqOf(uid);
      if (seq <= 0) continue;
      const items: Array<[string, ResponseValue]> = [];
      if (cmd.uid) items.push(['UID', uid]);
      if (!cmd.silent) items.push(['FLAGS', flagList(sel.shownFlags(uid, sel.flags.get(uid) ?? []))]);
      if (s.condstore) items.push(['MODSEQ', [sel.modseqs.get(uid) ?? 0]]);
      out.push(fetchResponse(seq, items));
    }
    if (modified.length > 0) {
      const numbers = modified.map((u) => (cmd.uid ? u : sel.seqOf(u))).filter((n) => n > 0);
      return {
        status: 'OK', text: 'Conditional STORE failed for some messages', code: { code: 'MODIFIED', args: [atom(compressNumbers(numbers))] },
        untagged: out, viewCurrent: current,
      };
    }
    return { ...ok('STORE completed', undefined, out), viewCurrent: current };
  },
});
