/**
 * Held posts: a post whose sender's class is moderated is stored (not sent), and the list's
 * moderators (owners and moderators) get a notice with the post attached and two token
 * addresses: replying to it (Reply-To LIST-confirm+APPROVE) approves, writing to
 * LIST-confirm+REJECT rejects. Operators decide with `hearth list held|approve|reject` through
 * the same functions (the API can call them too). Each post is decided once: taking it out of the
 * store is atomic, and its other token goes with it. Held posts expire (HELD_TTL_MS).
 */
import type { HeldPost, ListTokenKind, MailingList } from '../../store/list-store.js';
import { headerValue } from '../header-block.js';
import { commandAddress } from './addresses.js';
import { distributeListPost, type Distribution } from './distribute.js';
import { sendReply } from './replies.js';
import { newToken } from './tokens.js';
import { HELD_TTL_MS, type ListDeps } from './deps.js';

/** The enabled owners and moderators of a list. */
export async function moderatorsOf(deps: Pick<ListDeps, 'store'>, list: MailingList): Promise<string[]> {
  return (await deps.store.listListMembers(list.id)).filter((m) => m.role !== 'member' && !m.disabled).map((m) => m.address);
}

/** Makes an approve token and a reject token for one decision; returns both tokens. */
export async function decisionTokens(
  deps: Pick<ListDeps, 'store'>,
  list: MailingList,
  kinds: [ListTokenKind, ListTokenKind],
  address: string,
  expiresAt: number,
  heldId: number | null = null,
): Promise<[string, string]> {
  const tokens: string[] = [];
  const decision = newToken().token;
  for (const kind of kinds) {
    const t = newToken();
    await deps.store.createListToken({ selector: t.selector, verifierHash: t.verifierHash, listId: list.id, kind, address, heldId, decision, expiresAt });
    tokens.push(t.token);
  }
  return [tokens[0], tokens[1]];
}

/** Stores a post for moderation and tells the moderators. */
export async function holdPost(deps: ListDeps, list: MailingList, message: Buffer, mailFrom: string): Promise<HeldPost> {
  const expiresAt = deps.now() + HELD_TTL_MS;
  const subject = headerValue(message, 'Subject') ?? '';
  const held = await deps.store.holdListPost({ listId: list.id, mailFrom, subject, bytes: message, expiresAt });
  const [approve, reject] = await decisionTokens(deps, list, ['approve-post', 'reject-post'], mailFrom, expiresAt, held.id);
  const approveAt = commandAddress(list, 'confirm', approve);
  const rejectAt = commandAddress(list, 'confirm', reject);
  for (const to of await moderatorsOf(deps, list)) {
    await sendReply(deps.store, deps.outbound, list, {
      to,
      from: 'owner',
      subject: `Held for moderation: post ${held.id} to ${list.address} (confirm ${approve})`,
      replyTo: approveAt,
      attach: message,
      text: [
        `A post to ${list.address} from ${mailFrom} is held for moderation (post ${held.id}).`,
        `Subject: ${subject}`,
        '',
        `To approve it, reply to this message, or write to ${approveAt}`,
        `To reject it, write to ${rejectAt}`,
        `Or: hearth list approve ${list.address} ${held.id} / hearth list reject ${list.address} ${held.id}`,
        '',
        `Without a decision it is dropped on ${new Date(expiresAt).toISOString()}.`,
      ].join('\n'),
    });
  }
  deps.log.info({ list: list.address, held: held.id }, 'list.post.held');
  return held;
}

export type Decision = { outcome: 'approved'; distribution: Distribution } | { outcome: 'rejected' } | { outcome: 'not-held' };

/** Sends a held post to the members. 'not-held' when it was already decided or has expired. */
export async function approveHeldPost(deps: ListDeps, list: MailingList, id: number): Promise<Decision> {
  const post = await deps.store.takeHeldPost(list.id, id, deps.now());
  if (!post) return { outcome: 'not-held' };
  const distribution = await distributeListPost(deps.store, deps.outbound, list, post.bytes, deps.oneClick);
  deps.log.info({ list: list.address, held: id, outcome: distribution.outcome }, 'list.post.approved');
  return { outcome: 'approved', distribution };
}

/** Drops a held post and tells its sender (with the reason, when given). */
export async function rejectHeldPost(deps: ListDeps, list: MailingList, id: number, reason?: string): Promise<Decision> {
  const post = await deps.store.takeHeldPost(list.id, id, deps.now());
  if (!post) return { outcome: 'not-held' };
  await sendReply(deps.store, deps.outbound, list, {
    to: post.mailFrom,
    from: 'owner',
    subject: `Your post to ${list.address} was rejected`,
    inReplyTo: post.bytes,
    text: [`A moderator of ${list.address} rejected your post "${post.subject}".`, ...(reason ? ['', `Reason: ${reason}`] : [])].join('\n'),
  });
  deps.log.info({ list: list.address, held: id }, 'list.post.rejected');
  return { outcome: 'rejected' };
}

/** The list's held posts, oldest first (expired ones purged first). */
export async function heldPosts(deps: Pick<ListDeps, 'store' | 'now'>, list: MailingList): Promise<HeldPost[]> {
  await deps.store.purgeExpiredListItems(deps.now());
  return deps.store.listHeldPosts(list.id, deps.now());
}
