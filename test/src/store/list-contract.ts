import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

/** The mailing-list half of the store contract (ListStore), on every backend. */
export function listStoreContract(factory: StoreFactory): void {
  describe(`list store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    const domain = async () => store.createDomain({ name: `lists${++seq}-${Date.now()}.example` });
    const rejects = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code);
    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });
    after(async () => {
      await opened?.dispose();
    });

    it('creates a list with defaults, finds it case-insensitively, changes its policies', async () => {
      const d = await domain();
      const l = await store.createList({ address: `Team@${d.name.toUpperCase()}` });
      assert.deepEqual(
        [l.address, l.name, l.subjectPrefix, l.replyTo, l.posting, l.domainId],
        [`team@${d.name}`, 'team', null, 'sender', 'members', d.id],
      );
      assert.equal((await store.getList(`TEAM@${d.name}`))?.id, l.id);
      const u = await store.updateList(l.id, { name: 'The Team', subjectPrefix: '[team]', replyTo: 'list', posting: 'owners' });
      assert.deepEqual([u.name, u.subjectPrefix, u.replyTo, u.posting], ['The Team', '[team]', 'list', 'owners']);
      assert.deepEqual((await store.updateList(l.id, {})).name, 'The Team');
      assert.ok((await store.listLists(d.id)).every((x) => x.domainId === d.id) && (await store.listLists()).some((x) => x.id === l.id));
      await rejects(store.updateList(l.id + 100_000, { name: 'x' }), 'NotFound');
    });

    it('refuses an address that is taken, of an unknown domain, or ending in -owner', async () => {
      const d = await domain();
      await store.createAccount({ domainId: d.id, email: `ann@${d.name}` });
      await store.setAlias(`info@${d.name}`, [`ann@${d.name}`]);
      await store.createList({ address: `team@${d.name}` });
      for (const taken of ['ann', 'info', 'team']) await rejects(store.createList({ address: `${taken}@${d.name}` }), 'Conflict');
      await rejects(store.createList({ address: 'x@nowhere.example' }), 'NotFound');
      await rejects(store.createList({ address: `team-owner@${d.name}` }), 'Invalid');
    });

    it('members: add (any address), change role, remove, list by address; gone with the list and with the domain', async () => {
      const d = await domain();
      const l = await store.createList({ address: `all@${d.name}` });
      await store.addListMember(l.id, 'Zed@Elsewhere.example');
      await store.addListMember(l.id, `ann@${d.name}`, 'owner');
      await store.addListMember(l.id, 'zed@elsewhere.example', 'owner');
      assert.deepEqual(
        (await store.listListMembers(l.id)).map((m) => [m.address, m.role]),
        [
          [`ann@${d.name}`, 'owner'],
          ['zed@elsewhere.example', 'owner'],
        ],
      );
      assert.equal(await store.removeListMember(l.id, 'ZED@elsewhere.example'), true);
      assert.equal(await store.removeListMember(l.id, 'zed@elsewhere.example'), false);
      await rejects(store.addListMember(l.id + 100_000, 'x@y.example'), 'NotFound');
      await store.deleteList(l.id);
      assert.equal(await store.getList(`all@${d.name}`), null);
      assert.deepEqual(await store.listListMembers(l.id), []);
      await rejects(store.deleteList(l.id), 'NotFound');
      const l2 = await store.createList({ address: `gone@${d.name}` });
      await store.addListMember(l2.id, 'x@y.example');
      await store.deleteDomain(d.id);
      assert.equal(await store.getList(`gone@${d.name}`), null);
      assert.deepEqual(await store.listListMembers(l2.id), []);
    });
  });
}
