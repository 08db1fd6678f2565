import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cancelWipe, deviceAuditTarget, listDeviceLines, removeDevice, requestWipe, setDeviceAccess } from '../../../src/admin/devices.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import type { Account } from '../../../src/model/types.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const BY = { actor: 'admin@example.test', source: '203.0.113.5' };
const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code && (!message || message.test(e.message)));

for (const factory of await storeFactories()) {

  describe(`device administration (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;

    /** A fresh account with one device (and a sync state for it). */
    async function withDevice(deviceId = 'DEV1') {
      const d = await store.createDomain({ name: `dev${++seq}.example` });
      const account = await store.createAccount({ domainId: d.id, email: `ann@${d.name}` });
      const device = await store.touchDevice({ accountId: account.id, deviceId, deviceType: 'iPhone', protocolVersion: '16.1' });
      await store.putSyncState(device.id, 'folders', '1', { a: 1 });
      return { account, device };
    }
    const current = async (account: Account, deviceId: string) => store.getDevice(account.id, deviceId);
    const actions = async (email: string, deviceId: string) =>
      (await store.listAudit({ target: deviceAuditTarget(email, deviceId) })).map((e) => e.action);

    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    it('lists one line a device: id, type, model, last seen, wipe state, access', async () => {
      const { account, device } = await withDevice();
      await store.updateDevice(device.id, { model: 'iPhone15,2', lastSeen: Date.UTC(2030, 4, 6, 7, 8, 9) });
      await store.touchDevice({ accountId: account.id, deviceId: 'BARE' });
      const lines = await listDeviceLines(store, account.email.toUpperCase());
      assert.equal(lines.length, 2);
      assert.ok(lines.includes('DEV1\tiPhone\tiPhone15,2\t2030-05-06T07:08:09.000Z\tnone\tallowed'), lines.join('\n'));
      assert.ok(lines.some((l) => /^BARE\t-\t-\t\S+\tnone\tallowed$/.test(l)), lines.join('\n'));
      assert.deepEqual(await listDeviceLines(store, (await store.createAccount({ domainId: account.domainId, email: `bob@${account.email.split('@')[1]}` })).email), []);
      await rejects(listDeviceLines(store, 'nobody@nowhere.example'), 'NotFound');
    });

    it('allows or blocks one device by an administrator decision, audited; a wiped device stays blocked', async () => {
      const { account, device } = await withDevice();
      await store.updateDevice(device.id, { access: 'quarantined' });
      const allowed = await setDeviceAccess(store, account.email, 'DEV1', 'allowed', BY);
      assert.deepEqual([allowed.access, allowed.info.accessSource], ['allowed', 'admin']);
      const blocked = await setDeviceAccess(store, account.email, 'DEV1', 'blocked', BY);
      assert.equal(blocked.access, 'blocked');
      assert.deepEqual(await actions(account.email, 'DEV1'), ['device.blocked', 'device.allowed']);
      await store.updateDevice(device.id, { wipeState: 'acknowledged' });
      await rejects(setDeviceAccess(store, account.email, 'DEV1', 'allowed', BY), 'Conflict');
      await rejects(setDeviceAccess(store, account.email, 'NOPE', 'allowed', BY), 'NotFound');
    });

    it('requests a wipe (full and account-only), audited with actor, source and detail', async () => {
      const { account } = await withDevice();
      const full = await requestWipe(store, account.email, 'DEV1', false, BY);
      assert.deepEqual([full.wipeState, full.wipeAccountOnly], ['requested', false]);
      const again = await requestWipe(store, account.email, 'DEV1', true, BY);
      assert.deepEqual([again.wipeState, again.wipeAccountOnly], ['requested', true]);
      const stored = await current(account, 'DEV1');
      assert.deepEqual([stored?.wipeState, stored?.wipeAccountOnly], ['requested', true]);
      assert.match((await listDeviceLines(store, account.email))[0], /\trequested \(account-only\)\tallowed$/);

      const events = (await store.listAudit({ target: deviceAuditTarget(account.email, 'DEV1') }))
        .filter((e) => e.action === 'device.wipe.requested');
      assert.equal(events.length, 2);
      for (const e of events) {
        assert.equal(e.actor, BY.actor);
        assert.equal(e.source, BY.source);
        assert.ok(e.at > 0);
      }
      assert.deepEqual(events.map((e) => e.detail.accountOnly).sort(), [false, true]);
    });

    it('cancels a requested or sent wipe; cancelling nothing is a no-op without an audit event', async () => {
      const { account, device } = await withDevice();
      const untouched = await cancelWipe(store, account.email, 'DEV1', BY);
      assert.equal(untouched.wipeState, 'none');
      assert.deepEqual(await actions(account.email, 'DEV1'), []);

      await requestWipe(store, account.email, 'DEV1', true, BY);
      await store.updateDevice(device.id, { wipeState: 'sent' });
      const cancelled = await cancelWipe(store, account.email, 'DEV1', BY);
      assert.deepEqual([cancelled.wipeState, cancelled.wipeAccountOnly], ['none', false]);
      const e = (await store.listAudit({ target: deviceAuditTarget(account.email, 'DEV1') })).find((x) => x.action === 'device.wipe.cancelled');
      assert.deepEqual(e?.detail, { was: 'sent' });
    });

    it('refuses to wipe again or cancel once the device acknowledged', async () => {
      const { account, device } = await withDevice();
      await store.updateDevice(device.id, { wipeState: 'acknowledged' });
      await rejects(requestWipe(store, account.email, 'DEV1', false, BY), 'Conflict', /already wiped/);
      await rejects(cancelWipe(store, account.email, 'DEV1', BY), 'Conflict', /already wiped/);
      assert.equal((await current(account, 'DEV1'))?.wipeState, 'acknowledged');
      assert.deepEqual(await actions(account.email, 'DEV1'), []);
    });

    it('removes a device and its sync states, audited; a removed device may connect again fresh', async () => {
      const { account, device } = await withDevice();
      await requestWipe(store, account.email, 'DEV1', false, BY);
      await removeDevice(store, account.email, 'DEV1', BY);
      assert.equal(await current(account, 'DEV1'), null);
      assert.equal(await store.getSyncState(device.id, 'folders'), null);
      const e = (await store.listAudit({ target: deviceAuditTarget(account.email, 'DEV1') })).find((x) => x.action === 'device.removed');
      assert.deepEqual(e?.detail, { wipeState: 'requested' });
      const back = await store.touchDevice({ accountId: account.id, deviceId: 'DEV1' });
      assert.equal(back.wipeState, 'none');
      assert.notEqual(back.id, device.id);
    });

    it('answers NotFound for an unknown account or device, and never reaches another account\'s device', async () => {
      const { account } = await withDevice('SHARED-ID');
      const other = await withDevice('OTHER');
      for (const op of [
        () => requestWipe(store, account.email, 'NOPE', false, BY),
        () => cancelWipe(store, account.email, 'NOPE', BY),
        () => removeDevice(store, account.email, 'NOPE', BY),
        () => requestWipe(store, 'nobody@nowhere.example', 'SHARED-ID', false, BY),
        // Another account's device id through this account: not found, not touched.
        () => requestWipe(store, account.email, 'OTHER', false, BY),
        () => removeDevice(store, other.account.email, 'SHARED-ID', BY),
      ]) await rejects(op(), 'NotFound');
      assert.equal((await current(other.account, 'OTHER'))?.wipeState, 'none');
      assert.ok(await current(account, 'SHARED-ID'));
    });
  });
}
