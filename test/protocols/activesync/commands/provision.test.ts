import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { at, makeHarness, policyKeyOf, provisionRequest, TestDevice, type Harness } from '../harness.js';
import { child } from '../../../../protocols/activesync/wbxml/types.js';

describe('Provision (MS-ASPROV)', () => {
  let h: Harness;
  const dev = (id: string, version = '14.1') => new TestDevice(h.app, 'pat@example.com', 'pat-pass-1', id, version);
  before(async () => {
    h = await makeHarness();
    await h.addUser('pat@example.com', 'pat-pass-1');
  });
  after(() => h.close());

  it('runs the two-phase exchange: temporary key, acknowledgement, final key', async () => {
    const d = dev('PROV1');
    const first = await d.send('Provision', provisionRequest(undefined, undefined, []));
    assert.equal(at(first.doc, 'Status'), '1');
    const policy = child(child(first.doc!, 'Policies')!, 'Policy')!;
    assert.equal(at(policy, 'PolicyType'), 'MS-EAS-Provisioning-WBXML');
    assert.equal(at(policy, 'Status'), '1');
    assert.ok(child(child(policy, 'Data')!, 'EASProvisionDoc'));
    const temp = policyKeyOf(first.doc)!;
    const second = await d.send('Provision', provisionRequest(temp, '1'), { headers: { 'x-ms-policykey': temp } });
    const final = policyKeyOf(second.doc)!;
    assert.ok(final && final !== temp && final !== '0');
    const acc = await h.ctx.store.getAccount('pat@example.com');
    const stored = await h.ctx.store.getDevice(acc!.id, 'PROV1');
    assert.equal(stored?.policyKey, final);
    assert.equal(stored?.pendingPolicyKey, null);
    // Same domain, same policy: the same final key for a second device.
    const d2 = dev('PROV1B');
    await d2.provision();
    assert.equal(d2.policyKey, final);
  });

  it('stores DeviceInformation sent inside Provision (14.1+) and answers its Status', async () => {
    const d = dev('PROVINFO');
    await d.provision(true);
    const acc = await h.ctx.store.getAccount('pat@example.com');
    const stored = await h.ctx.store.getDevice(acc!.id, 'PROVINFO');
    assert.equal(stored?.model, 'iPhone15,2');
    assert.equal((stored?.info.deviceInformation as Record<string, string>).FriendlyName, 'Test phone');
  });

  it('refuses an acknowledgement of a key it never gave (Policy Status 5)', async () => {
    const d = dev('PROVBAD');
    await d.send('Provision', provisionRequest());
    const r = await d.send('Provision', provisionRequest('12345', '1'));
    assert.equal(at(child(child(r.doc!, 'Policies')!, 'Policy'), 'Status'), '5');
    const u = await d.send('Provision', provisionRequest());
    assert.equal(at(u.doc, 'Status'), '1');
    const bad = await d.send('Provision', { ns: 'Provision', tag: 'Provision', children: [{ ns: 'Provision', tag: 'Policies', children: [{ ns: 'Provision', tag: 'Policy', children: [{ ns: 'Provision', tag: 'PolicyType', children: [], text: 'MS-WAP-Provisioning-XML' }] }] }] });
    assert.equal(at(child(child(bad.doc!, 'Policies')!, 'Policy'), 'Status'), '3');
  });

  it('12.1: a device that ignores policy gets HTTP 449 until it provisions', async () => {
    const d = dev('OLD121', '12.1');
    assert.equal((await d.folderSync('0')).status, 449);
    d.policyKey = '999';
    assert.equal((await d.folderSync('0')).status, 449);
    await d.provision();
    const ok = await d.folderSync('0');
    assert.equal(ok.status, 200);
    assert.equal(at(ok.doc, 'Status'), '1');
  });

  it('14.x: no key -> 142, a stale key -> 144, in the command status', async () => {
    const d = dev('NEW14', '14.0');
    const none = await d.folderSync('0');
    assert.equal(none.status, 200);
    assert.equal(at(none.doc, 'Status'), '142');
    await d.provision();
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    const stale = await d.send('FolderSync', { ns: 'FolderHierarchy', tag: 'FolderSync', children: [{ ns: 'FolderHierarchy', tag: 'SyncKey', children: [], text: '0' }] }, { headers: { 'x-ms-policykey': '4242' } });
    assert.equal(at(stale.doc, 'Status'), '144');
    const zero = await d.send('Settings', null, { headers: { 'x-ms-policykey': '0' } });
    assert.equal(at(zero.doc, 'Status'), '142');
  });

  it('a policy change makes provisioned devices re-provision (143), and the new key differs', async () => {
    const d = dev('REPROV', '16.1');
    await d.provision();
    const before = d.policyKey;
    const acc = await h.ctx.store.getAccount('pat@example.com');
    const domain = await h.ctx.store.getDomain(acc!.domainId);
    await h.ctx.store.updateDomain(domain!.id, { settings: { ...domain!.settings, activesyncPolicy: { DevicePasswordEnabled: true, MinDevicePasswordLength: 6 } } });
    const r = await d.folderSync('0');
    assert.equal(at(r.doc, 'Status'), '143');
    const d121 = dev('REPROV', '12.1');
    d121.policyKey = before;
    assert.equal((await d121.folderSync('0')).status, 449);
    const first = await d.send('Provision', provisionRequest());
    const doc = child(child(child(child(first.doc!, 'Policies')!, 'Policy')!, 'Data')!, 'EASProvisionDoc')!;
    assert.equal(at(doc, 'DevicePasswordEnabled'), '1');
    assert.equal(at(doc, 'MinDevicePasswordLength'), '6');
    await d.provision();
    assert.notEqual(d.policyKey, before);
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    await h.ctx.store.updateDomain(domain!.id, { settings: { ...domain!.settings, activesyncPolicy: {} } });
  });

  it('a device that cannot apply the policy gets 139 when the domain requires compliance', async () => {
    const acc = await h.ctx.store.getAccount('pat@example.com');
    const domain = await h.ctx.store.getDomain(acc!.domainId);
    await h.ctx.store.updateDomain(domain!.id, { settings: { activesyncPolicy: { allowNonProvisionableDevices: false } } });
    try {
      const d = dev('PARTIAL');
      const first = await d.send('Provision', provisionRequest());
      const r = await d.send('Provision', provisionRequest(policyKeyOf(first.doc)!, '2'));
      assert.equal(at(r.doc, 'Status'), '139');
    } finally {
      await h.ctx.store.updateDomain(domain!.id, { settings: {} });
    }
  });
});
