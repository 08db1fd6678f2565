/**
 * Builds the content filters and the archive the configuration asks for (src/server/filter-config.ts)
 * and applies them to one SMTP delivery: a filter decision becomes the listener's reply
 * (RFC 3463 codes), an accepted message is archived after its commit.
 */
import type { OneClick } from '../mail/lists/one-click.js';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Store } from '../store/store.js';
import { FilterPipeline, type FilterDecision } from '../mail/filters/pipeline.js';
import { RspamdFilter } from '../mail/filters/rspamd.js';
import { ClamavFilter } from '../mail/filters/clamav.js';
import type { FilterEnvelope } from '../mail/filters/filter.js';
import { MessageArchive } from '../mail/archive/archive.js';
import { archivingOutbound } from '../mail/archive/outbound.js';
import { SmtpReply } from '../../protocols/smtp/replies.js';
import type { SmtpEnvelope } from '../../protocols/smtp/delivery.js';
import type { Outbound } from '../mail/outbound.js';
import type { QueueOutbound } from '../mail/queue/outbound.js';
import type { MailPolicies } from '../mail/policies.js';

export interface DeliveryExtras {
  filters?: FilterPipeline | null;
  archive?: MessageArchive | null;
  /** Where mailing-list posts are fanned out (the outbound queue, or localOutbound until it is wired). */
  outbound?: Outbound | null;
  /** The outbound queue: remote recipients of submission, and DSNs for what fails after a 250. */
  queue?: Pick<QueueOutbound, 'send' | 'bounce'>;
  /** Sender authentication, footer, DKIM signing and out-of-office (src/mail/policies.ts). */
  policies?: MailPolicies;
  /** One-click unsubscribe links in list copies for members elsewhere (RFC 8058). */
  oneClick?: OneClick;
}

/** The rspamd client, also the training hook (SpamTrainer) IMAP and ActiveSync call; null when not configured. */
export function spamFilterOf(config: Config): RspamdFilter | null {
  const r = config.filters.rspamd;
  return r
    ? new RspamdFilter({
        url: r.url,
        ...(r.controllerUrl ? { controllerUrl: r.controllerUrl } : {}),
        ...(r.password ? { password: r.password } : {}),
        timeoutMs: r.timeoutSeconds * 1000,
      })
    : null;
}

/**
 * The filters, the archive and the outbound path of SMTP delivery as configured. With the archive
 * on, what goes out through `outbound` (mailing-list copies) is archived too (direction out).
 */
export function deliveryExtras(config: Config, store: Store, outbound: Outbound | null = null, log?: Logger): DeliveryExtras {
  const c = config.filters.clamav;
  const antivirus = c ? new ClamavFilter({ address: c.address, timeoutMs: c.timeoutSeconds * 1000, maxBytes: c.maxMessageSize }) : null;
  const spam = spamFilterOf(config);
  const filters = new FilterPipeline({ spam, antivirus }, config.filters);
  const archive = config.archive.enabled ? new MessageArchive(store) : null;
  const onArchiveError = (e: Error) => log?.error({ err: e.message }, 'archive.failed');
  return {
    filters: filters.active ? filters : null,
    archive,
    outbound: outbound && archive ? archivingOutbound(outbound, archive, onArchiveError) : outbound,
  };
}

/** Printable ASCII only: a virus name goes into an SMTP reply line. */
const printable = (s: string) => s.replace(/[^\x21-\x7e]+/g, '_').slice(0, 200);

/**
 * Screens one message before it is stored. Returns the bytes to store and whether they go to
 * Junk; throws the SmtpReply for a refused or unscannable message.
 */
export async function screenForSmtp(
  filters: FilterPipeline | null | undefined,
  bytes: Buffer,
  envelope: SmtpEnvelope,
  log: Logger,
): Promise<{ bytes: Buffer; junk: boolean }> {
  if (!filters) return { bytes, junk: false };
  const env: FilterEnvelope = {
    mailFrom: envelope.mailFrom,
    rcptTo: envelope.rcptTo,
    remoteAddress: envelope.remoteAddress,
    helo: envelope.helo,
    authenticatedUser: envelope.authenticatedAs,
  };
  const d: FilterDecision = await filters.screen(bytes, env);
  const rcpts = envelope.rcptTo.length;
  switch (d.outcome) {
    case 'refuse':
      if (d.reason === 'virus') {
        log.warn({ virus: d.virus, rcpts, user: envelope.authenticatedAs ?? undefined }, 'filter.virus.refused');
        // RFC 3463 §3.8: 5.7.1 "delivery not authorized, message refused".
        throw new SmtpReply(554, '5.7.1', `Message refused: virus found (${printable(d.virus)})`);
      }
      log.info({ score: d.spam.score, rcpts }, 'filter.spam.refused');
      throw new SmtpReply(550, '5.7.1', 'Message refused as spam');
    case 'tempfail':
      for (const f of d.failures) log.error({ filter: f.filter, err: f.message }, 'filter.unavailable');
      // RFC 3463 §3.8: 4.7.1, the client keeps the message and retries (RFC 5321 §4.5.4.1).
      throw new SmtpReply(451, '4.7.1', 'Message could not be scanned now; try again later');
    case 'deliver':
      for (const f of d.failures) log.warn({ filter: f.filter, err: f.message }, 'filter.unavailable.passed');
      if (d.virus?.skipped) log.info({ reason: d.virus.skipped }, 'filter.virus.skipped');
      if (d.junk) log.info({ score: d.spam?.score, rcpts }, 'filter.spam.junk');
      return { bytes: d.message, junk: d.junk };
  }
}

/** Archives an accepted message after its commit; a failure is logged, the message stays delivered. */
export async function archiveAccepted(
  archive: MessageArchive | null | undefined,
  bytes: Buffer,
  envelope: SmtpEnvelope,
  log: Logger,
): Promise<void> {
  if (!archive) return;
  try {
    await archive.keep({
      direction: envelope.authenticatedAs ? 'out' : 'in',
      mailFrom: envelope.mailFrom,
      rcptTo: envelope.rcptTo,
      message: bytes,
    });
  } catch (e) {
    log.error({ err: (e as Error).message }, 'archive.failed');
  }
}
