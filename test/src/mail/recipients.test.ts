/** Recipient resolution (src/mail/recipients.ts) on both store backends. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import { resolveRecipient } from '../../../src/mail/recipients.js';
import type { Store } from '../../../src/store/store.js';

for (const factory of await storeFactories()) {
  describe(`resolveRecipient (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let s: Store;
    const emails = async (address: string) => {
      const r = await resolveRecipient(s, address);
      return r.kind === 'local' ? { kind: r.kind, mailboxes: r.mailboxes.map((m) => m.email).sort(), remote: r.remote } : { kind: r.kind };
    };
    before(async () => {
      opened = await factory.open();
      s = opened.store;
      const d = await s.createDomain({ name: 'r.test' });
      await s.createDomain({ name: 'other.test' });
      for (const u of ['ann', 'bob', 'cy']) await s.createAccount({ domainId: d.id, email: `${u}@r.test` });
      await s.createAccount({ domainId: d.id, email: 'room@r.test', kind: 'resource' });
      const off = await s.createAccount({ domainId: d.id, email: 'off@r.test' });
      await s.updateAccount(off.id, { disabled: true });
      const g = await s.createAccount({ domainId: d.id, email: 'g@r.test', kind: 'group' });
      const inner = await s.createAccount({ domainId: d.id, email: 'inner@r.test', kind: 'group' });
      await s.addGroupMember(g.id, inner.id);
      await s.addGroupMember(g.id, (await s.getAccount('ann@r.test'))!.id);
      await s.addGroupMember(inner.id, (await s.getAccount('bob@r.test'))!.id);
      await s.setAlias('a1@r.test', ['a2@r.test', 'ann@r.test']);
      await s.setAlias('a2@r.test', ['a1@r.test', 'g@r.test']);
      await s.setAlias('out@r.test', ['ann@r.test', 'x@elsewhere.example']);
      await s.setAlias('typo@r.test', ['nobody@r.test']);
      // a chain 12 deep: past the depth limit
      for (let i = 0; i < 12; i++) await s.setAlias(`c${i}@r.test`, [`c${i + 1}@r.test`]);
      await s.setAlias('c12@r.test', ['ann@r.test']);
    });
    after(() => opened.dispose());

    test('users, case-insensitive', async () => {
      assert.deepEqual(await emails('ANN@R.test'), { kind: 'local', mailboxes: ['ann@r.test'], remote: [] });
    });
    test('unknown, disabled and resource accounts are unknown; other domains remote', async () => {
      for (const a of ['zed@r.test', 'off@r.test', 'room@r.test', 'typo@r.test']) assert.equal((await emails(a)).kind, 'unknown', a);
      assert.equal((await emails('x@nowhere.example')).kind, 'remote');
    });
    test('alias loops end; nested groups expand; each mailbox once', async () => {
      assert.deepEqual(await emails('a1@r.test'), { kind: 'local', mailboxes: ['ann@r.test', 'bob@r.test'], remote: [] });
    });
    test('off-site targets are reported as remote', async () => {
      assert.deepEqual(await emails('out@r.test'), { kind: 'local', mailboxes: ['ann@r.test'], remote: ['x@elsewhere.example'] });
    });
    test('a chain deeper than the limit is too complex', async () => {
      assert.equal((await emails('c0@r.test')).kind, 'too-complex');
      assert.equal((await emails('c5@r.test')).kind, 'local');
    });
    test('the catch-all applies to the address written, not to alias targets', async () => {
      await s.setAlias('@r.test', ['cy@r.test']);
      assert.deepEqual(await emails('anything@r.test'), { kind: 'local', mailboxes: ['cy@r.test'], remote: [] });
      assert.equal((await emails('typo@r.test')).kind, 'unknown');
      assert.deepEqual(await emails('ann@r.test'), { kind: 'local', mailboxes: ['ann@r.test'], remote: [] });
    });
  });
}
