import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import { fails, hearthInProcess, ok } from './helpers.js';

// CONTRACT.md `hearth queue list|retry ID|delete ID`, in-process on a SQLite data dir this test filled.
describe('hearth queue', () => {
  let dir: string;
  const run = (...args: string[]) => hearthInProcess({ HEARTH_DATA_DIR: dir }, ...args);
  const T = Date.UTC(2026, 11, 3, 8);
  const ids: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-queue-cli-'));
    const store = await openStore(undefined, dir);
    try {
      for (const [from, rcpts] of [
        ['ann@example.test', ['a@remote.example', 'b@remote.example']],
        ['', ['c@remote.example']],
        ['ann@example.test', ['d@remote.example']],
      ] as const) {
        const bytes = Buffer.from(`Subject: cli ${ids.length}\r\n\r\nx\r\n`);
        const m = await store.enqueueMessage({
          mailFrom: from,
          recipients: [...rcpts],
          blobHash: await store.putBlob(bytes),
          size: bytes.length,
          now: T,
          expiresAt: T + 86_400_000,
        });
        ids.push(m.id);
      }
      await store.claimQueuedMessages('test', T, 60_000, 1);
      await store.completeQueueAttempt(ids[0], 'test', {
        recipients: [
          { address: 'a@remote.example', state: 'delivered', lastError: null },
          { address: 'b@remote.example', state: 'deferred', lastError: '451 4.7.1 Greylisted\tplease retry' },
        ],
        nextAttemptAt: T + 600_000,
        now: T,
      });
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('list: one line per message, tab-separated: id, from, recipients with state, attempts, next attempt, last error', async () => {
    const lines = ok(await run('queue', 'list'))
      .trimEnd()
      .split('\n');
    const first = lines.find((l) => l.startsWith(`${ids[0]}\t`))!.split('\t');
    assert.deepEqual(first, [
      ids[0],
      'ann@example.test',
      'a@remote.example (delivered 1), b@remote.example (deferred 1)',
      'attempts 1',
      `next ${new Date(T + 600_000).toISOString()}`,
      '451 4.7.1 Greylisted please retry',
    ]);
    const bounce = lines.find((l) => l.startsWith(`${ids[1]}\t`))!.split('\t');
    assert.deepEqual(bounce.slice(1, 3), ['<>', 'c@remote.example (pending)']);
    assert.equal(bounce[5], '-');
  });

  it('retry makes a message due now; an unknown id is one line on stderr', async () => {
    assert.match(ok(await run('queue', 'retry', ids[0])), new RegExp(`message ${ids[0]} is due now`));
    const store = await openStore(undefined, dir);
    try {
      assert.ok((await store.getQueuedMessage(ids[0]))!.nextAttemptAt <= Date.now());
    } finally {
      await store.close();
    }
    fails(await run('queue', 'retry', '424242'), 2, /no queued message 424242/);
  });

  it('delete removes the message and its blob; a second delete fails', async () => {
    assert.match(ok(await run('queue', 'delete', ids[2])), /deleted message/);
    assert.ok(!ok(await run('queue', 'list')).includes(`${ids[2]}\t`));
    fails(await run('queue', 'delete', ids[2]), 2, /no queued message/);
    fails(await run('queue', 'delete', 'x; drop table'), 2, /no queued message/);
  });
});
