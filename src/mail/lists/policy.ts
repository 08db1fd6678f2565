/**
 * Who may write to a mailing list's addresses, decided at RCPT (like every recipient decision,
 * so that a refused message is refused in the dialogue and never bounced later). The sender is
 * the envelope sender, or the authenticated user on submission. Posts: each class of sender
 * (members, non-members, owners and moderators) is allowed, moderated (accepted here, held
 * after DATA) or denied. The null sender (a bounce) reaches only LIST-bounces, which keeps
 * bounces and auto-replies off the list and away from the command addresses; a confirm address
 * with a token that is not (or no longer) valid is refused.
 */
import type { Store } from '../../store/store.js';
import type { MailingList, PostPolicy } from '../../store/list-store.js';
import type { ListAddress } from './addresses.js';
import { splitToken, verifierMatches } from './tokens.js';

export type SenderClass = 'moderator' | 'member' | 'nonmember';

const RANK: Record<SenderClass, number> = { nonmember: 0, member: 1, moderator: 2 };

/** The highest class among the sender's addresses (envelope sender, authenticated user). */
export async function senderClass(store: Pick<Store, 'getListMember'>, list: MailingList, senders: string[]): Promise<SenderClass> {
  let best: SenderClass = 'nonmember';
  for (const s of senders) {
    const m = await store.getListMember(list.id, s);
    const c: SenderClass = !m ? 'nonmember' : m.role === 'member' ? 'member' : 'moderator';
    if (RANK[c] > RANK[best]) best = c;
  }
  return best;
}

export function postPolicyFor(list: MailingList, c: SenderClass): PostPolicy {
  return c === 'moderator' ? list.moderatorPosts : c === 'member' ? list.memberPosts : list.nonMemberPosts;
}

export function sendersOf(mailFrom: string, authenticatedUser: string | null): string[] {
  return [...new Set([mailFrom, authenticatedUser ?? ''].map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

/** A token from a confirm address that is valid now (constant-time verifier compare). */
export async function validToken(store: Pick<Store, 'getListToken'>, list: MailingList, text: string, now: number) {
  const parts = splitToken(text);
  if (!parts) return null;
  const t = await store.getListToken(parts.selector, now);
  if (!t || t.listId !== list.id || !verifierMatches(t.verifierHash, parts.verifier)) return null;
  return t;
}

export async function mayPost(
  store: Pick<Store, 'getListMember' | 'getListToken'>,
  list: MailingList | ListAddress,
  mailFrom: string,
  authenticatedUser: string | null,
  now: number = Date.now(),
): Promise<boolean> {
  const endpoint = 'endpoint' in list ? list.endpoint : 'post';
  // RFC 3464 §2: DSNs come from the null sender; a bounce from anyone else is not counted.
  if (endpoint === 'bounces') return true;
  const senders = sendersOf(mailFrom, authenticatedUser);
  if (senders.length === 0) return false;
  if (endpoint === 'confirm') return (await validToken(store, list, ('detail' in list && list.detail) || '', now)) !== null;
  if (endpoint !== 'post') return true;
  return postPolicyFor(list, await senderClass(store, list, senders)) !== 'deny';
}
