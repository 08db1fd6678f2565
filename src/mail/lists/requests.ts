/**
 * Subscription by mail, as Mailman and Sympa do it: LIST-subscribe and LIST-unsubscribe (or
 * LIST-request with the command in the subject or the first body line) mail the sender a
 * confirmation with a token, in its Reply-To (LIST-confirm+TOKEN) and its subject; a reply, or a
 * mail to that address, completes it. Nobody is subscribed without that confirmation, and an
 * address gets at most CONFIRMATIONS_PER_DAY of them, help and refusals included (no
 * subscription bombing). A moderated list then asks its moderators (approve or reject by token,
 * like held posts); a closed list answers that it takes no subscriptions. LIST-help answers with the description and the commands.
 */
import type { ListToken, MailingList } from '../../store/list-store.js';
import { headerValue, splitHeader } from '../header-block.js';
import { commandAddress, ownerAddressOf, type ListAddress } from './addresses.js';
import { approveHeldPost, decisionTokens, moderatorsOf, rejectHeldPost } from './moderation.js';
import { sendReply } from './replies.js';
import { newToken } from './tokens.js';
import { validToken } from './policy.js';
import { CONFIRM_TTL_MS, CONFIRMATIONS_PER_DAY, type ListDeps } from './deps.js';

export type RequestOutcome =
  | 'confirmation-sent'
  | 'rate-limited'
  | 'closed'
  | 'already-member'
  | 'not-member'
  | 'subscribed'
  | 'awaiting-approval'
  | 'unsubscribed'
  | 'subscription-rejected'
  | 'post-approved'
  | 'post-rejected'
  | 'invalid-token'
  | 'help'
  | 'unknown-command';

type Command = { verb: 'subscribe' | 'unsubscribe' | 'help' } | { verb: 'confirm'; token: string } | null;

/** The command of a mail to LIST-request: its subject ("Re: confirm TOKEN" too), else its first body line. */
export function requestCommand(message: Buffer): Command {
  const subject = headerValue(message, 'Subject') ?? '';
  const start = splitHeader(message).bodyStart;
  const body = message.subarray(start, start + 1000).toString('utf8');
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  for (const text of [subject, firstLine]) {
    const confirm = /\bconfirm\s+([0-9a-f]{32})\b/i.exec(text);
    if (confirm) return { verb: 'confirm', token: confirm[1] };
    const word = /^\s*(?:re:\s*)*(subscribe|unsubscribe|help|join|leave)\b/i.exec(text);
    if (word) {
      const w = word[1].toLowerCase();
      return { verb: w === 'join' ? 'subscribe' : w === 'leave' ? 'unsubscribe' : (w as 'subscribe' | 'unsubscribe' | 'help') };
    }
  }
  return null;
}

function helpText(list: MailingList): string {
  return [
    `${list.name} <${list.address}>`,
    ...(list.description ? ['', list.description] : []),
    '',
    'Commands, by mail:',
    `  subscribe:    write to ${commandAddress(list, 'subscribe')}`,
    `  unsubscribe:  write to ${commandAddress(list, 'unsubscribe')}`,
    `  help:         write to ${commandAddress(list, 'help')}`,
    `  or write to ${commandAddress(list, 'request')} with subscribe, unsubscribe or help as the subject.`,
    `  Each subscribe or unsubscribe is confirmed by replying to the confirmation we send.`,
    `Posts go to ${list.address}; the owners are at ${ownerAddressOf(list)}.`,
    `Subscription here is ${list.subscription === 'open' ? 'open' : list.subscription === 'moderated' ? 'approved by a moderator' : 'closed'}.`,
  ].join('\n');
}

/** Starts a subscribe or unsubscribe: the confirmation mail, within the rate limit. */
async function askConfirmation(deps: ListDeps, list: MailingList, verb: 'subscribe' | 'unsubscribe', sender: string, message: Buffer): Promise<RequestOutcome> {
  const { store, outbound } = deps;
  const member = await store.getListMember(list.id, sender);
  if (verb === 'subscribe' && list.subscription === 'closed') {
    if (!(await mayAnswer(deps, list, sender))) return 'rate-limited';
    await sendReply(store, outbound, list, {
      to: sender, from: 'request', inReplyTo: message, subject: `Subscription to ${list.address} is closed`,
      text: `${list.address} takes no subscriptions by mail. Its owners are at ${ownerAddressOf(list)}.`,
    });
    return 'closed';
  }
  if (verb === 'subscribe' && member) return 'already-member';
  if (verb === 'unsubscribe' && !member) return 'not-member';
  if (!(await underLimit(deps, sender))) return 'rate-limited';
  const t = newToken();
  await store.createListToken({
    selector: t.selector, verifierHash: t.verifierHash, listId: list.id, kind: verb, address: sender, decision: t.token,
    expiresAt: deps.now() + CONFIRM_TTL_MS,
  });
  const confirmAt = commandAddress(list, 'confirm', t.token);
  await sendReply(store, outbound, list, {
    to: sender, from: 'request', inReplyTo: message, replyTo: confirmAt, subject: `confirm ${t.token}`,
    text: [
      `Someone, probably you, asked to ${verb} ${sender} ${verb === 'subscribe' ? 'to' : 'from'} ${list.address}.`,
      '',
      `To confirm, reply to this message, or write to ${confirmAt}`,
      `If you did not ask for it, ignore this message: nothing happens without your reply.`,
      `This confirmation expires on ${new Date(deps.now() + CONFIRM_TTL_MS).toISOString()}.`,
    ].join('\n'),
  });
  deps.log.info({ list: list.address, verb }, 'list.confirmation.sent');
  return 'confirmation-sent';
}

/**
 * For answers that are not confirmations (help, refusals): within the same daily limit, and
 * counted like one (a 'notice' token nobody ever sees), so that a forged sender cannot make the
 * list write to someone over and over.
 */
async function mayAnswer(deps: ListDeps, list: MailingList, address: string): Promise<boolean> {
  if (!(await underLimit(deps, address))) return false;
  const n = newToken();
  await deps.store.createListToken({
    selector: n.selector, verifierHash: n.verifierHash, listId: list.id, kind: 'notice', address, decision: n.token,
    expiresAt: deps.now() + CONFIRM_TTL_MS,
  });
  return true;
}

async function underLimit(deps: ListDeps, address: string): Promise<boolean> {
  const ok = (await deps.store.countListTokens(address, deps.now() - 24 * 3_600_000)) < CONFIRMATIONS_PER_DAY;
  if (!ok) deps.log.warn({}, 'list.confirmation.rate-limited');
  return ok;
}

/** Carries out what a valid token allows (consumed first, so it works once). */
async function confirm(deps: ListDeps, list: MailingList, token: ListToken | null, message: Buffer): Promise<RequestOutcome> {
  const { store, outbound } = deps;
  const used = token ? await store.consumeListToken(token.selector, deps.now()) : null;
  if (!used) return 'invalid-token';
  const tell = (to: string, subject: string, text: string) => sendReply(store, outbound, list, { to, from: 'request', subject, text, inReplyTo: message });
  switch (used.kind) {
    case 'subscribe': {
      if (list.subscription === 'moderated') {
        const [approve, reject] = await decisionTokens(deps, list, ['approve-subscription', 'reject-subscription'], used.address, deps.now() + CONFIRM_TTL_MS);
        for (const to of await moderatorsOf(deps, list))
          await sendReply(store, outbound, list, {
            to, from: 'owner', replyTo: commandAddress(list, 'confirm', approve),
            subject: `Subscription request: ${used.address} to ${list.address} (confirm ${approve})`,
            text: [
              `${used.address} confirmed a subscription to ${list.address}, which needs a moderator's approval.`,
              '',
              `To approve it, reply to this message, or write to ${commandAddress(list, 'confirm', approve)}`,
              `To reject it, write to ${commandAddress(list, 'confirm', reject)}`,
            ].join('\n'),
          });
        await tell(used.address, `Your subscription to ${list.address} awaits approval`, `A moderator of ${list.address} will decide on your subscription.`);
        return 'awaiting-approval';
      }
      await store.addListMember(list.id, used.address);
      await tell(used.address, `Welcome to ${list.address}`, helpText(list));
      return 'subscribed';
    }
    case 'approve-subscription':
      await store.addListMember(list.id, used.address);
      await sendReply(store, outbound, list, { to: used.address, from: 'request', subject: `Welcome to ${list.address}`, text: helpText(list) });
      return 'subscribed';
    case 'reject-subscription':
      await sendReply(store, outbound, list, {
        to: used.address, from: 'request', subject: `Your subscription to ${list.address} was not approved`,
        text: `A moderator of ${list.address} did not approve your subscription.`,
      });
      return 'subscription-rejected';
    case 'unsubscribe':
      await store.removeListMember(list.id, used.address);
      await tell(used.address, `You have left ${list.address}`, `${used.address} no longer receives ${list.address}.`);
      return 'unsubscribed';
    case 'approve-post':
      return (await approveHeldPost(deps, list, used.heldId ?? 0)).outcome === 'approved' ? 'post-approved' : 'invalid-token';
    case 'reject-post':
      return (await rejectHeldPost(deps, list, used.heldId ?? 0)).outcome === 'rejected' ? 'post-rejected' : 'invalid-token';
    case 'notice':
      return 'invalid-token';
  }
}

/** A mail to one of the list's command addresses (not -owner, not -bounces). */
export async function handleRequest(deps: ListDeps, target: ListAddress, message: Buffer, sender: string): Promise<RequestOutcome> {
  const list: MailingList = target;
  let command: Command;
  if (target.endpoint === 'subscribe' || target.endpoint === 'unsubscribe' || target.endpoint === 'help') command = { verb: target.endpoint };
  else if (target.endpoint === 'confirm') command = { verb: 'confirm', token: target.detail ?? '' };
  else command = requestCommand(message);
  if (command === null || command.verb === 'help') {
    if (!(await mayAnswer(deps, list, sender))) return 'rate-limited';
    await sendReply(deps.store, deps.outbound, list, { to: sender, from: 'request', inReplyTo: message, subject: `Help for ${list.address}`, text: helpText(list) });
    return command === null ? 'unknown-command' : 'help';
  }
  if (command.verb === 'confirm') return confirm(deps, list, await validToken(deps.store, list, command.token, deps.now()), message);
  return askConfirmation(deps, list, command.verb, sender, message);
}
