/**
 * Wires the mail policies (src/mail/policies.ts) for the listeners: the system DNS resolver,
 * the configured settings, and the Outbound that their replies go through.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Config } from './config.js';
import type { Outbound } from '../mail/outbound.js';
import { MailPolicies } from '../mail/policies.js';
import { systemResolver } from '../mail/dns.js';

export function mailPolicies(config: Config, store: Store, log: Logger, outbound: Outbound): MailPolicies {
  const policyLog = log.child({ area: 'mail-policy' });
  return new MailPolicies({
    store,
    log: policyLog,
    hostname: config.hostname,
    settings: config.mailPolicy,
    resolver: systemResolver(config.mailPolicy.dnsTimeoutMs),
    outbound,
  });
}

/**
 * The Outbound of mail users submit outside SMTP (ActiveSync): footer and DKIM signature first
 * (MailPolicies.prepareSubmission), as SMTP submission does in smtp-delivery.ts.
 */
export function submissionOutbound(next: Outbound, policies: MailPolicies): Outbound {
  return {
    async send(message) {
      if (!message.submittedBy) return next.send(message);
      return next.send({ ...message, bytes: await policies.prepareSubmission(message.bytes, message.recipients) });
    },
  };
}
