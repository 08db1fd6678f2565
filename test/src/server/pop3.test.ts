/** src/server/pop3.ts: both listeners off by default, banner lines when on, one clear line when a port is taken. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createTestContext } from '../../helpers/context.js';
import { startPop3 } from '../../../src/server/pop3.js';

test('off unless set (CONTRACT.md): nothing listens', async () => {
  const t = await createTestContext();
  try {
    const p = await startPop3(t.config, t.ctx);
    assert.deepEqual(p.lines, []);
    assert.deepEqual(p.ports, {});
  } finally {
    await t.close();
  }
});

test('a taken port is one line naming the variable; free ports give one banner line each', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  const t = await createTestContext({ env: { HEARTH_POP3: '127.0.0.1:0', HEARTH_POP3S: `127.0.0.1:${port}` } });
  try {
    await assert.rejects(startPop3(t.config, t.ctx), {
      message: `HEARTH_POP3S: cannot listen on 127.0.0.1:${port}: address already in use`,
    });
    const ok = await createTestContext({ env: { HEARTH_POP3: '127.0.0.1:0', HEARTH_POP3S: '127.0.0.1:0' } });
    try {
      const p = await startPop3(ok.config, ok.ctx);
      assert.equal(p.lines.length, 2);
      assert.match(p.lines[0], /POP3 \(STLS\)\s+127\.0\.0\.1:\d+/);
      assert.match(p.lines[1], /POP3 \(TLS\)\s+127\.0\.0\.1:\d+/);
      await p.close();
    } finally {
      await ok.close();
    }
  } finally {
    blocker.close();
    await t.close();
  }
});
