/** The `queue` section of the configuration (src/server/config.ts, src/mail/queue/settings.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/server/config.js';
import { DEFAULT_QUEUE_SETTINGS, describeSmarthost, retryDelayMs } from '../../../src/mail/queue/settings.js';

function withFile(content: unknown, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cfg-queue-'));
  const path = join(dir, 'hearth.json');
  writeFileSync(path, JSON.stringify(content));
  try {
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const load = (path: string, env: Record<string, string> = {}) =>
  loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: path, ...env });

test('defaults: direct MX delivery, 5 days lifetime (RFC 5321 §4.5.4.1)', () => {
  const c = loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: '' });
  assert.deepEqual(c.queue, DEFAULT_QUEUE_SETTINGS);
  assert.equal(c.queue.maxLifetimeHours, 120);
  assert.equal(c.queue.smarthost, null);
});

test('a smarthost URL with credentials; the description never shows the password', () => {
  withFile({ queue: { smarthost: 'smtp://relay%40corp:p%3Ass@relay.example.net:2587', retryBaseSeconds: 60 } }, (path) => {
    const c = load(path);
    assert.deepEqual(c.queue.smarthost, {
      host: 'relay.example.net',
      port: 2587,
      secure: false,
      auth: { user: 'relay@corp', pass: 'p:ss' },
    });
    assert.equal(c.queue.retryBaseSeconds, 60);
    assert.equal(describeSmarthost(c.queue.smarthost!), 'smtp://relay%40corp@relay.example.net:2587');
  });
  const env = loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: '', HEARTH_SMARTHOST: 'smtps://relay.example.net' });
  assert.deepEqual(env.queue.smarthost, { host: 'relay.example.net', port: 465, secure: true, auth: null });
});

test('bad values are one-line errors naming the setting, without the password', () => {
  for (const queue of [
    { smarthost: 'http://u:topsecret@x' },
    { smarthost: 'not a url topsecret' },
    { retryBaseSeconds: 0 },
    { leaseSeconds: 10 },
    { retryBaseSeconds: 100, retryMaxSeconds: 50 },
    { nonsense: 1 },
  ]) {
    withFile({ queue }, (path) => {
      assert.throws(
        () => load(path),
        (e: unknown) =>
          e instanceof ConfigError &&
          /queue/.test((e as Error).message) &&
          !(e as Error).message.includes('topsecret') &&
          !(e as Error).message.includes('\n'),
      );
    });
  }
});

test('back-off doubles from retryBaseSeconds up to retryMaxSeconds', () => {
  const s = { ...DEFAULT_QUEUE_SETTINGS, retryBaseSeconds: 60, retryMaxSeconds: 600 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(s, n) / 1000),
    [60, 120, 240, 480, 600, 600],
  );
});
