// COPY and MOVE between two accounts' folders (a user's own mailbox and a shared or public one,
// RFC 9051 §6.4.7, RFC 6851): the store copies within one account only, so the messages are read
// and appended to the target in one all-or-nothing append (flags and internal date kept, the
// target account's quota checked by the store), then, for MOVE, removed from the source.
import type { Folder } from '../../../src/model/types.js';
import type { NewMessage, UidMapping } from '../../../src/model/mail.js';
import type { Store } from '../../../src/store/store.js';
import { MAIL_LIMITS } from '../../../src/mail/limits.js';

/** Bytes one cross-account COPY may carry: it is held in memory for the one append. */
export const MAX_CROSS_COPY_BYTES = Math.max(MAIL_LIMITS.maxMessageBytes, 256 * 1024 * 1024);

export type CrossCopy = UidMapping | 'too-big';

export async function copyAcrossAccounts(store: Store, from: Folder, uids: number[], to: Folder): Promise<CrossCopy> {
  const messages: NewMessage[] = [];
  const sources: number[] = [];
  let total = 0;
  for (const uid of uids) {
    const m = await store.getMessageByUid(from.id, uid);
    if (!m) continue; // expunged meanwhile: nothing to copy (RFC 9051 §6.4.7 copies what exists)
    total += m.size;
    if (total > MAX_CROSS_COPY_BYTES) return 'too-big';
    const bytes = await store.readMessageBytes(m.itemId);
    if (!bytes) continue;
    // \Recent is never copied (RFC 3501 §2.3.2: it belongs to the session that saw it first).
    messages.push({ bytes, parsed: m.parsed, flags: m.flags.filter((f) => f.toLowerCase() !== '\\recent'), internalDate: m.internalDate });
    sources.push(uid);
  }
  if (messages.length === 0) return { uidValidity: (await store.mailboxStatus(to.id)).uidValidity, pairs: [] };
  const stored = await store.appendMessages(to.id, messages);
  const uidValidity = (await store.mailboxStatus(to.id)).uidValidity;
  return { uidValidity, pairs: stored.map((m, i) => [sources[i], m.uid]) };
}

/** MOVE's second half: the copied source messages are flagged \Deleted and expunged (those UIDs only). */
export async function removeMoved(store: Store, from: Folder, uids: number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  await store.storeFlags(from.id, uids, 'add', ['\\Deleted']);
  return store.expungeMessages(from.id, uids);
}
