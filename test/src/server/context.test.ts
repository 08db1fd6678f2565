import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createTestContext, TEST_LOCKOUT } from '../../helpers/context.js';

// The shared test helper other suites build on: check that it is what `hearth serve` builds.
describe('createTestContext', () => {
  it('a real SQLite store, real auth with a small lockout, settings from loadConfig', async () => {
    const t = await createTestContext();
    try {
      assert.equal(t.store.dialect, 'sqlite');
      assert.ok(existsSync(t.dataDir));
      assert.equal(t.ctx.settings.hostname, 'mail.example.test');
      assert.equal(t.ctx.settings.publicUrl, 'https://mail.example.test:8443');
      assert.deepEqual(t.ctx.settings.activesync, t.config.activesync);

      const ann = await t.addUser('ann@one.example', 'ann-password-1', { displayName: 'Ann', domainAdmin: true });
      const bob = await t.addUser('bob@one.example', 'bob-password-1', { disabled: true, isServerAdmin: true });
      assert.equal(ann.domainId, bob.domainId, 'the domain is created once');
      assert.deepEqual(ann.adminDomains, [ann.domainId]);
      assert.equal(bob.isServerAdmin, true);
      assert.ok((await t.ctx.auth.verify('ann@one.example', 'ann-password-1', '192.0.2.1')).ok);
      assert.deepEqual(await t.ctx.auth.verify('bob@one.example', 'bob-password-1', '192.0.2.1'), { ok: false, reason: 'disabled' });
      for (let i = 0; i < TEST_LOCKOUT.maxFailures; i++) await t.store.recordLoginFailure('ann@one.example', '192.0.2.2', Date.now());
      assert.equal((await t.ctx.auth.verify('ann@one.example', 'ann-password-1', '192.0.2.2') as { reason?: string }).reason, 'locked');
    } finally {
      await t.close();
    }
    assert.ok(!existsSync(t.dataDir), 'close() removes the data directory');
  });

  it('takes a clock and extra environment', async () => {
    const t = await createTestContext({ now: () => 42, env: { HEARTH_HOSTNAME: 'mx.other.example', HEARTH_HTTPS: '0.0.0.0:443' } });
    try {
      assert.equal(t.ctx.now(), 42);
      assert.equal(t.ctx.settings.publicUrl, 'https://mx.other.example');
      assert.equal(t.config.firstDomain, 'other.example');
    } finally {
      await t.close();
    }
  });
});
