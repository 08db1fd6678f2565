/**
 * The SMTP listeners' delivery (protocols/smtp/delivery.ts) over the mail store's deliver()
 * (src/mail/deliver.ts): one parse, one blob, one transaction, resolved after the commit.
 * Its per-recipient report becomes one SMTP reply, as plain SMTP has one reply per DATA
 * (RFC 5321 §4.1.1.4; per-recipient replies are LMTP's, RFC 2033 §4.2).
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Account } from '../model/types.js';
import { deliver } from '../mail/deliver.js';
import { MailParseError } from '../mail/mime-tree.js';
import type { MailDelivery, SmtpEnvelope } from '../../protocols/smtp/delivery.js';
import { reply, SmtpReply } from '../../protocols/smtp/replies.js';
import type { MailPolicies } from '../mail/policies.js';

export function storeDelivery(store: Store, log: Logger, policies?: MailPolicies): MailDelivery {
  return {
    async deliver(mailboxes: Account[], received: Buffer, envelope: SmtpEnvelope): Promise<void> {
      let report, prepared;
      try {
        // Sender authentication (MX) or footer and DKIM signature (submission): src/mail/policies.ts.
        prepared = policies ? await policies.beforeDelivery({ bytes: received, ...envelope }) : { bytes: received, verdict: 'deliver' as const };
        if (prepared.verdict === 'reject') throw new SmtpReply(550, '5.7.1', prepared.reason ?? 'Rejected by the sender domain\'s DMARC policy');
        report = await deliver(store, mailboxes.map((m) => m.email), prepared.bytes, {
          ...(prepared.verdict === 'junk' ? { folderRole: () => 'junk' as const } : {}),
          envelope: {
            mailFrom: envelope.mailFrom || null, remoteAddress: envelope.remoteAddress, heloName: envelope.helo,
            ...(envelope.authenticatedAs ? { authenticatedUser: envelope.authenticatedAs } : {}),
          },
        });
      } catch (e) {
        // DESIGN "Bad input": a message beyond the parser's bounds gets the protocol's own 5xx.
        if (e instanceof MailParseError) throw new SmtpReply(554, '5.6.0', 'Message structure too complex or unreadable');
        throw e;
      }
      if (report.delivered.length === 0) {
        if (report.overQuota.length) throw reply.overQuota();
        if (report.tooLarge.length) throw new SmtpReply(552, '5.3.4', "Message size exceeds the recipient's limit");
        throw reply.temporary();
      }
      const skipped = [...report.overQuota, ...report.tooLarge, ...report.unknown];
      // Some copies are committed and cannot be taken back: 250 for the message; the skipped
      // recipients would need a bounce, which waits for the outbound queue (docs/protocols/smtp.md).
      if (skipped.length) log.warn({ skipped, delivered: report.delivered.length }, 'smtp.deliver.partial');
      await policies?.afterDelivery({ bytes: prepared.bytes, ...envelope }, prepared.verdict, report.delivered, report.parsed);
    },
  };
}
