/**
 * The mail policies around one delivery, for the SMTP listeners (src/server/smtp-delivery.ts)
 * and anything else that accepts mail: before it is stored or sent on, the MX authenticates it
 * (inbound-auth.ts) and submission adds the domain footer (footer.ts) then DKIM-signs it
 * (dkim-sign.ts); after it is stored, out-of-office replies go out (out-of-office.ts).
 */
import type { Store } from '../store/store.js';
import type { Domain } from '../model/types.js';
import type { ParsedMessage } from '../model/mail.js';
import type { Outbound } from './outbound.js';
import type { DnsResolver } from './dns.js';
import type { MailPolicySettings } from './policy-settings.js';
import { authenticateInbound } from './inbound-auth.js';
import { appendFooter } from './footer.js';
import { fromDomain, signOutgoing } from './dkim-sign.js';
import { answerOutOfOffice } from './out-of-office.js';

/** Structured logging as pino offers it (no credentials, no bodies). */
export interface PolicyLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MailPolicyDeps {
  store: Store;
  outbound: Outbound;
  resolver: DnsResolver;
  /** The server's host name: the Authentication-Results authserv-id. */
  hostname: string;
  settings: MailPolicySettings;
  log: PolicyLog;
  now?: () => number;
}

/** One message as the SMTP transaction gives it. */
export interface PolicyMessage {
  bytes: Buffer;
  mailFrom: string;
  rcptTo: string[];
  remoteAddress: string;
  helo: string;
  /** Submission: the authenticated user's address; MX: null. */
  authenticatedAs: string | null;
}

export interface PreparedMessage {
  bytes: Buffer;
  /** deliver as usual, junk: to the recipients' Junk folders, reject: refuse (SMTP 550 5.7.1). */
  verdict: 'deliver' | 'junk' | 'reject';
  reason?: string;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export class MailPolicies {
  private readonly now: () => number;
  constructor(private readonly deps: MailPolicyDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** What the message becomes before it is stored or queued, and whether it may be. */
  async beforeDelivery(m: PolicyMessage): Promise<PreparedMessage> {
    return m.authenticatedAs ? { bytes: await this.prepareSubmission(m.bytes, m.rcptTo), verdict: 'deliver' } : this.checkInbound(m);
  }

  private async checkInbound(m: PolicyMessage): Promise<PreparedMessage> {
    const { settings, log } = this.deps;
    if (!settings.verifyInbound) return { bytes: m.bytes, verdict: 'deliver' };
    const out = await authenticateInbound(m.bytes, {
      ip: m.remoteAddress,
      helo: m.helo,
      mailFrom: m.mailFrom,
      authservId: this.deps.hostname,
      resolver: this.deps.resolver,
      dmarcReject: settings.dmarcReject,
      // A few sequential lookups (SPF, DKIM keys, DMARC) each bounded by the DNS timeout.
      budgetMs: settings.dnsTimeoutMs * 4,
    });
    log.info({ spf: out.spf, dkim: out.dkim, dmarc: out.dmarc, arc: out.arc, verdict: out.verdict }, 'mail.auth');
    return { bytes: out.bytes, verdict: out.verdict, ...(out.reason ? { reason: out.reason } : {}) };
  }

  /**
   * Footer, then DKIM signature, for mail a user submits (SMTP submission here; any other way of
   * submitting, such as ActiveSync SendMail, calls it too): the signature must cover the footer. `recipients` decide the footer when the domain keeps it off
   * internal mail.
   */
  async prepareSubmission(bytes: Buffer, recipients: string[]): Promise<Buffer> {
    const { store } = this.deps;
    const name = fromDomain(bytes);
    const domain = name ? await store.getDomain(name) : null;
    let out = bytes;
    if (domain && this.footerApplies(domain, recipients)) {
      out = await appendFooter(out, { text: domain.footerText, html: domain.footerHtml });
    }
    return this.sign(out);
  }

  /** The DKIM signature of the From domain, when it has a key. */
  async sign(bytes: Buffer): Promise<Buffer> {
    try {
      return (await signOutgoing(this.deps.store, bytes)).bytes;
    } catch (e) {
      // An unusable key must not stop mail: it leaves unsigned, and the operator is told.
      this.deps.log.warn({ domain: fromDomain(bytes), err: (e as Error).message }, 'mail.dkim.sign-failed');
      return bytes;
    }
  }

  /** The footer goes on mail leaving the domain; on mail within it only with `footerInternal`. */
  private footerApplies(domain: Domain, recipients: string[]): boolean {
    if (!domain.footerText?.trim() && !domain.footerHtml?.trim()) return false;
    return domain.settings.footerInternal === true || recipients.some((r) => domainOf(r) !== domain.name);
  }

  /** After the copies are stored: out-of-office replies, for mail not sent to Junk. Never throws (the message is already accepted). */
  async afterDelivery(
    m: PolicyMessage,
    verdict: PreparedMessage['verdict'],
    delivered: { address: string; accountId: number }[],
    parsed: ParsedMessage,
  ): Promise<void> {
    const { store, outbound, log, settings } = this.deps;
    // Mail sent to Junk is likely forged: answering it would send mail to whoever was forged (backscatter).
    if (verdict !== 'deliver') return;
    for (const d of delivered) {
      try {
        const account = await store.getAccount(d.address);
        if (!account) continue;
        const outcome = await answerOutOfOffice(
          {
            store,
            outbound,
            now: this.now,
            periodMs: settings.oofPeriodDays * 24 * 3600 * 1000,
            finish: (reply) => this.sign(reply),
          },
          { account, raw: m.bytes, parsed, mailFrom: m.mailFrom },
        );
        if (outcome === 'sent') log.info({ user: account.email }, 'mail.oof.sent');
      } catch (e) {
        log.warn({ user: d.address, err: (e as Error).message }, 'mail.oof.failed');
      }
    }
  }
}
