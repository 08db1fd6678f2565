// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9) with CHANGEDSINCE and VANISHED (RFC 7162
// §3.1.4, §3.2.6). Answers are streamed message by message; \Seen is set for non-PEEK body
// fetches in a read-write mailbox, and FLAGS then go with the answer.
import { SEEN } from '../../../../src/model/mail.js';
import { atom, compressNumbers, fetchResponse, untagged, type FetchItem } from '../../codec/index.js';
import { fetchItems, needsParse, setsSeen } from '../fetch-items.js';
import { messagesByUid } from '../message-source.js';
import { bad, ok } from '../respond.js';
import { SELECTED, command } from './types.js';

const FLUSH_BYTES = 64 * 1024;

export const fetch = command({
  name: 'FETCH', states: SELECTED,
  handle: async (c, cmd) => {
    const s = c.session;
    const sel = s.selected!;
    const uids = sel.resolve(cmd.set, cmd.uid, s.saved);
    if (!uids) return bad('Invalid message sequence number');
    const items: FetchItem[] = [...cmd.items];
    const has = (name: string) => items.some((i) => i.item === name);
    if (cmd.uid && !has('UID')) items.unshift({ item: 'UID' });
    const since = cmd.modifiers.changedSince;
    if (since !== undefined || has('MODSEQ')) s.condstore = true;
    if (since !== undefined && !has('MODSEQ')) items.push({ item: 'MODSEQ' });
    if (cmd.modifiers.vanished && (!cmd.uid || since === undefined || !s.enabled.has('QRESYNC'))) return bad('VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC');
    if (cmd.modifiers.vanished) {
      const changes = await c.ctx.store.mailChangesSince(sel.folder.id, since!);
      const asked = new Set(uids);
      const max = uids[uids.length - 1] ?? 0;
      const gone = changes.vanished.filter((u) => asked.has(u) || (u > (uids[0] ?? 0) && u < max));
      if (gone.length > 0) await c.send(untagged([atom('VANISHED'), [atom('EARLIER')], atom(compressNumbers(gone))]));
    }
    const markSeen = !sel.readOnly && setsSeen(items);
    const parse = needsParse(items);
    const wantsFlags = has('FLAGS');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const out = pending;
      pending = [];
      pendingBytes = 0;
      await c.send(...out);
    };
    // The change check after FETCH reads with the messages, unless FETCH itself writes (\Seen).
    for await (const m of messagesByUid(c.ctx.store, sel.folder.id, uids, parse, markSeen ? undefined : sel)) {
      if (since !== undefined && m.modseq <= since) continue;
      const seq = sel.seqOf(m.uid);
      if (seq <= 0) continue;
      let msgItems = items;
      if (markSeen && !m.flags.some((f) => f.toLowerCase() === '\\seen')) {
        const { changed } = await c.ctx.store.storeFlags(sel.folder.id, [m.uid], 'add', [SEEN]);
        for (const ch of changed) {
          m.flags = ch.flags;
          m.modseq = ch.modseq;
          sel.noteFlags(ch.uid, ch.flags, ch.modseq);
        }
        if (!wantsFlags) msgItems = [...items, { item: 'FLAGS' }];
      }
      // Answers go out in batches of about 64 KB: one TLS record and write per batch, not per message.
      pending.push(fetchResponse(seq, await fetchItems(c.ctx.store, m, msgItems, sel.recent.has(m.uid)), s.compose));
      pendingBytes += pending[pending.length - 1].length;
      if (pendingBytes >= FLUSH_BYTES) await flush();
    }
    // The last batch goes out with the tagged OK: one write (one TLS record) for a short FETCH.
    return ok('FETCH completed', undefined, pending);
  },
});
