/**
 * The request pipeline (protocols/activesync/request.ts, issue 9.4): it checks the root element
 * and catches errors for every command, answering in the command's declared statuses, so that
 * command modules hold no such checks of their own.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, el } from '../../../protocols/activesync/wbxml/types.js';
import Fastify from 'fastify';
import { StoreError } from '../../../src/store/errors.js';
import { folderCreate } from '../../../protocols/activesync/commands/folder-create.js';
import { activesyncPlugin } from '../../../protocols/activesync/plugin.js';
import type { WbxmlCommand } from '../../../protocols/activesync/commands/types.js';
import { makeHarness, TestDevice, type Harness } from './harness.js';

describe('ActiveSync request pipeline: root element and errors', () => {
  let h: Harness;
  let d: TestDevice;
  before(async () => {
    h = await makeHarness();
    await h.addUser('pipe@example.com', 'pipe-pass-1');
    d = new TestDevice(h.app, 'pipe@example.com', 'pipe-pass-1', 'PIPE1');
    await d.provision();
  });
  after(() => h.close());

  // A request with another command's root gets this command's malformed-request Status.
  const cases: Array<[cmd: string, root: string, status: string]> = [
    ['FolderSync', 'FolderHierarchy', '10'], ['FolderCreate', 'FolderHierarchy', '10'], ['FolderUpdate', 'FolderHierarchy', '10'],
    ['FolderDelete', 'FolderHierarchy', '10'], ['Provision', 'Provision', '2'], ['Settings', 'Settings', '2'],
    ['Sync', 'AirSync', '4'], ['Ping', 'Ping', '4'], ['MoveItems', 'Move', '5'],
  ];
  for (const [cmd, ns, status] of cases) {
    it(`${cmd} with a foreign root element answers <${cmd}><Status>${status}`, async () => {
      const r = await d.send(cmd, el('GetItemEstimate', 'GetItemEstimate', [el('GetItemEstimate', 'Collections')]));
      assert.equal(r.status, 200);
      assert.equal(r.doc?.ns, ns);
      assert.equal(r.doc?.tag, cmd);
      assert.equal(childText(r.doc!, 'Status', ns), status);
    });
  }

  it('GetItemEstimate with a foreign root answers Status 2 in a Response', async () => {
    const r = await d.send('GetItemEstimate', el('Ping', 'Ping', [el('Ping', 'HeartbeatInterval', '60')]));
    assert.equal(r.doc?.tag, 'GetItemEstimate');
    assert.equal(childText(child(r.doc!, 'Response')!, 'Status'), '2');
  });

  it('what a handler throws becomes its declared status, or 110 / HTTP 500', async () => {
    // Replacements of two built-in commands whose handlers fail.
    const failing: WbxmlCommand = { ...folderCreate, async handle() { throw new StoreError('Conflict', 'taken'); } };
    const crash: WbxmlCommand = { name: 'Settings', needsProvisioning: false, root: { ns: 'Settings', tag: 'Settings' }, body: 'wbxml',
      async handle() { throw new Error('boom'); } };
    const app = Fastify({ logger: false });
    await app.register(activesyncPlugin, { ctx: h.ctx, commands: [failing, crash] });
    await app.ready();
    try {
      const phone = new TestDevice(app, 'pipe@example.com', 'pipe-pass-1', 'PIPE1');
      phone.policyKey = d.policyKey;
      const created = await phone.send('FolderCreate', el('FolderHierarchy', 'FolderCreate', [
        el('FolderHierarchy', 'SyncKey', '1'), el('FolderHierarchy', 'ParentId', '0'), el('FolderHierarchy', 'DisplayName', 'X'), el('FolderHierarchy', 'Type', '12'),
      ]));
      // Conflict from the store -> FolderCreate Status 2 (errors.ts folderStatusOf).
      assert.equal(childText(created.doc!, 'Status', 'FolderHierarchy'), '2');
      const crashed = await phone.send('Settings', el('Settings', 'Settings', [el('Settings', 'UserInformation', [el('Settings', 'Get')])]));
      assert.equal(childText(crashed.doc!, 'Status', 'Settings'), '110');
      const old = new TestDevice(app, 'pipe@example.com', 'pipe-pass-1', 'PIPE1', '12.1');
      old.policyKey = d.policyKey;
      const crashed12 = await old.send('Settings', el('Settings', 'Settings', [el('Settings', 'UserInformation', [el('Settings', 'Get')])]));
      assert.equal(crashed12.status, 500);
    } finally {
      await app.close();
    }
  });
});
