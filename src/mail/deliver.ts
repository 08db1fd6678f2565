import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Store } from '../store/store.js';
import type { Account, Domain, FolderRole } from '../model/types.js';
import type { DeliveryTarget, ParsedMessage } from '../model/mail.js';
import { MAIL_LIMITS } from './limits.js';
import { parseMessage } from './parse.js';
import { acceptImip, type ImipOutcome } from './imip/incoming.js';

/** The SMTP envelope of a delivery (RFC 5321 §2.3.1), for the record and for later filters. */
export interface SmtpEnvelope {
  /** MAIL FROM; null for the null reverse-path (bounces). */
  mailFrom: string | null;
  remoteAddress?: string;
  heloName?: string;
  /** Set for authenticated submission. */
  authenticatedUser?: string;
}

export interface DeliverOptions {
  envelope: SmtpEnvelope;
  /** Folder role per recipient address (e.g. 'junk' after a spam verdict); default 'inbox'. */
  folderRole?: (address: string) => FolderRole;
  /** Flags set on every copy (e.g. \Seen for a copy to Sent). */
  flags?: string[];
  /** The message already parsed by the caller (the SMTP layer may parse during DATA). */
  parsed?: ParsedMessage;
  internalDate?: number;
  /** The recipients' accounts as the caller already read them (SMTP resolves them at RCPT): not read again. */
  accounts?: Account[];
  /** Their domains as the caller already read them (SMTP at RCPT): their size limits are not read again. */
  domains?: Domain[];
}

export interface DeliverReport {
  /** Per recipient address (lower-case) that got its copy. */
  delivered: { address: string; accountId: number; folderId: number; uid: number }[];
  /** Local accounts over their quota (user or domain): SMTP answers 452 4.2.2 (RFC 3463). */
  overQuota: string[];
  /** Addresses that are not a local user account (or a disabled one): the caller resolves aliases and lists before. */
  unknown: string[];
  /** Over the recipient domain's maximum message size: SMTP answers 552 5.3.4. */
  tooLarge: string[];
  /** Accounts that crossed the quota warning and were sent one warning message. */
  warned: string[];
  /** iMIP calendar messages applied or filed for inbox copies (src/mail/imip/incoming.ts). */
  imip: ImipOutcome[];
  parsed: ParsedMessage;
}

/**
 * Delivers one message to local accounts: parses it once (unless given), stores the bytes once
 * (one blob), and inserts a copy into each recipient's folder in ONE transaction. Resolves only
 * after the commit, so an SMTP 250 sent after it is durable (DESIGN.md; issue 10 item 4).
 * Recipients are final local account addresses; a recipient listed twice gets one copy.
 * Throws MailParseError for a message beyond MAIL_LIMITS (SMTP 552/554).
 */
export async function deliver(store: Store, recipients: string[], raw: Uint8Array, opts: DeliverOptions): Promise<DeliverReport> {
  const parsed = opts.parsed ?? await parseMessage(raw);
  const report: DeliverReport = { delivered: [], overQuota: [], unknown: [], tooLarge: [], warned: [], imip: [], parsed };
  const targets: DeliveryTarget[] = [];
  const byAccount = new Map<number, Account>();
  const domainLimit = new Map<number, number | null>((opts.domains ?? []).map((d) => [d.id, d.maxMessageSize]));
  const known = new Map((opts.accounts ?? []).map((a) => [a.email.toLowerCase(), a]));
  for (const address of [...new Set(recipients.map((r) => r.trim().toLowerCase()))]) {
    const account = known.get(address) ?? await store.getAccount(address);
    if (!account || account.kind !== 'user' || account.disabled) { report.unknown.push(address); continue; }
    if (!domainLimit.has(account.domainId)) domainLimit.set(account.domainId, (await store.getDomain(account.domainId))?.maxMessageSize ?? null);
    const limit = domainLimit.get(account.domainId);
    if (limit != null && raw.byteLength > limit) { report.tooLarge.push(address); continue; }
    // The folder is found by role inside the store's transaction (the role's folder, else the inbox).
    byAccount.set(account.id, account);
    targets.push({ accountId: account.id, role: opts.folderRole?.(address) ?? 'inbox', flags: opts.flags });
  }
  if (targets.length === 0) return report;
  const result = await store.deliverMessage(targets, raw, parsed, { internalDate: opts.internalDate, warnRatio: MAIL_LIMITS.quotaWarnRatio });
  for (const d of result.delivered) report.delivered.push({ address: byAccount.get(d.accountId)!.email, ...d });
  report.overQuota = result.overQuota.map((id) => byAccount.get(id)!.email);
  // RFC 6047: calendar mail arriving in an inbox also reaches the calendar (never fails delivery).
  report.imip = await acceptImip(store, result.delivered.filter((d) => d.role === 'inbox').map((d) => byAccount.get(d.accountId)!), Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), parsed)
    // The copies are committed: whatever happens here must not turn into a failed (retried) delivery.
    .catch((e: Error) => [{ address: '', method: '', result: 'ignored' as const, reason: e.message }]);
  for (const id of result.crossedWarning) {
    const account = byAccount.get(id)!;
    if (await sendQuotaWarning(store, account)) report.warned.push(account.email);
  }
  return report;
}

/**
 * The one warning a user gets when a delivery takes the mailbox past MAIL_LIMITS.quotaWarnRatio
 * of a quota (the store reports the crossing once, when usage goes from below to at or above).
 * Marked as automatic (RFC 3834 Auto-Submitted) so that no auto-responder answers it.
 */
async function sendQuotaWarning(store: Store, account: Account): Promise<boolean> {
  const usage = await store.quotaUsage(account.id);
  const pct = (used: number, limit: number | null) => (limit ? Math.floor((used / limit) * 100) : 0);
  const domain = account.email.split('@')[1];
  const text = [
    'Your mailbox is nearly full.', '',
    usage.quotaBytes ? `Storage: ${usage.bytes} of ${usage.quotaBytes} bytes (${pct(usage.bytes, usage.quotaBytes)} %).` : '',
    usage.quotaMessages ? `Messages: ${usage.messages} of ${usage.quotaMessages} (${pct(usage.messages, usage.quotaMessages)} %).` : '',
    '', 'When it is full, new mail to you will be refused. Delete or archive messages you no longer need.',
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n');
  const raw = await new MailComposer({
    from: `Mail system <postmaster@${domain}>`, to: account.email, subject: 'Your mailbox is nearly full', text,
    headers: { 'Auto-Submitted': 'auto-generated' },
  }).compile().build();
  const result = await store.deliverMessage([{ accountId: account.id, role: 'inbox' }], raw, await parseMessage(raw),
    { warnRatio: 2, ignoreQuota: true });
  return result.delivered.length > 0;
}
