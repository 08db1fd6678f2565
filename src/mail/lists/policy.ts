/**
 * Who may post to a mailing list, decided at RCPT (like every recipient decision, so a refused
 * post is refused in the dialogue and never bounced later). The sender is the envelope sender,
 * or the authenticated user on submission; the null sender (a bounce) never posts, which also
 * keeps bounces and auto-replies off the list.
 */
import type { ListStore, MailingList } from '../../store/list-store.js';

export async function mayPost(
  store: Pick<ListStore, 'listListMembers'>,
  list: MailingList,
  mailFrom: string,
  authenticatedUser: string | null,
): Promise<boolean> {
  const senders = [mailFrom, authenticatedUser ?? ''].map((a) => a.trim().toLowerCase()).filter(Boolean);
  if (senders.length === 0) return false;
  if (list.posting === 'anyone') return true;
  const members = await store.listListMembers(list.id);
  return members.some((m) => senders.includes(m.address) && (list.posting === 'members' || m.role === 'owner'));
}
