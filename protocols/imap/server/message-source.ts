// Loads the selected mailbox's messages by UID in bounded batches: states only when that is all
// a command needs; otherwise states joined with the cached parse (parsed-cache.ts), and the
// parse columns are read from the store only for the messages not cached yet (one range query
// over those UIDs per batch). With `view`, the first batch's states and the view's change feed
// (the change check after the command) are read together: one round trip on PostgreSQL.
import type { Store } from '../../../src/store/store.js';
import type { SelectedMailbox } from './selected.js';
import type { MailMessage, MessageState } from '../../../src/model/mail.js';
import { cachedParse, rememberParse } from './parsed-cache.js';

const BATCH = 250;

export async function* messagesByUid(store: Store, folderId: number, uids: number[], parsed: boolean,
  view?: Pick<SelectedMailbox, 'feedRead' | 'prefetch'>): AsyncGenerator<MessageState | MailMessage> {
  for (let i = 0; i < uids.length; i += BATCH) {
    const slice = uids.slice(i, i + BATCH);
    const range = { uidFrom: slice[0], uidTo: slice[slice.length - 1] };
    let states: MessageState[];
    if (view && i === 0) {
      const feed = view.feedRead();
      const [read, page] = await store.readTogether({ read: 'listMessageStates', args: [folderId, range] }, feed);
      view.prefetch(feed.args[1], page);
      states = read;
    } else {
      states = await store.listMessageStates(folderId, range);
    }
    // The range may hold UIDs that were not asked for (a sparse set); the common contiguous case needs no filter.
    if (states.length !== slice.length || states.some((m, k) => m.uid !== slice[k])) {
      const wanted = new Set(slice);
      states = states.filter((m) => wanted.has(m.uid));
    }
    if (!parsed) {
      yield* states;
      continue;
    }
    const cached = states.map((m) => cachedParse(m.itemId, m.blobHash));
    const missing = states.filter((_, k) => !cached[k]);
    const fresh = new Map<number, MailMessage>();
    if (missing.length > 0) {
      const rows = await store.listMessages(folderId, { uidFrom: missing[0].uid, uidTo: missing[missing.length - 1].uid });
      for (const m of rows) {
        fresh.set(m.itemId, m);
        rememberParse(m.itemId, m.blobHash, m.parsed);
      }
    }
    for (let k = 0; k < states.length; k++) {
      const s = states[k];
      // Read after the states: a message re-read here is at least as new; prefer it then.
      const f = fresh.get(s.itemId);
      if (f && f.modseq >= s.modseq) { yield f; continue; }
      const p = cached[k] ?? f?.parsed;
      // The states are this call's own objects: the parse is attached, not copied into a new one.
      if (p) yield Object.assign(s, { parsed: p });
      // A message expunged between the two reads (and not cached) is skipped, as if gone.
    }
  }
}
