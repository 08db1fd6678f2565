import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { at, makeHarness, TestDevice, type Harness } from './harness.js';
import { cancelWipe, listDeviceLines, removeDevice, requestWipe } from '../../../protocols/activesync/wipe.js';
import { child, el } from '../../../protocols/activesync/wbxml/types.js';

const by = { actor: 'admin@example.com', source: 'cli' };
const ack = (tag = 'RemoteWipe') => el('Provision', 'Provision', [el('Provision', tag, [el('Provision', 'Status', '1')])]);

describe('remote wipe', () => {
  let h: Harness;
  const dev = (id: string, version = '14.1') => new TestDevice(h.app, 'wes@example.com', 'wes-pass-1', id, version);
  before(async () => {
    h = await makeHarness();
    await h.addUser('wes@example.com', 'wes-pass-1');
  });
  after(() => h.close());

  it('requested -> told on next request (140) -> RemoteWipe in Provision (sent) -> acknowledged -> blocked', async () => {
    const d = dev('WIPE1');
    await d.provision();
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    await requestWipe(h.ctx.store, 'wes@example.com', 'WIPE1', false, by);

    const told = await d.folderSync('0');
    assert.equal(told.status, 200);
    assert.equal(at(told.doc, 'Status'), '140');

    const p = await d.send('Provision', el('Provision', 'Provision', [el('Provision', 'Policies', [el('Provision', 'Policy', [el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML')])])]));
    assert.equal(at(p.doc, 'Status'), '1');
    assert.ok(child(p.doc!, 'RemoteWipe'));
    const acc = await h.ctx.store.getAccount('wes@example.com');
    assert.equal((await h.ctx.store.getDevice(acc!.id, 'WIPE1'))?.wipeState, 'sent');

    const a = await d.send('Provision', ack());
    assert.equal(at(a.doc, 'Status'), '1');
    const wiped = await h.ctx.store.getDevice(acc!.id, 'WIPE1');
    assert.equal(wiped?.wipeState, 'acknowledged');
    assert.equal(wiped?.access, 'blocked');

    // Blocked from now on, Provision included.
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '129');
    assert.equal(at((await d.send('Provision', ack())).doc, 'Status'), '129');
    assert.equal((await dev('WIPE1', '12.1').folderSync('0')).status, 403);

    const actions = (await h.ctx.store.listAudit({ target: 'device:wes@example.com/WIPE1' })).map((e) => e.action).sort();
    assert.deepEqual(actions, ['device.wipe.acknowledged', 'device.wipe.requested', 'device.wipe.sent']);
    assert.match((await listDeviceLines(h.ctx.store, 'wes@example.com')).join('\n'), /WIPE1\tiPhone\t.*\tacknowledged\tblocked/);

    // Until an administrator removes it: then it is a new device.
    await removeDevice(h.ctx.store, 'wes@example.com', 'WIPE1', by);
    assert.equal(await h.ctx.store.getDevice(acc!.id, 'WIPE1'), null);
    const again = dev('WIPE1');
    assert.equal(at((await again.folderSync('0')).doc, 'Status'), '142');
  });

  it('12.1 is told with HTTP 449; a 16.1 account-only wipe answers AccountOnlyRemoteWipe', async () => {
    const old = dev('WIPE121', '12.1');
    await old.provision();
    await requestWipe(h.ctx.store, 'wes@example.com', 'WIPE121', true, by);
    assert.equal((await old.folderSync('0')).status, 449);
    const p = await old.send('Provision', el('Provision', 'Provision', [el('Provision', 'Policies', [el('Provision', 'Policy', [el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML')])])]));
    assert.ok(child(p.doc!, 'RemoteWipe'), 'account-only is a 16.1 feature: older versions get a full wipe');

    const d = dev('WIPE161', '16.1');
    await d.provision();
    await requestWipe(h.ctx.store, 'wes@example.com', 'WIPE161', true, by);
    const p2 = await d.send('Provision', el('Provision', 'Provision', [el('Provision', 'Policies', [el('Provision', 'Policy', [el('Provision', 'PolicyType', 'MS-EAS-Provisioning-WBXML')])])]));
    assert.ok(child(p2.doc!, 'AccountOnlyRemoteWipe'));
    await d.send('Provision', ack('AccountOnlyRemoteWipe'));
    const acc = await h.ctx.store.getAccount('wes@example.com');
    assert.equal((await h.ctx.store.getDevice(acc!.id, 'WIPE161'))?.wipeState, 'acknowledged');
  });

  it('a cancelled wipe lets the device sync again', async () => {
    const d = dev('WIPECANCEL');
    await d.provision();
    await requestWipe(h.ctx.store, 'wes@example.com', 'WIPECANCEL', false, by);
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '140');
    await cancelWipe(h.ctx.store, 'wes@example.com', 'WIPECANCEL', by);
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    await assert.rejects(requestWipe(h.ctx.store, 'wes@example.com', 'NOSUCH', false, by), /not found/);
  });
});
