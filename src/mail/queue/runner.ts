/**
 * The queue runner of one node: claims due messages with a lease (several nodes share one
 * queue, none sends a message another holds), tries each remote domain's recipients (RFC 5321
 * §4.5.4: group by domain, MX order, retry later on 4xx), records each recipient's result
 * (2xx delivered, 4xx deferred with exponential back-off, 5xx failed) and sends the sender one
 * DSN for what failed, a delay warning once, and a DSN for everything left at expiry.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../store/store.js';
import type { QueuedMessage, QueueRecipientState } from '../../store/queue-store.js';
import type { OutboundMessage } from '../outbound.js';
import { domainPart } from '../recipients.js';
import { statusOf, type DsnRecipient } from './dsn.js';
import type { QueueOutbound } from './outbound.js';
import { routeFor, systemResolver, type MxResolver } from './routes.js';
import { retryDelayMs, type QueueSettings } from './settings.js';
import { converse, type RecipientReply, type SmtpTarget } from './smtp-client.js';
import { MtaSts, mxMatches, type MtaStsSource } from './mta-sts.js';

export type DeliveryResult = 'delivered' | 'deferred' | 'failed';

export interface QueueRunnerDeps {
  store: Store;
  outbound: QueueOutbound;
  settings: QueueSettings;
  hostname: string;
  log: Logger;
  now: () => number;
  resolver?: MxResolver;
  /** Where MTA-STS policies come from (RFC 8461); none: not consulted. */
  mtaSts?: MtaStsSource;
  /** Distinguishes this worker's leases; defaults to host, pid and a random part. */
  owner?: string;
  /** Each recipient's result of each attempt (metrics). */
  onResult?: (result: DeliveryResult) => void;
}

const OPEN = new Set<QueueRecipientState>(['pending', 'deferred']);

export class QueueRunner {
  readonly owner: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;
  private readonly mtaSts: MtaSts | null;

  constructor(private readonly deps: QueueRunnerDeps) {
    this.mtaSts = deps.mtaSts && deps.settings.mtaSts ? new MtaSts(deps.mtaSts) : null;
    this.owner = deps.owner ?? `${deps.hostname}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  /** Runs until stop(): a pass over due messages, then a wait of pollSeconds or until kick(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        this.kicked = false;
        try {
          await this.runOnce();
        } catch (e) {
          this.deps.log.error({ err: (e as Error).message }, 'queue.run.failed');
        }
        if (!this.running || this.kicked) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.deps.settings.pollSeconds * 1000);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** A message was queued on this node: look now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Ends the loop after the attempts in progress (their results are recorded). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Claims and attempts every message due now, batch after batch; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const { store, settings, now } = this.deps;
    let total = 0;
    for (;;) {
      const batch = await store.claimQueuedMessages(this.owner, now(), settings.leaseSeconds * 1000, settings.batchSize);
      if (batch.length === 0) return total;
      await Promise.all(
        batch.map((m) =>
          this.attempt(m).catch((e) => {
            this.deps.log.error({ err: (e as Error).message, queueId: m.id }, 'queue.attempt.failed');
          }),
        ),
      );
      total += batch.length;
    }
  }

  private async attempt(m: QueuedMessage): Promise<void> {
    const { store, settings, log, outbound } = this.deps;
    const t = this.deps.now();
    const open = m.recipients.filter((r) => OPEN.has(r.state));
    const bytes = await store.getBlob(m.blobHash);
    let results: { address: string; state: QueueRecipientState; lastError: string | null }[];
    const failedNow: DsnRecipient[] = [];
    if (!bytes) {
      results = open.map((r) => ({
        address: r.address,
        state: 'failed',
        lastError: '5.3.0 The message content is missing from the store',
      }));
    } else if (t >= m.expiresAt) {
      // RFC 5321 §4.5.4.1: give up; RFC 3463 4.4.7 "delivery time expired".
      results = open.map((r) => ({ address: r.address, state: 'failed', lastError: r.lastError ?? '4.4.7 Delivery time expired' }));
      for (const r of open) failedNow.push({ address: r.address, action: 'failed', status: '4.4.7', diagnostic: r.lastError });
    } else {
      const replies = await this.deliverAll(
        m,
        open.map((r) => r.address),
        bytes,
      );
      results = replies.map((r) => ({
        address: r.address,
        state: stateOf(r),
        lastError: r.code !== null && r.code < 300 ? null : r.reply,
      }));
    }
    for (const r of results) {
      this.deps.onResult?.(r.state === 'delivered' ? 'delivered' : r.state === 'failed' ? 'failed' : 'deferred');
      if (r.state === 'failed' && !failedNow.some((f) => f.address === r.address)) {
        failedNow.push({ address: r.address, action: 'failed', status: statusOf(r.lastError, 5), diagnostic: r.lastError });
      }
    }
    const deferred = results.filter((r) => r.state === 'deferred');
    const dsn = m.dsn ? (JSON.parse(m.dsn) as OutboundMessage['dsn']) : null;
    const original = bytes ?? Buffer.alloc(0);
    if (failedNow.length)
      await outbound.bounce({ mailFrom: m.mailFrom, original, queueId: m.id, arrivalDate: m.createdAt, recipients: failedNow, dsn });
    // RFC 3461 §4.1 NOTIFY=SUCCESS: the next server took it, and DSN parameters are not passed on to
    // it, so the notice is ours: "relayed" (bounce() sends only what NOTIFY asked for).
    const relayed = results.filter((r) => r.state === 'delivered');
    if (relayed.length && dsn?.notify)
      await outbound.bounce({
        mailFrom: m.mailFrom, original, queueId: m.id, arrivalDate: m.createdAt, dsn,
        recipients: relayed.map((r) => ({ address: r.address, action: 'relayed', status: '2.0.0', diagnostic: null })),
      });
    // One delay warning per message (RFC 3464 Action: delayed), once it has waited delayWarningHours.
    let warnedAt: number | undefined;
    if (
      deferred.length &&
      m.warnedAt === null &&
      settings.delayWarningHours > 0 &&
      t - m.createdAt >= settings.delayWarningHours * 3_600_000
    ) {
      await outbound.bounce({
        mailFrom: m.mailFrom,
        original,
        queueId: m.id,
        arrivalDate: m.createdAt,
        dsn,
        willRetryUntil: m.expiresAt,
        recipients: deferred.map((r) => ({
          address: r.address,
          action: 'delayed',
          status: statusOf(r.lastError, 4),
          diagnostic: r.lastError,
        })),
      });
      warnedAt = t;
    }
    const nextAttemptAt = Math.min(t + retryDelayMs(settings, m.attempts + 1), m.expiresAt);
    const outcome = await store.completeQueueAttempt(m.id, this.owner, {
      recipients: results,
      nextAttemptAt,
      now: t,
      ...(warnedAt ? { warnedAt } : {}),
    });
    log.info(
      {
        queueId: m.id,
        delivered: results.filter((r) => r.state === 'delivered').length,
        deferred: deferred.length,
        failed: failedNow.length,
        ...(outcome === 'kept' ? { nextAttemptAt: new Date(nextAttemptAt).toISOString() } : {}),
        outcome,
      },
      'queue.attempt',
    );
  }

  /** Recipients grouped by domain (all to the smarthost when one is set), each group one conversation. */
  private async deliverAll(m: QueuedMessage, recipients: string[], bytes: Buffer): Promise<RecipientReply[]> {
    // The attempt must end well inside its lease, or another node could take the message meanwhile.
    const deadline = performance.now() + this.deps.settings.leaseSeconds * 500;
    const groups = new Map<string, string[]>();
    for (const r of recipients) {
      const key = this.deps.settings.smarthost ? '' : domainPart(r);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const out: RecipientReply[] = [];
    for (const [domain, rcpts] of groups) out.push(...(await this.deliverGroup(m, domain, rcpts, bytes, deadline)));
    return out;
  }

  private async deliverGroup(
    m: QueuedMessage,
    domain: string,
    recipients: string[],
    bytes: Buffer,
    deadline: number,
  ): Promise<RecipientReply[]> {
    const { settings, hostname, log } = this.deps;
    const all = (code: number, reply: string) => recipients.map((address) => ({ address, code, reply }));
    let targets: SmtpTarget[];
    const sh = settings.smarthost;
    if (sh) {
      targets = [
        { host: sh.host, servername: sh.host, port: sh.port, secure: sh.secure, verifyTls: settings.smarthostVerifyTls, auth: sh.auth },
      ];
    } else {
      const route = await routeFor(domain, this.deps.resolver ?? systemResolver).catch((e: Error) => ({
        kind: 'temporary' as const,
        status: '4.4.3',
        reason: `DNS lookup failed (${e.message})`,
      }));
      if (route.kind === 'permanent') return all(550, `${route.status} ${route.reason}`);
      if (route.kind === 'temporary') return all(451, `${route.status} ${route.reason}`);
      // RFC 8461 §5: in enforce mode only the policy's MX hosts, over TLS verified for the MX name.
      const policy = await this.mtaSts?.policyFor(domain, this.deps.now());
      const enforce = policy?.mode === 'enforce';
      const hosts = enforce ? route.hosts.filter((h) => mxMatches(policy!, h.name)) : route.hosts;
      if (policy?.mode === 'testing' && route.hosts.some((h) => !mxMatches(policy, h.name))) {
        log.warn({ queueId: m.id, domain }, 'queue.mta-sts.testing.mismatch');
      }
      if (hosts.length === 0) return all(451, `4.7.5 No MX host of ${domain} matches its MTA-STS policy (RFC 8461)`);
      // At most a handful of hosts per attempt, as common MTAs do; the rest wait for the retry.
      targets = hosts.slice(0, 5).map((h) => ({
        host: h.address,
        servername: h.name,
        port: settings.mxPort,
        secure: false,
        verifyTls: enforce,
        requireTls: enforce,
        auth: null,
      }));
    }
    let last = '';
    for (const target of targets) {
      if (performance.now() > deadline) break;
      const c = await converse(target, {
        helo: hostname,
        mailFrom: m.mailFrom,
        recipients,
        bytes,
        timeoutMs: settings.timeoutSeconds * 1000,
      });
      if (c.reached) return c.replies;
      last = `${target.servername}[${target.host}]: ${c.replies[0]?.reply ?? 'no answer'}`;
      log.info({ queueId: m.id, host: target.servername, reason: c.replies[0]?.reply }, 'queue.host.unreachable');
    }
    // RFC 3463 4.4.1: no answer from host; retried later.
    return all(451, `4.4.1 No host of ${domain || 'the smarthost'} could be reached (${last})`);
  }
}

export function stateOf(r: RecipientReply): QueueRecipientState {
  if (r.code !== null && r.code >= 200 && r.code < 300) return 'delivered';
  // Only a real 5xx is permanent (RFC 5321 §4.2.1); a reply code outside 2xx-5xx is the remote's bug: retried.
  if (r.code !== null && r.code >= 500 && r.code < 600) return 'failed';
  return 'deferred';
}
