/**
 * Fans out one post to a mailing list's members through the Outbound interface (the one way the
 * mail system sends a message on: local members are delivered, remote ones queued). The
 * envelope sender is LIST-owner@DOMAIN, so that bounces reach the owners and never the poster
 * (RFC 5321 §3.6.2 on lists: the list is the new originator).
 */
import type { Outbound } from '../outbound.js';
import type { ListStore, MailingList } from '../../store/list-store.js';
import { isLoop, listCopy, ownerAddressOf } from './post.js';

export type Distribution =
  | { outcome: 'sent'; recipients: number; queueId: string | null }
  /** The post already went through this list (its List-Id is on it): dropped, not sent again. */
  | { outcome: 'loop' }
  /** The list has no members: nothing to send. */
  | { outcome: 'empty' };

export async function distributeListPost(
  store: Pick<ListStore, 'listListMembers'>,
  outbound: Outbound,
  list: MailingList,
  message: Uint8Array,
): Promise<Distribution> {
  if (isLoop(message, list)) return { outcome: 'loop' };
  const recipients = [...new Set((await store.listListMembers(list.id)).map((m) => m.address))].filter((a) => a !== list.address);
  if (recipients.length === 0) return { outcome: 'empty' };
  const { queueId } = await outbound.send({ mailFrom: ownerAddressOf(list), recipients, bytes: listCopy(list, message) });
  return { outcome: 'sent', recipients: recipients.length, queueId };
}
