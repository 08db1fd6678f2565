/**
 * Wires the outbound queue for `hearth serve`: the Outbound every sender uses, the runner of
 * this node (woken by messages queued here, polling for the rest), and its metrics.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Store } from '../store/store.js';
import type { Config } from './config.js';
import { QueueOutbound } from '../mail/queue/outbound.js';
import { QueueRunner } from '../mail/queue/runner.js';
import type { MxResolver } from '../mail/queue/routes.js';
import { fetchPolicyOverHttps, type MtaStsSource } from '../mail/queue/mta-sts.js';
import { promises as dns } from 'node:dns';
import { describeSmarthost } from '../mail/queue/settings.js';
import { queueMetrics } from './queue-metrics.js';

const systemMtaSts: MtaStsSource = { resolveTxt: (n) => dns.resolveTxt(n), fetchPolicy: (d) => fetchPolicyOverHttps(d) };

export interface OutboundQueue {
  outbound: QueueOutbound;
  runner: QueueRunner;
  /** Registers the queue's gauges and counters (app.ts calls it with the /metrics registry). */
  registerMetrics(registry: Registry): void;
  start(): void;
  stop(): Promise<void>;
}

export function createQueue(
  config: Config,
  store: Store,
  log: Logger,
  opts: { resolver?: MxResolver; now?: () => number; mtaSts?: MtaStsSource } = {},
): OutboundQueue {
  const qlog = log.child({ proto: 'queue' });
  const now = opts.now ?? Date.now;
  const outbound = new QueueOutbound({ store, settings: config.queue, hostname: config.hostname, log: qlog, now });
  let onResult: (r: 'delivered' | 'deferred' | 'failed') => void = () => {};
  const runner = new QueueRunner({
    store,
    outbound,
    settings: config.queue,
    hostname: config.hostname,
    log: qlog,
    now,
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    // With an injected resolver (tests, offline) policies come only from an injected source too.
    ...(opts.mtaSts || !opts.resolver ? { mtaSts: opts.mtaSts ?? systemMtaSts } : {}),
    onResult: (r) => onResult(r),
  });
  outbound.onQueued = () => runner.kick();
  return {
    outbound,
    runner,
    registerMetrics(registry) {
      onResult = queueMetrics(registry, store).delivery;
    },
    start() {
      runner.start();
      qlog.info({ via: config.queue.smarthost ? describeSmarthost(config.queue.smarthost) : 'mx', owner: runner.owner }, 'queue.started');
    },
    stop: () => runner.stop(),
  };
}
