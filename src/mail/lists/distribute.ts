/**
 * Fans out one post to a mailing list's members through the Outbound interface (the one way the
 * mail system sends a message on: local members are delivered, remote ones queued). The list is
 * the new originator (RFC 5321 §3.6.2), so the poster never sees the members' bounces: local
 * members get one copy in one delivery with envelope sender LIST-bounces@; each remote member
 * gets a VERP-like LIST-bounces+MEMBER=DOMAIN@ sender, so that a bounce names the member
 * whatever the remote MTA writes in it (src/mail/lists/bounces.ts counts them); its copy also
 * carries the member's own one-click unsubscribe link (RFC 8058, ./one-click.ts) when the server
 * has a public URL. Members whose delivery was disabled by bounces get nothing.
 */
import type { Outbound } from '../outbound.js';
import type { Store } from '../../store/store.js';
import type { MailingList } from '../../store/list-store.js';
import { isLoop, listCopy } from './post.js';
import { commandAddress, verpAddress } from './addresses.js';
import { domainPart } from '../recipients.js';
import type { OneClick } from './one-click.js';

export type Distribution =
  | { outcome: 'sent'; recipients: number; queueId: string | null }
  /** The post already went through this list (its List-Id is on it): dropped, not sent again. */
  | { outcome: 'loop' }
  /** The list has no (enabled) members: nothing to send. */
  | { outcome: 'empty' };

export async function distributeListPost(
  store: Pick<Store, 'listListMembers' | 'getDomain'>,
  outbound: Outbound,
  list: MailingList,
  message: Uint8Array,
  oneClick?: OneClick,
): Promise<Distribution> {
  if (isLoop(message, list)) return { outcome: 'loop' };
  const members = (await store.listListMembers(list.id)).filter((m) => !m.disabled && m.address !== list.address);
  if (members.length === 0) return { outcome: 'empty' };
  const bytes = listCopy(list, message);
  const ours = new Map<string, boolean>();
  const local: string[] = [];
  const remote: string[] = [];
  for (const m of members) {
    const d = domainPart(m.address);
    if (!ours.has(d)) ours.set(d, (await store.getDomain(d)) !== null);
    (ours.get(d) ? local : remote).push(m.address);
  }
  let queueId: string | null = null;
  if (local.length) queueId = (await outbound.send({ mailFrom: commandAddress(list, 'bounces'), recipients: local, bytes })).queueId;
  for (const r of remote) {
    const copy = oneClick ? listCopy(list, message, oneClick.url(list.id, r)) : bytes;
    queueId = (await outbound.send({ mailFrom: verpAddress(list, r), recipients: [r], bytes: copy })).queueId ?? queueId;
  }
  return { outcome: 'sent', recipients: members.length, queueId };
}
