import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  addAccessRule, domainAuditTarget, listAccessRules, parsePolicyValue, removeAccessRule, setDefaultAccess, setPolicy, showPolicy,
} from '../../../src/admin/device-policy.js';
import { DEFAULT_POLICY, effectivePolicy } from '../../../src/model/device-policy.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const BY = { actor: 'admin@example.test', source: '203.0.113.5' };
const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code && (!message || message.test(e.message)));

describe('policy values (parsePolicyValue)', () => {
  it('parses by the type of the default', () => {
    assert.equal(parsePolicyValue('DevicePasswordEnabled', 'true'), true);
    assert.equal(parsePolicyValue('DevicePasswordEnabled', '0'), false);
    assert.equal(parsePolicyValue('MinDevicePasswordLength', '6'), 6);
    assert.equal(parsePolicyValue('MinDevicePasswordLength', 'none'), null);
    assert.equal(parsePolicyValue('MaxEmailBodyTruncationSize', 'none'), -1);
    assert.equal(parsePolicyValue('DevicePasswordHistory', 'default'), undefined);
    assert.equal(parsePolicyValue('AllowBluetooth', '1'), 1);
    for (const [k, v] of [['DevicePasswordEnabled', 'yes'], ['MinDevicePasswordLength', '-1'], ['MinDevicePasswordLength', '2.5'],
      ['DevicePasswordHistory', 'none'], ['AllowBluetooth', '3'], ['MaxCalendarAgeFilter', '2']]) {
      assert.throws(() => parsePolicyValue(k, v), (e: unknown) => isStoreError(e, 'Invalid') && e.message.includes(k), `${k}=${v}`);
    }
    assert.throws(() => parsePolicyValue('toString', '1'), (e: unknown) => isStoreError(e, 'Invalid') && /toString/.test(e.message));
  });
});

for (const factory of await storeFactories()) {

  describe(`device policy administration (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    const newDomain = async () => store.createDomain({ name: `pol${++seq}.example`, settings: { unrelated: 'kept' } });
    const actions = async (name: string) => (await store.listAudit({ target: domainAuditTarget(name) })).map((e) => e.action);

    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    it('shows the effective policy, marking what the domain sets', async () => {
      const d = await newDomain();
      const all = await showPolicy(store, d.name);
      assert.deepEqual(all.map((e) => e.key), Object.keys(DEFAULT_POLICY));
      assert.ok(all.every((e) => !e.set && e.value === e.default));
      await setPolicy(store, d.name.toUpperCase(), { MinDevicePasswordLength: '6', DevicePasswordEnabled: 'true' }, BY);
      const shown = Object.fromEntries((await showPolicy(store, d.name)).map((e) => [e.key, e]));
      assert.deepEqual([shown.MinDevicePasswordLength.value, shown.MinDevicePasswordLength.set], [6, true]);
      assert.deepEqual([shown.DevicePasswordEnabled.value, shown.DevicePasswordEnabled.set], [true, true]);
      assert.deepEqual([shown.AllowCamera.value, shown.AllowCamera.set], [true, false]);
      await rejects(showPolicy(store, 'nowhere.example'), 'NotFound');
    });

    it('sets, resets and audits policy values; other settings are kept', async () => {
      const d = await newDomain();
      const changes = await setPolicy(store, d.name, { MinDevicePasswordLength: '6', DevicePasswordEnabled: '1', AllowCamera: 'true' }, BY);
      assert.deepEqual(changes, { MinDevicePasswordLength: [null, 6], DevicePasswordEnabled: [false, true] });
      let stored = (await store.getDomain(d.id))!;
      assert.equal(stored.settings.unrelated, 'kept');
      assert.deepEqual(stored.settings.activesyncPolicy, { MinDevicePasswordLength: 6, DevicePasswordEnabled: true, AllowCamera: true });
      assert.equal(effectivePolicy(stored).MinDevicePasswordLength, 6);
      await setPolicy(store, d.name, { MinDevicePasswordLength: 'none', AllowCamera: 'default' }, BY);
      stored = (await store.getDomain(d.id))!;
      assert.deepEqual(stored.settings.activesyncPolicy, { MinDevicePasswordLength: null, DevicePasswordEnabled: true });
      const events = await store.listAudit({ target: domainAuditTarget(d.name) });
      assert.deepEqual(events.map((e) => e.action), ['domain.policy.set', 'domain.policy.set']);
      assert.ok(events.every((e) => e.actor === BY.actor && e.source === BY.source));
    });

    it('refuses an unknown key or a bad value, naming it, and changes nothing', async () => {
      const d = await newDomain();
      await rejects(setPolicy(store, d.name, { MinDevicePasswordLength: '6', NoSuchKey: '1' }, BY), 'Invalid', /NoSuchKey/);
      await rejects(setPolicy(store, d.name, { MinDevicePasswordLength: 'six' }, BY), 'Invalid', /MinDevicePasswordLength/);
      await rejects(setPolicy(store, d.name, {}, BY), 'Invalid');
      await rejects(setPolicy(store, 'nowhere.example', { AllowCamera: 'false' }, BY), 'NotFound');
      assert.equal((await store.getDomain(d.id))!.settings.activesyncPolicy, undefined);
      assert.deepEqual(await actions(d.name), []);
    });

    it('adds, lists and removes access rules and sets the default, audited', async () => {
      const d = await newDomain();
      assert.deepEqual(await listAccessRules(store, d.name), { default: 'allowed', rules: [] });
      await addAccessRule(store, d.name, 'deviceType', 'Android*', 'blocked', BY);
      await addAccessRule(store, d.name, 'model', ' SM-* ', 'quarantined', BY);
      const r = await addAccessRule(store, d.name, 'userAgent', '*Outlook*', 'allowed', BY);
      assert.deepEqual(r.rules.map((x) => [x.field, x.pattern, x.access]),
        [['deviceType', 'Android*', 'blocked'], ['model', 'SM-*', 'quarantined'], ['userAgent', '*Outlook*', 'allowed']]);
      await setDefaultAccess(store, d.name, 'quarantined', BY);
      const after = await removeAccessRule(store, d.name, 2, BY);
      assert.deepEqual(after, { default: 'quarantined', rules: [
        { field: 'deviceType', pattern: 'Android*', access: 'blocked' }, { field: 'userAgent', pattern: '*Outlook*', access: 'allowed' }] });
      assert.deepEqual(await listAccessRules(store, d.name), after);
      assert.equal((await store.getDomain(d.id))!.settings.unrelated, 'kept');
      assert.deepEqual((await actions(d.name)).sort(), ['domain.access.default', 'domain.access.rule.added', 'domain.access.rule.added',
        'domain.access.rule.added', 'domain.access.rule.removed']);
    });

    it('refuses bad rules, indexes and access values', async () => {
      const d = await newDomain();
      await addAccessRule(store, d.name, 'deviceType', 'X*', 'blocked', BY);
      await rejects(addAccessRule(store, d.name, 'os', 'X*', 'blocked', BY), 'Invalid', /field/);
      await rejects(addAccessRule(store, d.name, 'model', '  ', 'blocked', BY), 'Invalid', /pattern/);
      await rejects(addAccessRule(store, d.name, 'model', 'X', 'denied', BY), 'Invalid', /denied/);
      await rejects(setDefaultAccess(store, d.name, 'maybe', BY), 'Invalid', /maybe/);
      for (const n of [0, 2, 1.5]) await rejects(removeAccessRule(store, d.name, n, BY), 'NotFound');
      await rejects(listAccessRules(store, 'nowhere.example'), 'NotFound');
      assert.equal((await listAccessRules(store, d.name)).rules.length, 1);
      assert.deepEqual(await actions(d.name), ['domain.access.rule.added']);
    });
  });
}
