import type { DmarcRejectAction } from './inbound-auth.js';

/** The mail policies' settings (hearth.json section `mailPolicy`; docs/protocols/smtp.md). */
export interface MailPolicySettings {
  /** Check SPF, DKIM, DMARC (and ARC) on the MX and prepend Authentication-Results. */
  verifyInbound: boolean;
  /** DMARC p=reject failing: refuse with 550 5.7.1, or deliver to Junk (the default). */
  dmarcReject: DmarcRejectAction;
  /** Wait per DNS query of the checks. */
  dnsTimeoutMs: number;
  /** Out-of-office: one reply per sender per this many days (RFC 3834 §3.1.1 suggests 7). */
  oofPeriodDays: number;
}

export const DEFAULT_MAIL_POLICY: MailPolicySettings = { verifyInbound: true, dmarcReject: 'junk', dnsTimeoutMs: 5000, oofPeriodDays: 7 };
