import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { at, makeHarness, provisionRequest, TestDevice, type Harness } from './harness.js';
import { child, el } from '../../../protocols/activesync/wbxml/types.js';
import { addAccessRule, setPolicy } from '../../../src/admin/device-policy.js';

const BY = { actor: 'admin@adm.test', source: 'test' };

/** The administration functions (src/admin/device-policy.ts), seen on the wire. */
describe('device policy and access rules set by an administrator', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('ann@adm.test', 'ann-pass-12');
  });
  after(() => h.close());

  it('setPolicy makes a provisioned device re-provision and its new EASProvisionDoc carries the policy', async () => {
    const d = new TestDevice(h.app, 'ann@adm.test', 'ann-pass-12', 'ADMPOL1', '14.1');
    await d.provision();
    const before = d.policyKey;
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    await setPolicy(h.ctx.store, 'adm.test', { MinDevicePasswordLength: '6', DevicePasswordEnabled: 'true' }, BY);
    assert.ok(['142', '143'].includes(at((await d.folderSync('0')).doc, 'Status')!));
    const first = await d.send('Provision', provisionRequest());
    const doc = child(child(child(child(first.doc!, 'Policies')!, 'Policy')!, 'Data')!, 'EASProvisionDoc')!;
    assert.equal(at(doc, 'MinDevicePasswordLength'), '6');
    assert.equal(at(doc, 'DevicePasswordEnabled'), '1');
    await d.provision();
    assert.notEqual(d.policyKey, before);
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
  });

  it('addAccessRule(deviceType Android* blocked) blocks an Android device: 129 for 14.x, 403 for 12.1', async () => {
    const android = new TestDevice(h.app, 'ann@adm.test', 'ann-pass-12', 'ADMAND1', '14.1', 'Android', 'Android-Mail/1.0');
    await android.provision();
    assert.equal(at((await android.folderSync('0')).doc, 'Status'), '1');
    await addAccessRule(h.ctx.store, 'adm.test', 'deviceType', 'Android*', 'blocked', BY);
    assert.equal(at((await android.folderSync('0')).doc, 'Status'), '129');
    assert.equal(at((await android.send('Provision', el('Provision', 'Provision', []))).doc, 'Status'), '129');
    const old = new TestDevice(h.app, 'ann@adm.test', 'ann-pass-12', 'ADMAND2', '12.1', 'AndroidTablet');
    assert.equal((await old.folderSync('0')).status, 403);
    const iphone = new TestDevice(h.app, 'ann@adm.test', 'ann-pass-12', 'ADMIPH1', '14.1');
    await iphone.provision();
    assert.equal(at((await iphone.folderSync('0')).doc, 'Status'), '1');
  });
});
