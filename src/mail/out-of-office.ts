/**
 * Out-of-office replies (RFC 3834) from the setting phones write over ActiveSync Settings Oof
 * ([MS-ASCMD] 2.2.3.119; the account setting 'oof', src/model/types.ts OofSetting). One function
 * decides whether a delivered message gets an answer and sends it through the Outbound.
 *
 * Never answered (RFC 3834 §2, §3.1): the null sender, mailing lists (List-Id or any List-*
 * field, Precedence bulk/list/junk), automatic mail (Auto-Submitted other than "no", Microsoft's
 * X-Auto-Response-Suppress), robot senders (MAILER-DAEMON, owner-*, *-request, noreply ...), mail
 * on which the user is not in To or Cc, and the user's own mail. A sender gets at most one reply
 * per period (7 days by default), recorded in the store so that every node agrees.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { convert as htmlToText } from 'html-to-text';
import type { Store } from '../store/store.js';
import type { Account, OofMessage, OofSetting } from '../model/types.js';
import type { ParsedMessage } from '../model/mail.js';
import type { Outbound } from './outbound.js';
import { fieldValue, splitHeader } from './header-block.js';

export interface OofDeps {
  store: Store;
  outbound: Outbound;
  now: () => number;
  /** One reply per sender per this many milliseconds. */
  periodMs: number;
  /** Last step before sending (DKIM signing), applied to the reply's bytes. */
  finish?: (bytes: Buffer) => Promise<Buffer>;
}

export interface OofInput {
  account: Account;
  /** The message as delivered. */
  raw: Buffer;
  parsed: ParsedMessage;
  /** MAIL FROM ('' or null for the null reverse-path). */
  mailFrom: string | null;
}

export type OofOutcome =
  'sent' | 'off' | 'null-sender' | 'self' | 'list' | 'automatic' | 'robot-sender' | 'not-addressed' | 'no-message' | 'already-answered';

export const OOF_PERIOD_MS = 7 * 24 * 3600 * 1000;

/** RFC 3834 §2: addresses that are not people (and §3.2 owner-/-request list addresses). */
const ROBOT = /^(mailer-daemon|postmaster|listserv|majordomo|no-?reply|do-?not-?reply|bounces?|owner-.*|.*-request|.*-bounces?)$/i;

const isOn = (oof: OofSetting | null, at: number): oof is OofSetting =>
  !!oof && (oof.state === 1 || (oof.state === 2 && oof.start !== null && oof.end !== null && at >= oof.start && at < oof.end));

/** Why the message must not be answered, from its header fields; null when it may be. */
function automaticOrList(raw: Buffer): 'list' | 'automatic' | null {
  for (const f of splitHeader(raw).fields) {
    const v = fieldValue(f).toLowerCase();
    if (f.name.startsWith('list-')) return 'list';
    if (f.name === 'precedence' && /^(bulk|list|junk)\b/.test(v)) return 'list';
    if (f.name === 'auto-submitted' && !/^no\b/.test(v)) return 'automatic';
    if (f.name === 'x-auto-response-suppress' && /\b(all|oof)\b/.test(v)) return 'automatic';
  }
  return null;
}

/** The account's own addresses: its address and the aliases that deliver to it alone (not group aliases). */
async function ownAddresses(store: Store, account: Account): Promise<Set<string>> {
  const mine = new Set([account.email.toLowerCase()]);
  for (const a of await store.listAliases(account.domainId)) {
    if (a.targets.length === 1 && a.targets[0].toLowerCase() === account.email.toLowerCase()) mine.add(a.address.toLowerCase());
  }
  return mine;
}

/** Whether the sender is in one of the user's address books (ActiveSync's "external known"). */
async function isKnownContact(store: Store, accountId: number, sender: string): Promise<boolean> {
  const escaped = sender.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // An EMAIL property value (vCard 3.0/4.0, RFC 6350 §6.4.2), optionally as a mailto: URI.
  const pattern = new RegExp(`^EMAIL[^:\\r\\n]*:(mailto:)?${escaped}\\s*$`, 'im');
  for (const folder of await store.listFolders(accountId, 'contacts')) {
    let afterId = 0;
    for (let page = 0; page < 40; page++) {
      const items = await store.listItems(folder.id, { limit: 250, afterId });
      if (items.some((i) => i.content && pattern.test(i.content))) return true;
      if (items.length < 250) break;
      afterId = items[items.length - 1].id;
    }
  }
  return false;
}

function chooseMessage(oof: OofSetting, internal: boolean, known: boolean): OofMessage | null {
  const usable = (m: OofMessage | null) => (m && m.enabled && m.message.trim() ? m : null);
  if (internal) return usable(oof.internal);
  // Exchange's external audience "Known" enables only the first, "All" both.
  return (known ? usable(oof.externalKnown) : null) ?? usable(oof.externalUnknown);
}

/** Builds the reply: RFC 3834 §3.1 (subject, In-Reply-To, References, Auto-Submitted: auto-replied). */
async function buildReply(account: Account, to: string, parsed: ParsedMessage, message: OofMessage): Promise<Buffer> {
  const html = message.bodyType === 'HTML';
  const refs = [...parsed.references, ...(parsed.messageId ? [parsed.messageId] : [])].map((id) => `<${id}>`);
  return new MailComposer({
    from: account.displayName ? { name: account.displayName, address: account.email } : account.email,
    to,
    subject: `Auto: ${parsed.subject || '(no subject)'}`,
    ...(parsed.messageId ? { inReplyTo: `<${parsed.messageId}>` } : {}),
    ...(refs.length ? { references: refs.join(' ') } : {}),
    ...(html ? { html: message.message, text: htmlToText(message.message, { wordwrap: 76 }) } : { text: message.message }),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  })
    .compile()
    .build();
}

/** Answers one delivered message when the user is out of office; says why when not. */
export async function answerOutOfOffice(deps: OofDeps, input: OofInput): Promise<OofOutcome> {
  const { store, now } = deps;
  const { account, parsed } = input;
  const at = now();
  const oof = await store.getSetting<OofSetting>(account.id, 'oof');
  if (!isOn(oof, at)) return 'off';
  const sender = (input.mailFrom ?? '').trim().toLowerCase();
  // RFC 3834 §3.1.1 / §4: answer the envelope sender, never the null reverse-path.
  if (!sender || !sender.includes('@')) return 'null-sender';
  const mine = await ownAddresses(store, account);
  if (mine.has(sender)) return 'self';
  const why = automaticOrList(input.raw);
  if (why) return why;
  if (ROBOT.test(sender.slice(0, sender.lastIndexOf('@')))) return 'robot-sender';
  // RFC 3834 §2: only when one of the user's addresses is in To or Cc (not Bcc, lists, aliases of groups).
  const addressed = [...parsed.envelope.to, ...parsed.envelope.cc].some((a) => a.address && mine.has(a.address.toLowerCase()));
  if (!addressed) return 'not-addressed';
  const senderDomain = sender.slice(sender.lastIndexOf('@') + 1);
  const internal = senderDomain === account.email.slice(account.email.lastIndexOf('@') + 1).toLowerCase();
  const message = chooseMessage(oof, internal, !internal && (await isKnownContact(store, account.id, sender)));
  if (!message) return 'no-message';
  if (!(await store.recordAutoReply(account.id, sender, at, at - deps.periodMs))) return 'already-answered';
  let bytes = await buildReply(account, sender, parsed, message);
  if (deps.finish) bytes = await deps.finish(bytes);
  // RFC 3834 §3.3: the null reverse-path, so that nothing answers the answer.
  await deps.outbound.send({ mailFrom: '', recipients: [sender], bytes, submittedBy: account.email });
  return 'sent';
}
