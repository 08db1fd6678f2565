import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { at, makeHarness, TestDevice, type Harness } from './harness.js';
import { activesyncPlugin } from '../../../protocols/activesync/plugin.js';
import { el } from '../../../protocols/activesync/wbxml/types.js';
import type { CommandHandler } from '../../../protocols/activesync/commands/types.js';

/** A stand-in for a Sync-like command: registered through the plugin's `commands` option. */
const probe: CommandHandler = {
  name: 'Sync', needsProvisioning: true, root: { ns: 'AirSync', tag: 'Sync' }, body: 'wbxml', emptyBodyAllowed: true,
  async handle() { return { kind: 'wbxml', body: el('AirSync', 'Sync', [el('AirSync', 'Status', '1')]) }; },
};

describe('device access rules (allow / block / quarantine)', () => {
  let h: Harness;
  let app: ReturnType<typeof Fastify>;
  before(async () => {
    h = await makeHarness();
    await h.addUser('abq@rules.test', 'abq-pass-1');
    const d = await h.domain('rules.test');
    await h.ctx.store.updateDomain(d.id, { settings: { activesyncAccessRules: { default: 'allowed', rules: [
      { field: 'deviceType', pattern: 'BadPhone*', access: 'blocked' },
      { field: 'model', pattern: 'Suspicious*', access: 'quarantined' },
      { field: 'userAgent', pattern: '*Quarantine*', access: 'quarantined' },
    ] } } });
    app = Fastify();
    await app.register(activesyncPlugin, { ctx: h.ctx, commands: [probe] });
    await app.ready();
  });
  after(async () => { await app.close(); await h.close(); });

  it('lists a command registered from outside in OPTIONS', async () => {
    const r = await app.inject({ method: 'OPTIONS', url: '/Microsoft-Server-ActiveSync', headers: { authorization: 'Basic ' + Buffer.from('abq@rules.test:abq-pass-1').toString('base64') } });
    assert.ok(String(r.headers['ms-asprotocolcommands']).split(',').includes('Sync'));
  });

  it('blocks by device type: 403 for 12.1, Status 129 for 14.0+, even Provision', async () => {
    const d = new TestDevice(app, 'abq@rules.test', 'abq-pass-1', 'BLK1', '14.1', 'BadPhoneX');
    assert.equal(at((await d.send('Provision', el('Provision', 'Provision', []))).doc, 'Status'), '129');
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '129');
    const old = new TestDevice(app, 'abq@rules.test', 'abq-pass-1', 'BLK2', '12.1', 'BadPhoneX');
    assert.equal((await old.folderSync('0')).status, 403);
  });

  it('quarantines by user agent: Provision, FolderSync and Settings work, Sync gets 129', async () => {
    const d = new TestDevice(app, 'abq@rules.test', 'abq-pass-1', 'QUA1', '14.1', 'iPhone', 'Quarantine-Me/1.0');
    await d.provision();
    assert.ok(d.policyKey);
    assert.equal(at((await d.folderSync('0')).doc, 'Status'), '1');
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '129');
    const acc = await h.ctx.store.getAccount('abq@rules.test');
    assert.equal((await h.ctx.store.getDevice(acc!.id, 'QUA1'))?.access, 'quarantined');
    // An administrator's decision overrides the rules.
    const dev = (await h.ctx.store.getDevice(acc!.id, 'QUA1'))!;
    await h.ctx.store.updateDevice(dev.id, { access: 'allowed', info: { ...dev.info, accessSource: 'admin' } });
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '1');
  });

  it('quarantines by model once the device tells it (Settings DeviceInformation)', async () => {
    const d = new TestDevice(app, 'abq@rules.test', 'abq-pass-1', 'QUA2', '14.0', 'Android');
    await d.provision();
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '1');
    await d.send('Settings', el('Settings', 'Settings', [el('Settings', 'DeviceInformation', [el('Settings', 'Set', [el('Settings', 'Model', 'SuspiciousModel 3')])])]));
    assert.equal(at((await d.send('Sync', null)).doc, 'Status'), '129');
  });
});
