/**
 * The SMTP listeners' delivery (protocols/smtp/delivery.ts) over the mail store's deliver()
 * (src/mail/deliver.ts): one parse, one blob, one transaction, resolved after the commit.
 * Its per-recipient report becomes one SMTP reply, as plain SMTP has one reply per DATA
 * (RFC 5321 §4.1.1.4; per-recipient replies are LMTP's, RFC 2033 §4.2). Remote recipients of
 * submission go to the outbound queue first (durable before the 250); recipients skipped after
 * others were committed get a DSN (RFC 3464) instead of a silent loss.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { Account } from '../model/types.js';
import { deliver } from '../mail/deliver.js';
import { MailParseError } from '../mail/mime-tree.js';
import type { DsnRecipient } from '../mail/queue/dsn.js';
import type { MailDelivery, SmtpEnvelope } from '../../protocols/smtp/delivery.js';
import { reply, SmtpReply } from '../../protocols/smtp/replies.js';
import { archiveAccepted, screenForSmtp, type DeliveryExtras } from './mail-filters.js';
import { postToLists } from './list-delivery.js';

/**
 * The envelope's DSN parameters keyed by the local mailboxes' addresses as well: a mailbox reached
 * through an alias (RCPT TO:<alias>) takes the NOTIFY and ORCPT given for the alias, and the
 * Original-Recipient of its DSN names the alias when no ORCPT was given (RFC 3461 §4.2).
 */
function dsnForMailboxes(envelope: SmtpEnvelope, mailboxes: Account[]): SmtpEnvelope['dsn'] {
  const dsn = envelope.dsn;
  if (!dsn?.notify && !dsn?.orcpt) return dsn;
  const notify = { ...dsn.notify };
  const orcpt = { ...dsn.orcpt };
  const given = envelope.rcptTo.map((r) => r.toLowerCase());
  for (const m of mailboxes) {
    const email = m.email.toLowerCase();
    if (notify[email] || orcpt[email] || given.includes(email)) continue;
    // The mailbox came from an alias: with one RCPT, that one; otherwise the first with parameters.
    const via = envelope.rcptTo.find((r) => dsn.notify?.[r] || dsn.orcpt?.[r]);
    if (!via) continue;
    if (dsn.notify?.[via]) notify[email] = dsn.notify[via];
    orcpt[email] = dsn.orcpt?.[via] ?? `rfc822;${via}`;
  }
  return { ...dsn, notify, orcpt };
}

export function storeDelivery(store: Store, log: Logger, extras: DeliveryExtras = {}): MailDelivery {
  const { queue, policies } = extras;
  return {
    async deliver(mailboxes: Account[], received: Buffer, envelope: SmtpEnvelope): Promise<void> {
      // Spam and virus filters (src/mail/filters): a refusal or tempfail is thrown as the reply.
      const screened = await screenForSmtp(extras.filters, received, envelope, log);
      // Sender authentication (MX) or footer and DKIM signature (submission): src/mail/policies.ts.
      let prepared;
      try {
        prepared = policies ? await policies.beforeDelivery({ bytes: screened.bytes, ...envelope }) : { bytes: screened.bytes, verdict: 'deliver' as const };
      } catch (e) {
        if (e instanceof MailParseError) throw new SmtpReply(554, '5.6.0', 'Message structure too complex or unreadable');
        throw e;
      }
      if (prepared.verdict === 'reject') throw new SmtpReply(550, '5.7.1', prepared.reason ?? 'Rejected by the sender domain\'s DMARC policy');
      const bytes = prepared.bytes;
      const junk = screened.junk || prepared.verdict === 'junk';
      // Mailing lists among the recipients (accepted at RCPT): the post is fanned out to their members.
      const lists = await postToLists(store, extras.outbound, bytes, envelope, log, extras.oneClick);
      const remote = envelope.remote ?? [];
      let queueId: string | null = null;
      if (remote.length) {
        if (!queue) throw reply.temporary();
        queueId = (await queue.send({
          mailFrom: envelope.remoteMailFrom ?? envelope.mailFrom, recipients: remote, bytes, ...(envelope.authenticatedAs ? { submittedBy: envelope.authenticatedAs } : {}),
          ...(envelope.dsn ? { dsn: envelope.dsn } : {}),
        })).queueId;
      }
      if (mailboxes.length === 0) {
        if (lists > 0 || queueId !== null) await archiveAccepted(extras.archive, bytes, envelope, log);
        return;
      }
      // Once the remote copy is queued the message is accepted: what fails locally is bounced, not refused.
      // RFC 3461: NOTIFY and ORCPT were given per RCPT address; a local mailbox may stand for an alias.
      const bounce = (recipients: DsnRecipient[]) => queue?.bounce({
        mailFrom: envelope.mailFrom, original: bytes, queueId, arrivalDate: Date.now(), recipients, dsn: dsnForMailboxes(envelope, mailboxes),
      });
      let report;
      try {
        report = await deliver(store, mailboxes.map((m) => m.email), bytes, {
          accounts: mailboxes,
          ...(envelope.mailboxDomains ? { domains: envelope.mailboxDomains } : {}),
          ...(junk ? { folderRole: () => 'junk' as const } : {}),
          envelope: {
            mailFrom: envelope.mailFrom || null, remoteAddress: envelope.remoteAddress, heloName: envelope.helo,
            ...(envelope.authenticatedAs ? { authenticatedUser: envelope.authenticatedAs } : {}),
          },
        });
      } catch (e) {
        if (queueId !== null) {
          log.error({ err: (e as Error).message, queueId }, 'smtp.deliver.local-failed');
          const status = e instanceof MailParseError ? '5.6.0' : '4.3.0';
          await bounce(mailboxes.map((m) => ({ address: m.email, action: 'failed', status, diagnostic: null })));
          return;
        }
        // DESIGN "Bad input": a message beyond the parser's bounds gets the protocol's own 5xx.
        if (e instanceof MailParseError) throw new SmtpReply(554, '5.6.0', 'Message structure too complex or unreadable');
        throw e;
      }
      if (report.delivered.length === 0 && queueId === null) {
        if (report.overQuota.length) throw reply.overQuota();
        if (report.tooLarge.length) throw new SmtpReply(552, '5.3.4', "Message size exceeds the recipient's limit");
        throw reply.temporary();
      }
      const skipped = [...report.overQuota, ...report.tooLarge, ...report.unknown];
      if (skipped.length) {
        // Some copies are committed and cannot be taken back: 250 for the message, a DSN for the rest.
        log.warn({ skipped, delivered: report.delivered.length }, 'smtp.deliver.partial');
        await bounce([
          ...report.overQuota.map((address): DsnRecipient => ({ address, action: 'failed', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' })),
          ...report.tooLarge.map((address): DsnRecipient => ({ address, action: 'failed', status: '5.3.4', diagnostic: '552 5.3.4 Message too big for the recipient' })),
          ...report.unknown.map((address): DsnRecipient => ({ address, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 No such user here' })),
        ]);
      }
      // RFC 3461 §4.1 NOTIFY=SUCCESS: "delivered" for the copies now in their mailboxes (bounce() sends only what was asked).
      if (envelope.dsn?.notify && report.delivered.length) {
        await bounce(report.delivered.map((d): DsnRecipient => ({ address: d.address, action: 'delivered', status: '2.0.0', diagnostic: null })));
      }
      await archiveAccepted(extras.archive, bytes, envelope, log);
      await policies?.afterDelivery({ bytes, ...envelope }, junk ? 'junk' : prepared.verdict, report.delivered, report.parsed);
    },
  };
}
