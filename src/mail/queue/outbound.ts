/**
 * The Outbound implementation (src/mail/outbound.ts): local recipients are delivered at once
 * through the mail store's deliver(); remote ones are stored in the queue (one blob, one row per
 * recipient) before send() resolves, and the runner is woken. Also the one place that sends a
 * DSN to a sender (bounce()): never for a message from the null sender (RFC 3464 §2, RFC 5321
 * §4.5.5), so DSNs cannot loop.
 */
import type { Logger } from 'pino';
import type { Store } from '../../store/store.js';
import type { Outbound, OutboundMessage } from '../outbound.js';
import { deliver } from '../deliver.js';
import { resolveRecipient } from '../recipients.js';
import { buildDsn, type DsnRecipient } from './dsn.js';
import type { QueueSettings } from './settings.js';

export interface QueueOutboundDeps {
  store: Store;
  settings: QueueSettings;
  /** The server's host name: Reporting-MTA of DSNs, EHLO name. */
  hostname: string;
  log: Logger;
  now: () => number;
}

export interface Bounce {
  /** The original's reverse-path; '' means no DSN is sent. */
  mailFrom: string;
  original: Buffer;
  queueId: string | null;
  arrivalDate: number;
  recipients: DsnRecipient[];
  /** OutboundMessage.dsn as given at submission (RET, ENVID). */
  dsn?: OutboundMessage['dsn'] | null;
  willRetryUntil?: number;
}

export class QueueOutbound implements Outbound {
  /** Called after a message was queued (the runner of this node listens to start at once). */
  onQueued: () => void = () => {};

  constructor(private readonly deps: QueueOutboundDeps) {}

  async send(message: OutboundMessage): Promise<{ queueId: string | null }> {
    const { store, log } = this.deps;
    const local = new Set<string>();
    const remote = new Set<string>();
    const unknown: string[] = [];
    for (const address of message.recipients) {
      const r = await resolveRecipient(store, address);
      if (r.kind === 'remote') remote.add(address.trim());
      else if (r.kind === 'local') {
        for (const m of r.mailboxes) local.add(m.email);
        for (const t of r.remote) remote.add(t);
      } else unknown.push(address);
    }
    // Remote first: when queueing fails nothing has been delivered and the caller may retry all.
    const queueId = remote.size ? await this.enqueue(message, [...remote]) : null;
    const failures: DsnRecipient[] = unknown.map((address) => ({
      address,
      action: 'failed',
      status: '5.1.1',
      diagnostic: '550 5.1.1 No such user here',
    }));
    if (local.size) {
      try {
        const report = await deliver(store, [...local], message.bytes, {
          envelope: { mailFrom: message.mailFrom || null, ...(message.submittedBy ? { authenticatedUser: message.submittedBy } : {}) },
        });
        for (const address of report.overQuota)
          failures.push({ address, action: 'failed', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' });
        for (const address of report.tooLarge)
          failures.push({ address, action: 'failed', status: '5.3.4', diagnostic: '552 5.3.4 Message too big for the recipient' });
        for (const address of report.unknown)
          failures.push({ address, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 No such user here' });
      } catch (e) {
        if (queueId === null) throw e;
        log.error({ err: (e as Error).message, queueId }, 'queue.local.failed');
        for (const address of local) failures.push({ address, action: 'failed', status: '4.3.0', diagnostic: null });
      }
    }
    if (failures.length)
      await this.bounce({
        mailFrom: message.mailFrom,
        original: message.bytes,
        queueId,
        arrivalDate: this.deps.now(),
        recipients: failures,
        dsn: message.dsn,
      });
    return { queueId };
  }

  private async enqueue(message: OutboundMessage, recipients: string[]): Promise<string> {
    const { store, settings, now } = this.deps;
    const blobHash = await store.putBlob(message.bytes);
    const t = now();
    try {
      const q = await store.enqueueMessage({
        mailFrom: message.mailFrom,
        recipients,
        blobHash,
        size: message.bytes.length,
        submittedBy: message.submittedBy ?? null,
        dsn: message.dsn ? JSON.stringify(message.dsn) : null,
        now: t,
        expiresAt: t + settings.maxLifetimeHours * 3_600_000,
      });
      this.deps.log.info(
        { queueId: q.id, rcpts: recipients.length, size: message.bytes.length, user: message.submittedBy },
        'queue.accepted',
      );
      this.onQueued();
      return q.id;
    } catch (e) {
      await store.releaseBlob(blobHash).catch(() => {});
      throw e;
    }
  }

  /** Sends a DSN about `b.recipients` to the original sender; nothing for the null sender. Never throws. */
  async bounce(b: Bounce): Promise<void> {
    if (!b.mailFrom) return;
    // RFC 3461 §4.1: a recipient submitted with NOTIFY gets only the notices it asked for (NEVER: none).
    // Without NOTIFY: failures and delays, never successes (RFC 3461 §4.1 leaves the default to the MTA).
    const notify = b.dsn?.notify ?? {};
    const orcpt = b.dsn?.orcpt ?? {};
    const kind = (action: DsnRecipient['action']) => (action === 'failed' ? 'FAILURE' : action === 'delayed' ? 'DELAY' : 'SUCCESS');
    const recipients = b.recipients.filter((r) => {
      const asked = notify[r.address] ?? notify[r.address.toLowerCase()];
      return asked ? asked.map((n) => n.toUpperCase()).includes(kind(r.action)) : kind(r.action) !== 'SUCCESS';
    }).map((r) => {
      const original = orcpt[r.address] ?? orcpt[r.address.toLowerCase()];
      return original && !r.originalRecipient ? { ...r, originalRecipient: original } : r;
    });
    if (recipients.length === 0) return;
    b = { ...b, recipients };
    const { log, hostname, now } = this.deps;
    try {
      const bytes = buildDsn({
        reportingMta: hostname,
        to: b.mailFrom,
        queueId: b.queueId ?? 'direct',
        arrivalDate: b.arrivalDate,
        now: now(),
        original: b.original,
        recipients: b.recipients,
        returnFull: b.dsn?.ret === 'FULL',
        ...(b.dsn?.envid ? { envid: b.dsn.envid } : {}),
        ...(b.willRetryUntil ? { willRetryUntil: b.willRetryUntil } : {}),
      });
      const { queueId } = await this.send({ mailFrom: '', recipients: [b.mailFrom], bytes });
      log.info({ queueId: b.queueId, dsnQueueId: queueId, action: b.recipients[0].action, rcpts: b.recipients.length }, 'queue.dsn.sent');
    } catch (e) {
      log.error({ err: (e as Error).message, queueId: b.queueId }, 'queue.dsn.failed');
    }
  }
}
