import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

/**
 * The mail policies' slice of the store contract (PolicyStore), run on every backend: one DKIM
 * key per domain (the first wins), the out-of-office reply log (one reply per sender per period,
 * atomic under concurrency).
 */
export function policyStoreContract(factory: StoreFactory): void {
  describe(`policy store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });
    after(async () => {
      await opened?.dispose();
    });

    const domain = () => store.createDomain({ name: `policy${++seq}.example` });
    const user = async () => {
      const d = await domain();
      return store.createAccount({ domainId: d.id, email: `u@${d.name}` });
    };

    it('keeps the first DKIM key of a domain and returns it to later callers', async () => {
      const d = await domain();
      assert.equal(await store.getDkimKey(d.id), null);
      const first = await store.addDkimKey({
        domainId: d.id,
        selector: 'hearth1',
        privateKey: 'PRIV1',
        publicKey: 'PUB1',
        createdAt: 1000,
      });
      assert.deepEqual(first, { domainId: d.id, selector: 'hearth1', privateKey: 'PRIV1', publicKey: 'PUB1', createdAt: 1000 });
      const second = await store.addDkimKey({ domainId: d.id, selector: 'hearth2', privateKey: 'PRIV2', publicKey: 'PUB2' });
      assert.equal(second.selector, 'hearth1');
      assert.deepEqual(await store.getDkimKey(d.id), first);
    });

    it('concurrent DKIM key creation agrees on one key', async () => {
      const d = await domain();
      const keys = await Promise.all(
        [1, 2, 3, 4].map((i) => store.addDkimKey({ domainId: d.id, selector: `s${i}`, privateKey: `P${i}`, publicKey: `K${i}` })),
      );
      assert.equal(new Set(keys.map((k) => k.selector)).size, 1);
    });

    it('replaces the DKIM key only over the selector it names; of concurrent rotations one wins', async () => {
      const d = await domain();
      assert.equal(await store.replaceDkimKey({ domainId: d.id, selector: 'r1', privateKey: 'P', publicKey: 'K' }, 'none'), null);
      await store.addDkimKey({ domainId: d.id, selector: 'old', privateKey: 'P0', publicKey: 'K0', createdAt: 1 });
      assert.equal(await store.replaceDkimKey({ domainId: d.id, selector: 'r1', privateKey: 'P1', publicKey: 'K1' }, 'wrong'), null);
      assert.equal((await store.getDkimKey(d.id))!.selector, 'old');
      const results = await Promise.all(
        [1, 2, 3].map((i) => store.replaceDkimKey({ domainId: d.id, selector: `new${i}`, privateKey: `P${i}`, publicKey: `K${i}`, createdAt: 5 }, 'old')),
      );
      const winners = results.filter((k) => k !== null);
      assert.equal(winners.length, 1);
      assert.deepEqual(await store.getDkimKey(d.id), winners[0]);
      assert.equal(winners[0]!.createdAt, 5);
    });

    it('refuses a DKIM key for an unknown domain with NotFound; the key goes with its domain', async () => {
      await assert.rejects(store.addDkimKey({ domainId: 999_999, selector: 's', privateKey: 'p', publicKey: 'k' }), (e) =>
        isStoreError(e, 'NotFound'),
      );
      const d = await domain();
      await store.addDkimKey({ domainId: d.id, selector: 's', privateKey: 'p', publicKey: 'k' });
      await store.deleteDomain(d.id);
      assert.equal(await store.getDkimKey(d.id), null);
    });

    it('records one auto-reply per sender per period, case-insensitively', async () => {
      const a = await user();
      const day = 86_400_000;
      const t0 = 10 * day;
      assert.equal(await store.recordAutoReply(a.id, 'Bob@Example.NET', t0, t0 - 7 * day), true);
      assert.equal(await store.recordAutoReply(a.id, 'bob@example.net', t0 + day, t0 + day - 7 * day), false);
      assert.equal(await store.recordAutoReply(a.id, 'carol@example.net', t0 + day, t0 + day - 7 * day), true);
      // Seven days and a moment later the sender may be answered again.
      const later = t0 + 7 * day + 1;
      assert.equal(await store.recordAutoReply(a.id, 'bob@example.net', later, later - 7 * day), true);
      assert.equal(await store.recordAutoReply(a.id, 'bob@example.net', later + 1, later + 1 - 7 * day), false);
    });

    it('another account answering the same sender is counted separately', async () => {
      const a = await user();
      const b = await user();
      assert.equal(await store.recordAutoReply(a.id, 'x@example.net', 5000, 0), true);
      assert.equal(await store.recordAutoReply(b.id, 'x@example.net', 5000, 0), true);
    });

    it('of concurrent records for one sender exactly one wins', async () => {
      const a = await user();
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => store.recordAutoReply(a.id, 'race@example.net', 5000, 0)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('a second node sees the record of the first', async () => {
      const a = await user();
      const peer = await opened.peer();
      assert.equal(await store.recordAutoReply(a.id, 'peer@example.net', 5000, 0), true);
      assert.equal(await peer.recordAutoReply(a.id, 'peer@example.net', 6000, 0), false);
    });
  });
}
