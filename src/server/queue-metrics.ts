import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/store.js';

/**
 * The outbound queue's Prometheus metrics: its size (read from the store at scrape time, so
 * every node reports the shared queue) and this node's delivery attempts by result.
 */
export function queueMetrics(registry: Registry, store: Pick<Store, 'queueStats'>) {
  new Gauge({
    name: 'hearth_queue_messages',
    help: 'Messages in the outbound queue (all nodes)',
    registers: [registry],
    async collect() {
      this.set((await store.queueStats()).messages);
    },
  });
  new Gauge({
    name: 'hearth_queue_recipients',
    help: 'Recipients of queued messages still to deliver (all nodes)',
    registers: [registry],
    async collect() {
      this.set((await store.queueStats()).recipients);
    },
  });
  const deliveries = new Counter({
    name: 'hearth_queue_deliveries_total',
    help: 'Outbound delivery attempts per recipient by result (delivered, deferred, failed)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return { delivery: (result: 'delivered' | 'deferred' | 'failed') => deliveries.inc({ result }) };
}
