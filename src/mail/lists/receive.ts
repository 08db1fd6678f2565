/**
 * One message accepted at RCPT for one of a list's addresses (src/mail/lists/addresses.ts),
 * after DATA: a post is sent to the members, or held when its sender's class is moderated; a
 * command (request, subscribe, unsubscribe, help, confirm) is answered by mail; a bounce is
 * counted. LIST-owner never gets here: src/mail/recipients.ts resolves it to the owners.
 */
import type { ListAddress } from './addresses.js';
import type { ListDeps } from './deps.js';
import { distributeListPost } from './distribute.js';
import { holdPost } from './moderation.js';
import { postPolicyFor, senderClass, sendersOf } from './policy.js';
import { handleRequest } from './requests.js';
import { handleBounce } from './bounces.js';
import { isLoop } from './post.js';

export interface ListEnvelope {
  mailFrom: string;
  authenticatedAs: string | null;
}

export async function receiveListMail(deps: ListDeps, target: ListAddress, message: Buffer, envelope: ListEnvelope): Promise<string> {
  const { log } = deps;
  // Expired tokens and held posts go here and in `hearth list held`: no timer to run.
  await deps.store.purgeExpiredListItems(deps.now());
  if (target.endpoint === 'bounces') return `bounces:${await handleBounce(deps, target, message, envelope.mailFrom)}`;
  const senders = sendersOf(envelope.mailFrom, envelope.authenticatedAs);
  // RCPT refused the null sender on every other address; this is the second line of defence.
  if (senders.length === 0) return 'dropped';
  if (target.endpoint !== 'post') {
    // Commands answer the envelope sender: the address that would receive the confirmation.
    const outcome = await handleRequest(deps, target, message, envelope.mailFrom || senders[0]);
    log.info({ list: target.address, endpoint: target.endpoint, outcome }, 'list.request');
    return outcome;
  }
  if (isLoop(message, target)) return 'loop';
  const policy = postPolicyFor(target, await senderClass(deps.store, target, senders));
  if (policy === 'deny') return 'denied';
  if (policy === 'moderate') {
    await holdPost(deps, target, message, envelope.mailFrom || senders[0]);
    return 'held';
  }
  const d = await distributeListPost(deps.store, deps.outbound, target, message, deps.oneClick);
  log.info({ list: target.address, outcome: d.outcome, ...(d.outcome === 'sent' ? { recipients: d.recipients } : {}) }, 'list.post');
  return d.outcome;
}
