/**
 * The queue as `hearth serve` wires it (src/server/queue.ts): the running loop, not runOnce().
 * A message queued on this node wakes the runner at once (the poll is set to an hour here, so
 * only the wake-up can deliver it); stop() ends the loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createTestContext } from '../../helpers/context.js';
import { createQueue } from '../../../src/server/queue.js';
import { RemoteMx, testResolver } from '../mail/queue/remote-mx.js';

test('a queued message wakes the running runner, which delivers it; stop() ends the loop', async () => {
  const t = await createTestContext();
  const remote = await new RemoteMx().start();
  Object.assign(t.config.queue, { mxPort: remote.port, pollSeconds: 3600 });
  const queue = createQueue(t.config, t.store, pino({ level: 'silent' }), { resolver: testResolver });
  queue.start();
  try {
    const { queueId } = await queue.outbound.send({
      mailFrom: 'ann@example.test',
      recipients: ['x@remote.example'],
      bytes: Buffer.from('Subject: woken\r\n\r\nx\r\n'),
    });
    assert.ok(queueId);
    // Poll for the outcome with a generous deadline (the machine may be busy); no duration is asserted.
    const deadline = Date.now() + 120_000;
    while (remote.count('Subject: woken') === 0 || (await t.store.getQueuedMessage(queueId))) {
      assert.ok(Date.now() < deadline, 'delivered within two minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(remote.count('Subject: woken'), 1);
  } finally {
    await queue.stop();
    await remote.close();
    await t.close();
  }
});
