/** The `smtp` section of the configuration file (src/server/config.ts, protocols/smtp/settings.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/server/config.js';
import { DEFAULT_SMTP_SETTINGS } from '../../../protocols/smtp/settings.js';

function withFile(content: unknown, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cfg-smtp-'));
  const path = join(dir, 'hearth.json');
  writeFileSync(path, JSON.stringify(content));
  try { fn(path); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('defaults: greeting pause and reverse DNS off, 50M cap', () => {
  const c = loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: '' });
  assert.deepEqual(c.smtp, DEFAULT_SMTP_SETTINGS);
  assert.equal(c.smtp.greetingDelayMs, 0);
  assert.equal(c.smtp.reverseDns, false);
});

test('the file overrides single settings and keeps the rest', () => {
  withFile({ smtp: { greetingDelayMs: 2000, reverseDns: true, messagesPerHour: 50 } }, (path) => {
    const c = loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: path });
    assert.equal(c.smtp.greetingDelayMs, 2000);
    assert.equal(c.smtp.reverseDns, true);
    assert.equal(c.smtp.messagesPerHour, 50);
    assert.equal(c.smtp.maxMessageSize, DEFAULT_SMTP_SETTINGS.maxMessageSize);
  });
});

test('bad values are one-line errors naming the setting', () => {
  for (const smtp of [{ mxMaxRecipients: 10 }, { maxMessageSize: -1 }, { greetingDelayMs: 'slow' }, { unknown: 1 }]) {
    withFile({ smtp }, (path) => {
      assert.throws(() => loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: path }),
        (e: unknown) => e instanceof ConfigError && /smtp/.test((e as Error).message));
    });
  }
});
