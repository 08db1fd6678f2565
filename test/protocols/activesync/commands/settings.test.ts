import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { at, makeHarness, TestDevice, type Harness } from '../harness.js';
import { child, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import type { OofSetting } from '../../../../src/model/types.js';

const S = 'Settings';
const settings = (...parts: WbxmlElement[]) => el(S, 'Settings', parts);

describe('Settings', () => {
  let h: Harness;
  let accountId: number;
  const dev = async (id: string, version = '14.1') => {
    const d = new TestDevice(h.app, 'sam@example.com', 'sam-pass-1', id, version);
    await d.provision();
    return d;
  };
  before(async () => {
    h = await makeHarness();
    accountId = (await h.addUser('sam@example.com', 'sam-pass-1', 'Sam Sample')).id;
    await h.ctx.store.setAlias('s.sample@example.com', ['sam@example.com']);
    await h.ctx.store.setAlias('team@example.com', ['someone@example.com']);
  });
  after(() => h.close());

  it('sets and gets out-of-office, stored for the mail pipeline', async () => {
    const d = await dev('SET1');
    const set = await d.send('Settings', settings(el(S, 'Oof', [el(S, 'Set', [
      el(S, 'OofState', '2'), el(S, 'StartTime', '2030-01-01T00:00:00.000Z'), el(S, 'EndTime', '2030-01-10T00:00:00.000Z'),
      el(S, 'OofMessage', [el(S, 'AppliesToInternal'), el(S, 'Enabled', '1'), el(S, 'ReplyMessage', 'Away <until> the 10th'), el(S, 'BodyType', 'Text')]),
      el(S, 'OofMessage', [el(S, 'AppliesToExternalUnknown'), el(S, 'Enabled', '0'), el(S, 'ReplyMessage', 'Out'), el(S, 'BodyType', 'Text')]),
    ])])));
    assert.equal(at(set.doc, 'Status'), '1');
    assert.equal(at(child(set.doc!, 'Oof'), 'Status'), '1');
    const stored = await h.ctx.store.getSetting<OofSetting>(accountId, 'oof');
    assert.equal(stored?.state, 2);
    assert.equal(stored?.start, Date.parse('2030-01-01T00:00:00Z'));
    assert.equal(stored?.internal?.message, 'Away <until> the 10th');
    assert.equal(stored?.externalUnknown?.enabled, false);

    const get = await d.send('Settings', settings(el(S, 'Oof', [el(S, 'Get', [el(S, 'BodyType', 'HTML')])])));
    const g = child(child(get.doc!, 'Oof')!, 'Get')!;
    assert.equal(at(g, 'OofState'), '2');
    assert.equal(at(g, 'StartTime'), '2030-01-01T00:00:00.000Z');
    const msgs = children(g, 'OofMessage');
    assert.equal(msgs.length, 2);
    assert.ok(child(msgs[0], 'AppliesToInternal'));
    assert.equal(at(msgs[0], 'ReplyMessage'), 'Away &lt;until&gt; the 10th');
    assert.equal(at(msgs[0], 'BodyType'), 'HTML');

    const bad = await d.send('Settings', settings(el(S, 'Oof', [el(S, 'Set', [el(S, 'OofState', '2'), el(S, 'StartTime', 'soon')])])));
    assert.equal(at(child(bad.doc!, 'Oof'), 'Status'), '5');
  });

  it('an HTML out-of-office of unclosed tags read as text does not stall the event loop (was quadratic)', async () => {
    const d = await dev('SETHTML');
    const hostile = '<'.repeat(64 * 1024);
    const set = await d.send('Settings', settings(el(S, 'Oof', [el(S, 'Set', [
      el(S, 'OofState', '1'),
      el(S, 'OofMessage', [el(S, 'AppliesToInternal'), el(S, 'Enabled', '1'), el(S, 'ReplyMessage', hostile), el(S, 'BodyType', 'HTML')]),
    ])])));
    assert.equal(at(child(set.doc!, 'Oof'), 'Status'), '1');
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const get = await d.send('Settings', settings(el(S, 'Oof', [el(S, 'Get', [el(S, 'BodyType', 'Text')])])));
    await new Promise((resolve) => setImmediate(resolve));
    histogram.disable();
    const msg = children(child(child(get.doc!, 'Oof')!, 'Get')!, 'OofMessage')[0];
    assert.equal(at(msg, 'ReplyMessage'), hostile);
    assert.ok(histogram.max / 1e6 < 2000, `event loop blocked for ${Math.round(histogram.max / 1e6)} ms`);
  });

  it('stores DeviceInformation in the device record', async () => {
    const d = await dev('SET2', '14.0');
    const r = await d.send('Settings', settings(el(S, 'DeviceInformation', [el(S, 'Set', [
      el(S, 'Model', 'Pixel 8'), el(S, 'IMEI', '3550000000'), el(S, 'FriendlyName', 'Work'), el(S, 'OS', 'Android 14'),
      el(S, 'OSLanguage', 'English'), el(S, 'PhoneNumber', '+100'), el(S, 'UserAgent', 'Android-Mail/2024'), el(S, 'MobileOperator', 'Op'),
    ])])));
    assert.equal(at(child(r.doc!, 'DeviceInformation'), 'Status'), '1');
    const stored = await h.ctx.store.getDevice(accountId, 'SET2');
    assert.equal(stored?.model, 'Pixel 8');
    assert.equal((stored?.info.deviceInformation as Record<string, string>).OS, 'Android 14');
  });

  it('answers UserInformation with the primary address and its aliases, in the 14.1 Accounts form', async () => {
    const d141 = await dev('SET3');
    const r = await d141.send('Settings', settings(el(S, 'UserInformation', [el(S, 'Get')])));
    const account = child(child(child(child(r.doc!, 'UserInformation')!, 'Get')!, 'Accounts')!, 'Account')!;
    assert.equal(at(account, 'UserDisplayName'), 'Sam Sample');
    const addrs = child(account, 'EmailAddresses')!;
    assert.deepEqual(children(addrs, 'SmtpAddress').map((e) => e.text), ['sam@example.com', 's.sample@example.com']);
    assert.equal(at(addrs, 'PrimarySmtpAddress'), 'sam@example.com');

    const d140 = await dev('SET4', '14.0');
    const r2 = await d140.send('Settings', settings(el(S, 'UserInformation', [el(S, 'Get')])));
    const list = child(child(child(r2.doc!, 'UserInformation')!, 'Get')!, 'EmailAddresses')!;
    assert.deepEqual(children(list, 'SmtpAddress').map((e) => e.text), ['sam@example.com', 's.sample@example.com']);
  });

  it('acknowledges DevicePassword (kept only with password recovery) and answers empty rights management', async () => {
    const d = await dev('SET5');
    const r = await d.send('Settings', settings(
      el(S, 'DevicePassword', [el(S, 'Set', [el(S, 'Password', 'recover-me')])]),
      el(S, 'RightsManagementInformation', [el(S, 'Get')]),
    ));
    assert.equal(at(r.doc, 'Status'), '1');
    assert.equal(at(child(r.doc!, 'DevicePassword'), 'Status'), '1');
    assert.equal(at(child(r.doc!, 'RightsManagementInformation'), 'Status'), '1');
    assert.equal(await h.ctx.store.getSetting(accountId, 'activesync.recoveryPassword.SET5'), null);
    const bad = await d.send('Settings', settings(el(S, 'Oof')));
    assert.equal(at(child(bad.doc!, 'Oof'), 'Status'), '2');
    const wrongRoot = await d.send('Settings', el('FolderHierarchy', 'FolderSync', []));
    assert.equal(at(wrongRoot.doc, 'Status'), '2');
  });
});
