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
import { archiveAccepted, screenForSmtp, type DeliveryExtras } from './mail-filters.js';
import { postToLists } from './list-delivery.js';

export function storeDelivery(store: Store, log: Logger, extras: DeliveryExtras = {}): MailDelivery {
  return {
    async deliver(mailboxes: Account[], received: Buffer, envelope: SmtpEnvelope): Promise<void> {
      // Spam and virus filters (src/mail/filters): a refusal or tempfail is thrown as the reply.
      const { bytes, junk } = await screenForSmtp(extras.filters, received, envelope, log);
      // Mailing lists among the recipients (accepted at RCPT): the post is fanned out to their members.
      const lists = await postToLists(store, extras.outbound, bytes, envelope.rcptTo, log);
      if (lists > 0 && mailboxes.length === 0) return archiveAccepted(extras.archive, bytes, envelope, log);
      let report;
      try {
        report = await deliver(store, mailboxes.map((m) => m.email), bytes, {
          ...(junk ? { folderRole: () => 'junk' as const } : {}),
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
      await archiveAccepted(extras.archive, bytes, envelope, log);
    },
  };
}
