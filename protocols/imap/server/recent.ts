// \Recent for IMAP4rev1 clients (RFC 3501 §2.3.2; IMAP4rev2 dropped it): a message is recent in
// the first read-write session that sees it. The boundary (the first UID no session has claimed)
// is kept per mailbox in the account's settings, so it holds across sessions and nodes. Claiming
// is read-then-write, not atomic: two sessions selecting at the same instant may both see a
// message as recent, which RFC 3501 tolerates less than Hearth's users will notice.
import type { Store } from '../../../src/store/store.js';

const key = (folderId: number) => `imap.recent.${folderId}`;

/** UIDs of `uids` that are recent; with `claim`, no later session will see them as recent. */
export async function claimRecent(store: Store, accountId: number, folderId: number, uids: number[], claim: boolean): Promise<number[]> {
  if (uids.length === 0) return [];
  const boundary = (await store.getSetting<number>(accountId, key(folderId))) ?? 0;
  const recent = uids.filter((u) => u >= boundary);
  const next = uids[uids.length - 1] + 1;
  if (claim && next > boundary) await store.setSetting(accountId, key(folderId), next);
  return recent;
}

/** How many of the mailbox's messages no session has claimed yet (STATUS RECENT). */
export async function unclaimedRecent(store: Store, accountId: number, folderId: number, uids: number[]): Promise<number> {
  const boundary = (await store.getSetting<number>(accountId, key(folderId))) ?? 0;
  return uids.filter((u) => u >= boundary).length;
}
