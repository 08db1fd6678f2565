/**
 * The quarantine notice: a phone quarantined by the domain's access rules (over the wire) or by an
 * administrator (src/admin/devices.ts) brings one message to its user and to the domain's
 * administrators, delivered locally; staying quarantined brings no second one; a new quarantine does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { at, makeHarness, TestDevice, type Harness } from './harness.js';
import { activesyncPlugin } from '../../../protocols/activesync/plugin.js';
import { setDeviceAccess } from '../../../src/admin/devices.js';

describe('quarantine notice', () => {
  let h: Harness;
  let app: ReturnType<typeof Fastify>;
  before(async () => {
    h = await makeHarness();
    await h.addUser('kim@quar.test', 'kim-pass-1');
    const boss = await h.addUser('boss@quar.test', 'boss-pass-1');
    await h.addUser('other@quar.test', 'other-pass-1');
    const d = await h.domain('quar.test');
    await h.ctx.store.updateAccount(boss.id, { adminDomains: [d.id] });
    await h.ctx.store.updateDomain(d.id, { settings: { activesyncAccessRules: { default: 'allowed', rules: [
      { field: 'userAgent', pattern: '*Quarantine*', access: 'quarantined' },
    ] } } });
    app = Fastify();
    await app.register(activesyncPlugin, { ctx: h.ctx });
    await app.ready();
  });
  after(async () => { await app.close(); await h.close(); });

  const notices = async (email: string) => {
    const a = (await h.ctx.store.getAccount(email))!;
    const inbox = (await h.ctx.store.findFolderByRole(a.id, 'inbox'))!;
    return (await h.ctx.store.listMessages(inbox.id)).filter((m) => m.parsed.subject.startsWith('Device quarantined'));
  };

  it('one notice to the user and the domain administrators per quarantine, none to others', async () => {
    const d = new TestDevice(app, 'kim@quar.test', 'kim-pass-1', 'QNOTE1', '14.1', 'iPhone', 'Quarantine-Me/1.0');
    await d.provision();
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '129');
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '129');
    const kim = await notices('kim@quar.test');
    assert.equal(kim.length, 1, 'one notice however many requests the quarantined phone makes');
    assert.equal((await notices('boss@quar.test')).length, 1, 'the domain administrator is told');
    assert.equal((await notices('other@quar.test')).length, 0);
    assert.match(kim[0].parsed.subject, /iPhone of kim@quar\.test/);
    const bytes = (await h.ctx.store.readMessageBytes(kim[0].itemId))!.toString('utf8');
    assert.match(bytes, /Device ID: QNOTE1/);
    assert.match(bytes, /Auto-Submitted: auto-generated/);

    // An administrator lets it in, later quarantines it again: a second notice.
    const by = { actor: 'boss@quar.test', source: 'test' };
    await setDeviceAccess(h.ctx.store, 'kim@quar.test', 'QNOTE1', 'allowed', by as never);
    assert.equal((await notices('kim@quar.test')).length, 1);
    // What the phone told about itself (Settings DeviceInformation) cannot add header fields.
    const acc = (await h.ctx.store.getAccount('kim@quar.test'))!;
    const dev = (await h.ctx.store.getDevice(acc.id, 'QNOTE1'))!;
    await h.ctx.store.updateDevice(dev.id, { model: 'Phone\r\nBcc: x@evil.test' });
    await setDeviceAccess(h.ctx.store, 'kim@quar.test', 'QNOTE1', 'quarantined', by as never);
    await setDeviceAccess(h.ctx.store, 'kim@quar.test', 'QNOTE1', 'quarantined', by as never);
    assert.equal((await notices('kim@quar.test')).length, 2, 'a new quarantine, one new notice');
    assert.equal((await notices('boss@quar.test')).length, 2);
    const second = (await notices('kim@quar.test')).map((m) => m.itemId).sort((a, b) => a - b)[1];
    const secondBytes = (await h.ctx.store.readMessageBytes(second))!.toString('utf8');
    assert.doesNotMatch(secondBytes, /^Bcc:/m);
    assert.match(secondBytes, /Phone Bcc: x@evil\.test/);
  });
});
