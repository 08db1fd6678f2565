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
      assert.deepEqual(
        [l.description, l.subscription, l.memberPosts, l.nonMemberPosts, l.moderatorPosts, l.bounceLimit],
        [null, 'open', 'allow', 'deny', 'allow', 5],
      );
      const u = await store.updateList(l.id, { name: 'The Team', subjectPrefix: '[team]', replyTo: 'list', posting: 'owners' });
      assert.deepEqual([u.name, u.subjectPrefix, u.replyTo, u.posting, u.memberPosts], ['The Team', '[team]', 'list', 'owners', 'deny']);
      const c = await store.updateList(l.id, { nonMemberPosts: 'moderate', subscription: 'moderated', description: 'About us', bounceLimit: 2 });
      assert.deepEqual(
        [c.posting, c.nonMemberPosts, c.subscription, c.description, c.bounceLimit],
        ['custom', 'moderate', 'moderated', 'About us', 2],
      );
      assert.equal((await store.getListById(l.id))?.nonMemberPosts, 'moderate');
      const m = await store.createList({ address: `mod@${d.name}`, posting: 'anyone', memberPosts: 'moderate' });
      assert.deepEqual([m.memberPosts, m.nonMemberPosts, m.moderatorPosts], ['moderate', 'allow', 'allow'], 'explicit policies win over the preset');
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
      for (const suffix of ['owner', 'request', 'subscribe', 'unsubscribe', 'help', 'confirm', 'bounces'])
        await rejects(store.createList({ address: `team-${suffix}@${d.name}` }), 'Invalid');
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

    it('bounces: counted per member, disabled at the limit, enabled again when added again; null for a non-member', async () => {
      const d = await domain();
      const l = await store.createList({ address: `b@${d.name}` });
      await store.addListMember(l.id, 'zed@elsewhere.example');
      assert.equal((await store.recordListBounce(l.id, 'ZED@elsewhere.example', 2))?.disabled, false);
      const m = await store.recordListBounce(l.id, 'zed@elsewhere.example', 2);
      assert.deepEqual([m?.bounces, m?.disabled], [2, true]);
      assert.equal((await store.getListMember(l.id, 'zed@elsewhere.example'))?.disabled, true);
      assert.equal(await store.recordListBounce(l.id, 'nobody@elsewhere.example', 2), null);
      const again = await store.addListMember(l.id, 'zed@elsewhere.example');
      assert.deepEqual([again.bounces, again.disabled], [0, false]);
      assert.equal((await store.recordListBounce(l.id, 'zed@elsewhere.example', 0))?.disabled, false, 'limit 0 never disables');
    });

    it('tokens: found unexpired, used once with every token of the decision, counted per address', async () => {
      const d = await domain();
      const l = await store.createList({ address: `t@${d.name}` });
      const t0 = Date.now();
      const sel = () => `${++seq}`.padStart(8, '0').slice(-8) + Math.random().toString(16).slice(2, 6);
      const a = sel();
      const b = sel();
      const base = { verifierHash: 'ab'.repeat(32), listId: l.id, address: 'Sub@Elsewhere.example', expiresAt: t0 + 60_000 };
      await store.createListToken({ ...base, selector: a, kind: 'approve-subscription', decision: 'd1' });
      await store.createListToken({ ...base, selector: b, kind: 'reject-subscription', decision: 'd1' });
      await rejects(store.createListToken({ ...base, selector: a, kind: 'subscribe', decision: 'd2' }), 'Conflict');
      const got = await store.getListToken(a, t0);
      assert.deepEqual([got?.kind, got?.address, got?.listId, got?.heldId], ['approve-subscription', 'sub@elsewhere.example', l.id, null]);
      assert.equal(await store.getListToken(a, t0 + 60_000), null, 'expired');
      assert.equal((await store.consumeListToken(a, t0))?.kind, 'approve-subscription');
      assert.equal(await store.consumeListToken(a, t0), null, 'once');
      assert.equal(await store.getListToken(b, t0), null, 'the other answer of the decision is gone too');
      const c = sel();
      await store.createListToken({ ...base, selector: c, kind: 'subscribe', decision: c });
      assert.equal(await store.consumeListToken(c, t0 + 60_000), null, 'an expired token does nothing');
      await store.createListToken({ ...base, selector: sel(), kind: 'subscribe', decision: 'x' });
      await store.createListToken({ ...base, selector: sel(), kind: 'notice', decision: 'y' });
      assert.equal(await store.countListTokens('sub@elsewhere.example', t0 - 1000), 2);
      assert.equal(await store.countListTokens('sub@elsewhere.example', Date.now() + 1000), 0);
      assert.equal((await store.purgeExpiredListItems(t0 + 60_001)).tokens, 2);
    });

    it('held posts: stored with their bytes, listed, taken once (with their tokens), expire; gone with the list', async () => {
      const d = await domain();
      const l = await store.createList({ address: `h@${d.name}` });
      const other = await store.createList({ address: `o@${d.name}` });
      const t0 = Date.now();
      const bytes = Buffer.from('Subject: held\r\n\r\n\x00\xff body\r\n', 'latin1');
      const p1 = await store.holdListPost({ listId: l.id, mailFrom: 'x@elsewhere.example', subject: 'held', bytes, expiresAt: t0 + 60_000 });
      const p2 = await store.holdListPost({ listId: l.id, mailFrom: 'y@elsewhere.example', subject: 'soon', bytes, expiresAt: t0 + 10 });
      await rejects(store.holdListPost({ listId: l.id + 100_000, mailFrom: 'x', subject: '', bytes, expiresAt: t0 }), 'NotFound');
      assert.deepEqual(
        (await store.listHeldPosts(l.id, t0)).map((p) => [p.id, p.mailFrom, p.subject, p.size]),
        [
          [p1.id, 'x@elsewhere.example', 'held', bytes.length],
          [p2.id, 'y@elsewhere.example', 'soon', bytes.length],
        ],
      );
      assert.deepEqual((await store.listHeldPosts(l.id, t0 + 10)).map((p) => p.id), [p1.id]);
      await store.createListToken({
        selector: `h${seq}`.padEnd(8, '0').slice(0, 8), verifierHash: 'cd'.repeat(32), listId: l.id, kind: 'approve-post', address: 'x@elsewhere.example',
        heldId: p1.id, decision: 'h', expiresAt: t0 + 60_000,
      });
      assert.equal(await store.takeHeldPost(other.id, p1.id, t0), null, 'not across lists');
      const taken = await store.takeHeldPost(l.id, p1.id, t0);
      assert.deepEqual(taken?.bytes, bytes);
      assert.equal(await store.takeHeldPost(l.id, p1.id, t0), null, 'once');
      assert.equal(await store.getListToken(`h${seq}`.padEnd(8, '0').slice(0, 8), t0), null, "the post's tokens went with it");
      assert.equal((await store.purgeExpiredListItems(t0 + 10)).held, 1);
      assert.deepEqual(await store.listHeldPosts(l.id, t0), []);
      await store.holdListPost({ listId: l.id, mailFrom: 'x', subject: 's', bytes, expiresAt: t0 + 60_000 });
      await store.deleteList(l.id);
      assert.deepEqual(await store.listHeldPosts(l.id, t0), []);
    });
  });
}
