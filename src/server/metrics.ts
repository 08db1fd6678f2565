import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/** Prometheus metrics of one process: Node's defaults plus HTTP requests by route and status. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hearth_' });
  const requests = new Counter({
    name: 'hearth_http_requests_total', help: 'HTTP requests by protocol area, method and status',
    labelNames: ['area', 'method', 'status'] as const, registers: [registry],
  });
  const duration = new Histogram({
    name: 'hearth_http_request_duration_seconds', help: 'HTTP request duration by protocol area',
    labelNames: ['area'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60], registers: [registry],
  });
  return {
    registry,
    /** Counts every response; `area` is the first path segment so label cardinality stays bounded. */
    instrument(app: FastifyInstance) {
      app.addHook('onResponse', async (req, reply) => {
        const area = areaOf(req.url);
        requests.inc({ area, method: req.method, status: String(reply.statusCode) });
        duration.observe({ area }, reply.elapsedTime / 1000);
      });
    },
  };
}

function areaOf(url: string): string {
  const first = url.split('?')[0].split('/')[1]?.toLowerCase() ?? '';
  if (first === 'microsoft-server-activesync') return 'activesync';
  if (first === 'dav' || first === '.well-known') return 'dav';
  if (first === 'autodiscover' || first === 'mail') return 'autodiscover';
  if (first === 'api') return 'api';
  return first === 'healthz' || first === 'metrics' ? first : 'other';
}
