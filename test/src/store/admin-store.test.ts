/**
 * The admin API's store slice (src/store/admin-store.ts) on both backends: paged account
 * listings, the If-Match compare-and-set, API keys, token signing keys shared by nodes, daily
 * usage, audit by domain.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import type { Store } from '../../../src/store/store.js';
import { ApiTokens, ROTATE_MS, TOKEN_TTL_MS } from '../../../src/auth/api-tokens.js';
import { auditDomainOf } from '../../../src/store/admin-store.js';

for (const factory of await storeFactories()) {
  describe(`admin store (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let a: number;
    let b: number;
    before(async () => {
      opened = await factory.open();
      store = opened.store;
      a = (await store.createDomain({ name: 'a.test' })).id;
      b = (await store.createDomain({ name: 'b.test' })).id;
      for (let i = 0; i < 25; i++)
        await store.createAccount({
          domainId: a,
          email: `u${String(i).padStart(2, '0')}@a.test`,
          displayName: i % 5 === 0 ? `Five_${i}` : null,
        });
      await store.createAccount({ domainId: a, email: 'team@a.test', kind: 'group' });
      await store.createAccount({ domainId: b, email: 'u00@b.test' });
    });
    after(async () => {
      await opened.dispose();
    });

    it('pages accounts with totals, sorted both ways, filtered by domain, kind, text and state', async () => {
      const p1 = await store.pageAccounts({ domainIds: [a], kind: 'user', limit: 10, offset: 0 });
      assert.equal(p1.total, 25);
      assert.deepEqual(p1.accounts.map((x) => x.email).slice(0, 2), ['u00@a.test', 'u01@a.test']);
      const p3 = await store.pageAccounts({ domainIds: [a], kind: 'user', limit: 10, offset: 20 });
      assert.equal(p3.accounts.length, 5);
      const desc = await store.pageAccounts({ domainIds: [a], kind: 'user', order: 'desc', limit: 1, offset: 0 });
      assert.equal(desc.accounts[0].email, 'u24@a.test');
      assert.equal((await store.pageAccounts({ domainIds: [b], limit: 100, offset: 0 })).total, 1);
      assert.equal((await store.pageAccounts({ domainIds: [], limit: 100, offset: 0 })).total, 0);
      assert.equal((await store.pageAccounts({ domainIds: [a], kind: 'group', limit: 100, offset: 0 })).total, 1);
      // Search: case-insensitive, in the display name too; LIKE wildcards are literal.
      assert.equal((await store.pageAccounts({ domainIds: [a], search: 'FIVE', limit: 100, offset: 0 })).total, 5);
      assert.equal((await store.pageAccounts({ domainIds: [a], search: 'five_1', limit: 100, offset: 0 })).total, 2);
      assert.equal((await store.pageAccounts({ domainIds: [a], search: '%', limit: 100, offset: 0 })).total, 0);
      const u3 = (await store.getAccount('u03@a.test'))!;
      await store.updateAccount(u3.id, { disabled: true });
      assert.deepEqual(
        (await store.pageAccounts({ domainIds: [a], disabled: true, limit: 100, offset: 0 })).accounts.map((x) => x.email),
        ['u03@a.test'],
      );
    });

    it('claims a resource version once per expected value (If-Match compare-and-set)', async () => {
      assert.equal(await store.resourceVersion('domain:a.test'), 0);
      const first = await Promise.all([store.claimResourceVersion('domain:a.test', 0), store.claimResourceVersion('domain:a.test', 0)]);
      assert.deepEqual(first.sort(), [false, true]);
      assert.equal(await store.resourceVersion('domain:a.test'), 1);
      const peer = await opened.peer();
      const second = await Promise.all([store.claimResourceVersion('domain:a.test', 1), peer.claimResourceVersion('domain:a.test', 1)]);
      assert.deepEqual(second.sort(), [false, true]);
      assert.equal(await store.claimResourceVersion('domain:a.test', 1), false);
      assert.equal(await store.resourceVersion('domain:a.test'), 2);
    });

    it('stores API keys by id, refuses a duplicate, lists by account, deletes', async () => {
      const owner = (await store.getAccount('u01@a.test'))!;
      const k = await store.createApiKey({
        keyId: 'k1',
        secretHash: 'ab',
        accountId: owner.id,
        label: 'billing',
        access: 'read',
        cidrs: ['10.0.0.0/8'],
      });
      assert.equal(k.access, 'read');
      assert.deepEqual((await store.getApiKey('k1'))?.cidrs, ['10.0.0.0/8']);
      await assert.rejects(
        store.createApiKey({ keyId: 'k1', secretHash: 'cd', accountId: owner.id, label: '', access: 'write', cidrs: [] }),
        { code: 'Conflict' },
      );
      await store.touchApiKey('k1', 1234);
      assert.equal((await store.getApiKey('k1'))?.lastUsedAt, 1234);
      assert.equal((await store.listApiKeys([owner.id])).length, 1);
      assert.equal((await store.listApiKeys([])).length, 0);
      await store.deleteApiKey('k1');
      assert.equal(await store.getApiKey('k1'), null);
      await assert.rejects(store.deleteApiKey('k1'), { code: 'NotFound' });
    });

    it('a server secret is made once and shared by every node; racing nodes get the first one stored', async () => {
      const peer = await opened.peer();
      const [x, y] = await Promise.all([store.serverSecret('race', 'from-node-1'), peer.serverSecret('race', 'from-node-2')]);
      assert.equal(x, y, 'both nodes hold the same secret');
      assert.ok(x === 'from-node-1' || x === 'from-node-2');
      assert.equal(await store.serverSecret('race', 'a-third-value'), x, 'a later offer does not replace it');
      assert.equal(await peer.serverSecret('other', 'v2'), 'v2', 'names are separate');
    });

    it('a token issued on one node verifies on another; rotation keeps old keys until their tokens expire', async () => {
      const peer = await opened.peer();
      let t = Date.UTC(2026, 0, 1);
      const clock = () => t;
      const node1 = new ApiTokens(store, clock);
      const node2 = new ApiTokens(peer, clock);
      const acct = (await store.getAccount('u02@a.test'))!;
      const first = await node1.issue(acct);
      assert.deepEqual(await node2.verify(first.token), {
        accountId: acct.id,
        passwordFingerprint: (await node1.verify(first.token))!.passwordFingerprint,
        signedInAt: t,
      });
      t += ROTATE_MS + 1000;
      const second = await node2.issue(acct);
      assert.notEqual(second.token.split('.')[0], first.token.split('.')[0], 'a new key id after rotation');
      assert.ok(await node1.verify(second.token), 'the new key verifies on the other node');
      assert.equal(await node1.verify(first.token), null, 'the first token has expired');
      t += TOKEN_TTL_MS * 3;
      await node1.issue(acct);
      assert.ok((await store.listSigningKeys()).length <= 2, 'keys nothing valid needs are gone');
      assert.equal(await node1.verify(second.token.slice(0, -2) + 'xx'), null, 'a forged signature');
      assert.equal(await node1.verify('not.a.token'), null);
    });

    it("records daily usage keeping the day's most users", async () => {
      await store.recordUsage({ domainId: a, day: '2026-11-02', users: 5, storageBytes: 100 });
      await store.recordUsage({ domainId: a, day: '2026-11-02', users: 3, storageBytes: 50 });
      await store.recordUsage({ domainId: a, day: '2026-11-05', users: 7, storageBytes: 70 });
      assert.deepEqual(await store.listUsage(a, '2026-11-01', '2026-11-30'), [
        { domainId: a, day: '2026-11-02', users: 5, storageBytes: 50 },
        { domainId: a, day: '2026-11-05', users: 7, storageBytes: 70 },
      ]);
      assert.equal((await store.usageBefore(a, '2026-11-05'))?.day, '2026-11-02');
      assert.equal(await store.usageBefore(b, '2026-11-05'), null);
    });

    it('audit events carry their domain and are listed by it, newest first, with totals', async () => {
      await store.audit({ actor: 'x', action: 'user.created', target: 'account:u01@a.test', source: null, detail: {} });
      await store.audit({ actor: 'x', action: 'device.wipe.requested', target: 'device:u00@b.test/PHONE', source: null, detail: {} });
      await store.audit({ actor: 'x', action: 'domain.updated', target: 'domain:a.test', source: null, detail: {} });
      const inA = await store.pageAudit({ domain: 'a.test', limit: 10, offset: 0 });
      assert.deepEqual(
        inA.events.map((e) => e.action),
        ['domain.updated', 'user.created'],
      );
      assert.equal(inA.total, 2);
      assert.deepEqual(
        (await store.pageAudit({ domain: 'b.test', limit: 10, offset: 0 })).events.map((e) => e.target),
        ['device:u00@b.test/PHONE'],
      );
      assert.equal((await store.pageAudit({ domain: 'a.test', action: 'user.', limit: 10, offset: 0 })).total, 1);
      assert.equal((await store.pageAudit({ domain: 'a.test', limit: 1, offset: 1 })).events[0].action, 'user.created');
    });
  });
}

describe('auditDomainOf', () => {
  it('reads the domain out of every target form', () => {
    assert.equal(auditDomainOf('domain:A.test'), 'a.test');
    assert.equal(auditDomainOf('account:ann@a.test'), 'a.test');
    assert.equal(auditDomainOf('device:ann@a.test/DEV@1'), 'a.test');
    assert.equal(auditDomainOf('alias:@a.test'), 'a.test');
    assert.equal(auditDomainOf('public-folder:A.test/Sales/Holidays'), 'a.test');
    assert.equal(auditDomainOf('public-folder:a.test/mail for x@b.test'), 'a.test', "a folder name with an '@' stays in its domain");
    assert.equal(auditDomainOf('apikey:abc'), null);
    assert.equal(auditDomainOf('nonsense'), null);
  });
});
