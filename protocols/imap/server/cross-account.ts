// COPY and MOVE between two accounts' folders (a user's own mailbox and a shared or public one,
// RFC 9051 §6.4.7, RFC 6851): the store copies within one account only, so each message is read
// and appended to the target on its own (flags and internal date kept, the target account's quota
// checked by the store), one message in memory at a time. COPY is all or nothing (RFC 9051
// §6.4.7: a failed COPY restores the destination): on a failure the messages already appended are
// expunged from the target again. MOVE then removes the copied messages from the source.
import type { Folder } from '../../../src/model/types.js';
import type { UidMapping } from '../../../src/model/mail.js';
import type { Store } from '../../../src/store/store.js';

export async function copyAcrossAccounts(store: Store, from: Folder, uids: number[], to: Folder): Promise<UidMapping> {
  const pairs: [number, number][] = [];
  try {
    for (const uid of uids) {
      const m = await store.getMessageByUid(from.id, uid);
      if (!m) continue; // expunged meanwhile: nothing to copy (RFC 9051 §6.4.7 copies what exists)
      const bytes = await store.readMessageBytes(m.itemId);
      if (!bytes) continue;
      // \Recent is never copied (RFC 3501 §2.3.2: it belongs to the session that saw it first).
      const flags = m.flags.filter((f) => f.toLowerCase() !== '\\recent');
      const [stored] = await store.appendMessages(to.id, [{ bytes, parsed: m.parsed, flags, internalDate: m.internalDate }]);
      pairs.push([uid, stored.uid]);
    }
  } catch (e) {
    if (pairs.length) await removeMoved(store, to, pairs.map(([, target]) => target)).catch(() => undefined);
    throw e;
  }
  const uidValidity = (await store.mailboxStatus(to.id)).uidValidity;
  return { uidValidity, pairs };
}

/** MOVE's second half: the copied source messages are flagged \Deleted and expunged (those UIDs only). */
export async function removeMoved(store: Store, from: Folder, uids: number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  await store.storeFlags(from.id, uids, 'add', ['\\Deleted']);
  return store.expungeMessages(from.id, uids);
}
