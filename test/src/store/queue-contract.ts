import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

/**
 * The outbound queue half of the store contract (src/store/queue-store.ts), on every backend:
 * persistence with per-recipient state, leases that exclude a second worker until they expire,
 * attempts that end the lease, the blob reference released when a message leaves the queue.
 */
export function queueStoreContract(factory: StoreFactory): void {
  describe(`queue store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    const T = 1_800_000_000_000;

    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });
    after(async () => {
      await opened?.dispose();
    });

    async function enqueue(recipients: string[], now = T) {
      const bytes = Buffer.from(`Subject: queued ${++seq} ${Math.random()}\r\n\r\nbody\r\n`);
      const blobHash = await store.putBlob(bytes);
      return store.enqueueMessage({
        mailFrom: 'ann@example.test',
        recipients,
        blobHash,
        size: bytes.length,
        submittedBy: 'ann@example.test',
        now,
        expiresAt: now + 86_400_000,
      });
    }

    it('enqueue persists the message, its recipients (deduplicated) and takes the blob reference', async () => {
      const m = await enqueue(['b@remote.example', 'B@remote.example', 'c@other.example']);
      assert.match(m.id, /^[1-9][0-9]*$/);
      assert.equal(m.mailFrom, 'ann@example.test');
      assert.equal(m.nextAttemptAt, T);
      assert.deepEqual(
        m.recipients.map((r) => [r.address, r.state, r.attempts]),
        [
          ['b@remote.example', 'pending', 0],
          ['c@other.example', 'pending', 0],
        ],
      );
      assert.ok(await store.getBlob(m.blobHash));
      assert.deepEqual((await store.getQueuedMessage(m.id))?.recipients.length, 2);
      assert.ok((await store.listQueue()).some((q) => q.id === m.id));
      await store.deleteQueuedMessage(m.id);
    });

    it('enqueue refuses a message without recipients', async () => {
      const blobHash = await store.putBlob(Buffer.from('x'));
      await assert.rejects(
        store.enqueueMessage({ mailFrom: '', recipients: [], blobHash, size: 1, now: T, expiresAt: T + 1 }),
        (e: { code?: string }) => e.code === 'Invalid',
      );
      await store.releaseBlob(blobHash);
    });

    it('a claimed message is not claimed again until its lease expires', async () => {
      const m = await enqueue(['x@remote.example'], T - 5);
      const first = await store.claimQueuedMessages('worker-a', T, 60_000, 100);
      assert.ok(first.some((q) => q.id === m.id && q.leaseOwner === 'worker-a'));
      const second = await store.claimQueuedMessages('worker-b', T + 1000, 60_000, 100);
      assert.ok(!second.some((q) => q.id === m.id));
      // worker-a crashed: after the lease another worker takes it, and worker-a's late result is refused.
      const third = await store.claimQueuedMessages('worker-b', T + 61_000, 60_000, 100);
      assert.ok(third.some((q) => q.id === m.id && q.leaseOwner === 'worker-b'));
      assert.equal(
        await store.completeQueueAttempt(m.id, 'worker-a', {
          recipients: [{ address: 'x@remote.example', state: 'delivered', lastError: null }],
          nextAttemptAt: T,
          now: T,
        }),
        'lost',
      );
      assert.equal((await store.getQueuedMessage(m.id))?.recipients[0].state, 'pending');
      await store.deleteQueuedMessage(m.id);
    });

    it('messages not yet due are not claimed; retry makes them due', async () => {
      const m = await enqueue(['later@remote.example'], T + 3_600_000);
      assert.ok(!(await store.claimQueuedMessages('w', T, 1000, 100)).some((q) => q.id === m.id));
      assert.equal(await store.retryQueuedMessage(m.id, T), true);
      assert.ok((await store.claimQueuedMessages('w', T, 1000, 100)).some((q) => q.id === m.id));
      assert.equal(await store.retryQueuedMessage('999999999', T), false);
      assert.equal(await store.retryQueuedMessage('not-an-id', T), false);
      await store.deleteQueuedMessage(m.id);
    });

    it('an attempt records per-recipient state, ends the lease and keeps the rest for later', async () => {
      const m = await enqueue(['ok@remote.example', 'slow@remote.example', 'bad@remote.example']);
      await store.claimQueuedMessages('w1', T + 10, 60_000, 1000);
      const r = await store.completeQueueAttempt(m.id, 'w1', {
        recipients: [
          { address: 'ok@remote.example', state: 'delivered', lastError: null },
          { address: 'slow@remote.example', state: 'deferred', lastError: '451 4.3.0 try later' },
          { address: 'bad@remote.example', state: 'failed', lastError: '550 5.1.1 no such user' },
        ],
        nextAttemptAt: T + 300_000,
        now: T + 20,
      });
      assert.equal(r, 'kept');
      const after = (await store.getQueuedMessage(m.id))!;
      assert.equal(after.attempts, 1);
      assert.equal(after.leaseOwner, null);
      assert.equal(after.nextAttemptAt, T + 300_000);
      const by = Object.fromEntries(after.recipients.map((x) => [x.address, x]));
      assert.equal(by['ok@remote.example'].state, 'delivered');
      assert.deepEqual(
        [by['slow@remote.example'].state, by['slow@remote.example'].lastError, by['slow@remote.example'].attempts],
        ['deferred', '451 4.3.0 try later', 1],
      );
      assert.equal(by['bad@remote.example'].state, 'failed');
      assert.deepEqual(await store.queueStats().then((s) => s.recipients >= 1), true);
      await store.deleteQueuedMessage(m.id);
    });

    it('the message leaves the queue when every recipient is final, and its blob goes', async () => {
      const m = await enqueue(['done@remote.example']);
      await store.claimQueuedMessages('w2', T + 10, 60_000, 1000);
      assert.equal(
        await store.completeQueueAttempt(m.id, 'w2', {
          recipients: [{ address: 'done@remote.example', state: 'delivered', lastError: null }],
          nextAttemptAt: T,
          now: T,
        }),
        'done',
      );
      assert.equal(await store.getQueuedMessage(m.id), null);
      assert.equal(await store.getBlob(m.blobHash), null);
    });

    it('delete removes the message and releases its blob; twice is false', async () => {
      const m = await enqueue(['gone@remote.example']);
      assert.equal(await store.deleteQueuedMessage(m.id), true);
      assert.equal(await store.deleteQueuedMessage(m.id), false);
      assert.equal(await store.getBlob(m.blobHash), null);
      assert.equal(await store.getQueuedMessage(m.id), null);
    });

    it('two workers claiming at once never share a message', async () => {
      const peer = await opened.peer();
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await enqueue([`n${i}@remote.example`], T - 100)).id);
      const claims = await Promise.all([
        store.claimQueuedMessages('node-1', T, 60_000, 7),
        peer.claimQueuedMessages('node-2', T, 60_000, 7),
        store.claimQueuedMessages('node-3', T, 60_000, 7),
        peer.claimQueuedMessages('node-4', T, 60_000, 7),
      ]);
      const all = claims
        .flat()
        .map((q) => q.id)
        .filter((id) => ids.has(id));
      assert.equal(new Set(all).size, all.length, 'a message was claimed twice');
      assert.equal(all.length, 20);
      for (const id of ids) await store.deleteQueuedMessage(id);
    });
  });
}
