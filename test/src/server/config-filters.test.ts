/** The `filters` and `archive` sections and their variables (src/server/filter-config.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/server/config.js';
import { deliveryExtras, spamFilterOf } from '../../../src/server/mail-filters.js';
import type { Store } from '../../../src/store/store.js';

function withFile(content: unknown, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cfg-filters-'));
  const path = join(dir, 'hearth.json');
  writeFileSync(path, JSON.stringify(content));
  try {
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const base = { HEARTH_HOSTNAME: 'mail.example.com', HEARTH_CONFIG: '' };

test('off unless configured: no filter, no archive, the default failure policy', () => {
  const c = loadConfig(base);
  assert.deepEqual(c.filters, { rspamd: null, clamav: null, spamOnFailure: 'accept', virusOnFailure: 'tempfail', spamReject: 'junk' });
  assert.deepEqual(c.archive, { enabled: false });
  assert.deepEqual(deliveryExtras(c, {} as Store), { filters: null, archive: null, outbound: null });
  assert.equal(spamFilterOf(c), null);
});

test('the file turns them on, with defaults for what it leaves out', () => {
  withFile(
    {
      filters: {
        rspamd: { url: 'http://127.0.0.1:11333', controllerUrl: 'http://127.0.0.1:11334', password: 'pw' },
        clamav: { address: '/run/clamav/clamd.ctl' },
        virusOnFailure: 'accept',
      },
      archive: { enabled: true },
    },
    (path) => {
      const c = loadConfig({ ...base, HEARTH_CONFIG: path });
      assert.deepEqual(c.filters.rspamd, {
        url: 'http://127.0.0.1:11333',
        controllerUrl: 'http://127.0.0.1:11334',
        password: 'pw',
        timeoutSeconds: 20,
      });
      assert.deepEqual(c.filters.clamav, { address: '/run/clamav/clamd.ctl', timeoutSeconds: 60, maxMessageSize: 25 * 1024 * 1024 });
      assert.equal(c.filters.virusOnFailure, 'accept');
      assert.equal(c.archive.enabled, true);
      const extras = deliveryExtras(c, {} as Store);
      assert.ok(extras.filters?.active && extras.archive);
    },
  );
});

test('variables win over the file', () => {
  withFile({ filters: { rspamd: { url: 'http://10.0.0.1:11333' } }, archive: { enabled: true } }, (path) => {
    const c = loadConfig({
      ...base,
      HEARTH_CONFIG: path,
      HEARTH_RSPAMD_URL: 'http://127.0.0.1:11333',
      HEARTH_RSPAMD_PASSWORD: 'secret',
      HEARTH_CLAMD: '127.0.0.1:3310',
      HEARTH_ARCHIVE: 'off',
    });
    assert.equal(c.filters.rspamd?.url, 'http://127.0.0.1:11333');
    assert.equal(c.filters.rspamd?.password, 'secret');
    assert.equal(c.filters.clamav?.address, '127.0.0.1:3310');
    assert.equal(c.archive.enabled, false);
  });
});

test('bad values are one-line errors naming the setting', () => {
  for (const [env, name] of [
    [{ HEARTH_RSPAMD_URL: 'ftp://x' }, 'HEARTH_RSPAMD_URL'],
    [{ HEARTH_CLAMD: 'localhost' }, 'HEARTH_CLAMD'],
    [{ HEARTH_ARCHIVE: 'maybe' }, 'HEARTH_ARCHIVE'],
  ] as const) {
    assert.throws(
      () => loadConfig({ ...base, ...env }),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${name}:`) && !e.message.includes('\n'),
    );
  }
  for (const [section, what] of [
    [{ filters: { rspamd: { url: 'not a url' } } }, /filters\.rspamd\.url/],
    [{ filters: { clamav: { address: 'nohost' } } }, /filters\.clamav\.address/],
    [{ filters: { spamOnFailure: 'panic' } }, /filters\.spamOnFailure/],
    [{ filters: { clamd: {} } }, /filters/],
    [{ archive: { enabled: 'yes' } }, /archive\.enabled/],
  ] as const) {
    withFile(section, (path) => {
      assert.throws(
        () => loadConfig({ ...base, HEARTH_CONFIG: path }),
        (e: unknown) => e instanceof ConfigError && what.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

test('with the archive on, what goes out through the outbound path (list copies) is archived as direction out', async () => {
  const archived: { direction: string; rcptTo: string[] }[] = [];
  const store = {
    archiveMessage: async (r: { direction: string; rcptTo: string[] }) => {
      archived.push(r);
      return r;
    },
  } as unknown as Store;
  const sent: string[][] = [];
  const c = loadConfig({ ...base, HEARTH_ARCHIVE: 'on' });
  const extras = deliveryExtras(c, store, {
    send: async (m) => {
      sent.push(m.recipients);
      return { queueId: null };
    },
  });
  await extras.outbound!.send({
    mailFrom: 'team-owner@example.test',
    recipients: ['ann@example.test'],
    bytes: Buffer.from('Subject: x\r\n\r\ny'),
  });
  assert.deepEqual(sent, [['ann@example.test']]);
  assert.deepEqual(
    archived.map((r) => [r.direction, r.rcptTo]),
    [['out', ['ann@example.test']]],
  );
});
