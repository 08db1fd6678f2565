// Loads the selected mailbox's messages by UID in bounded batches: states only when that is all
// a command needs, parsed messages otherwise (a range query per batch of nearby UIDs).
import type { Store } from '../../../src/store/store.js';
import type { MailMessage, MessageState } from '../../../src/model/mail.js';

const BATCH = 250;

export async function* messagesByUid(store: Store, folderId: number, uids: number[], parsed: boolean): AsyncGenerator<MessageState | MailMessage> {
  for (let i = 0; i < uids.length; i += BATCH) {
    const slice = uids.slice(i, i + BATCH);
    const wanted = new Set(slice);
    const range = { uidFrom: slice[0], uidTo: slice[slice.length - 1] };
    const rows = parsed ? await store.listMessages(folderId, range) : await store.listMessageStates(folderId, range);
    for (const m of rows) if (wanted.has(m.uid)) yield m;
  }
}
