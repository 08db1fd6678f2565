/** The outbound queue on /metrics: its size from the store, deliveries by result (src/server/queue-metrics.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createTestContext } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';
import { createQueue } from '../../../src/server/queue.js';

test('/metrics shows the queue size and counts delivery results', async () => {
  const t = await createTestContext();
  const queue = createQueue(t.config, t.store, pino({ level: 'silent' }), {
    resolver: { resolveMx: async () => [{ exchange: '', priority: 0 }], resolve4: async () => [], resolve6: async () => [] },
  });
  const app = await buildServer(t.ctx, { registerMetrics: queue.registerMetrics });
  try {
    const bytes = Buffer.from('Subject: m\r\n\r\nx\r\n');
    await queue.outbound.send({ mailFrom: '', recipients: ['a@nullmx.example', 'b@nullmx.example'], bytes });
    let body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(body, /^hearth_queue_messages 1$/m);
    assert.match(body, /^hearth_queue_recipients 2$/m);
    await queue.runner.runOnce(); // null MX: both fail permanently (no DSN: null sender)
    body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(body, /^hearth_queue_messages 0$/m);
    assert.match(body, /^hearth_queue_deliveries_total\{result="failed"\} 2$/m);
  } finally {
    await app.close();
    await t.close();
  }
});
