import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, makeHarness, policyKeyOf, provisionRequest, TestDevice, type Harness } from './harness.js';
import { encodeBase64Query, parseBase64, parseQuery } from '../../../protocols/activesync/query.js';

describe('ActiveSync HTTP layer (MS-ASHTTP)', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('alice@example.com', 'alice-pass-1');
  });
  after(() => h.close());

  it('OPTIONS needs credentials and lists versions and commands', async () => {
    const anon = await h.app.inject({ method: 'OPTIONS', url: '/Microsoft-Server-ActiveSync' });
    assert.equal(anon.statusCode, 401);
    assert.match(String(anon.headers['www-authenticate']), /^Basic /);
    const r = await h.app.inject({ method: 'OPTIONS', url: '/Microsoft-Server-ActiveSync', headers: { authorization: basic('alice@example.com', 'alice-pass-1') } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['ms-asprotocolversions'], '12.1,14.0,14.1,16.0,16.1');
    const cmds = String(r.headers['ms-asprotocolcommands']).split(',');
    for (const c of ['Provision', 'FolderSync', 'FolderCreate', 'FolderUpdate', 'FolderDelete', 'Settings']) assert.ok(cmds.includes(c), c);
    assert.ok(r.headers['ms-server-activesync']);
  });

  it('answers 401 with WWW-Authenticate for a wrong password, and touches no device', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'wrong', 'DEV401');
    const r = await d.send('FolderSync', null);
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /Basic realm=/);
    const acc = await h.ctx.store.getAccount('alice@example.com');
    assert.equal(await h.ctx.store.getDevice(acc!.id, 'DEV401'), null);
  });

  it('creates the device record on first contact with type, agent and version', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'DEVFIRST', '14.0', 'SmartPhone', 'Probe/1.0');
    await d.send('Provision', provisionRequest());
    const acc = await h.ctx.store.getAccount('alice@example.com');
    const dev = await h.ctx.store.getDevice(acc!.id, 'DEVFIRST');
    assert.equal(dev?.deviceType, 'SmartPhone');
    assert.equal(dev?.userAgent, 'Probe/1.0');
    assert.equal(dev?.protocolVersion, '14.0');
  });

  it('writes the device record when the agent or version changes or lastSeen is a minute old, not on every request', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'DEVSEEN', '14.0', 'SmartPhone', 'Probe/1.0');
    await d.send('Provision', provisionRequest());
    const acc = (await h.ctx.store.getAccount('alice@example.com'))!;
    const first = (await h.ctx.store.getDevice(acc.id, 'DEVSEEN'))!;
    // Within the minute nothing changed: the record is as it was (lastSeen included).
    await d.send('Provision', provisionRequest());
    assert.equal((await h.ctx.store.getDevice(acc.id, 'DEVSEEN'))!.lastSeen, first.lastSeen);
    // A new user agent and protocol version are written at once.
    const upgraded = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'DEVSEEN', '14.1', 'SmartPhone', 'Probe/2.0');
    await upgraded.send('Provision', provisionRequest());
    const after = (await h.ctx.store.getDevice(acc.id, 'DEVSEEN'))!;
    assert.equal(after.userAgent, 'Probe/2.0');
    assert.equal(after.protocolVersion, '14.1');
    // lastSeen a minute old: the next request writes it.
    await h.ctx.store.updateDevice(first.id, { lastSeen: Date.now() - 61_000 });
    await upgraded.send('Provision', provisionRequest());
    assert.ok((await h.ctx.store.getDevice(acc.id, 'DEVSEEN'))!.lastSeen >= Date.now() - 30_000);
  });

  it('parses the base64 query form and round-trips it', () => {
    const b64 = encodeBase64Query({ version: '14.1', cmd: 'FolderSync', deviceId: 'B64DEV', deviceType: 'WP8', policyKey: '3942919513', user: 'alice', collectionId: '12', options: 0x03 });
    const q = parseQuery(b64);
    assert.equal(q.base64, true);
    assert.equal(q.cmd, 'FolderSync');
    assert.equal(q.deviceId, 'B64DEV');
    assert.equal(q.deviceType, 'WP8');
    assert.equal(q.protocolVersion, '14.1');
    assert.equal(q.policyKey, '3942919513');
    assert.equal(q.user, 'alice');
    assert.equal(q.collectionId, '12');
    assert.equal(q.saveInSent, true);
    assert.equal(q.acceptMultiPart, true);
    // A binary device id becomes upper-case hex.
    const raw = Buffer.from(parseBase64Fixture(), 'base64');
    assert.ok(raw.length > 10);
    assert.equal(parseBase64(parseBase64Fixture()).deviceId, '0102030405060708090A0B0C0D0E0F10');
    assert.throws(() => parseQuery('AAAA'));
    assert.throws(() => parseQuery('Cmd=Sync&DeviceType=x'));
  });

  it('serves a Provision sent in the base64 query form, with the policy key in the query', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'B64PHONE', '14.1', 'WindowsPhone');
    const q1 = encodeBase64Query({ version: '14.1', cmd: 'Provision', deviceId: 'B64PHONE', deviceType: 'WindowsPhone' });
    const first = await d.send('Provision', provisionRequest(), { query: encodeURIComponent(q1), headers: { 'ms-asprotocolversion': '' } });
    assert.equal(first.status, 200);
    const temp = policyKeyOf(first.doc)!;
    const q2 = encodeBase64Query({ version: '14.1', cmd: 'Provision', deviceId: 'B64PHONE', deviceType: 'WindowsPhone', policyKey: temp });
    const second = await d.send('Provision', provisionRequest(temp, '1'), { query: q2 });
    const key = policyKeyOf(second.doc)!;
    assert.ok(key && key !== temp);
    const q3 = encodeBase64Query({ version: '14.1', cmd: 'FolderSync', deviceId: 'B64PHONE', deviceType: 'WindowsPhone', policyKey: key });
    const fs = await d.send('FolderSync', null, { query: q3 });
    assert.equal(fs.status, 400, 'no body is a malformed FolderSync, but it got past the provisioning gate');
    const q4 = encodeBase64Query({ version: '14.1', cmd: 'FolderSync', deviceId: 'B64PHONE', deviceType: 'WindowsPhone' });
    const noKey = await d.send('FolderSync', null, { query: q4 });
    assert.equal(noKey.status, 200);
    assert.equal(noKey.doc?.children[0].text, '142');
  });

  it('answers malformed requests with 4xx, never 500', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'BADBODY');
    assert.equal((await d.send('Provision', Buffer.from([0x03, 0x01, 0x6a, 0x00, 0x45, 0x99]))).status, 400);
    assert.equal((await d.send('Provision', Buffer.from('<not wbxml>'))).status, 400);
    assert.equal((await d.send('NoSuchCommand', null)).status, 501);
    assert.equal((await d.send('Provision', null, { query: 'Cmd=Provision&DeviceType=iPhone' })).status, 400);
    assert.equal((await d.send('Provision', provisionRequest(), { headers: { 'ms-asprotocolversion': '2.5' } })).status, 400);
    const big = await d.send('Provision', Buffer.alloc(65 * 1024 * 1024, 1));
    assert.equal(big.status, 413);
    for (let i = 0; i < 50; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + (i * 7) % 60 }, (_, j) => (i * 31 + j * 17) & 0xff));
      const r = await d.send(i % 2 ? 'Provision' : 'Settings', Buffer.concat([Buffer.from([0x03, 0x01, 0x6a, 0x00]), junk]));
      assert.ok(r.status < 500, `junk ${i} got ${r.status}`);
    }
  });
});

function parseBase64Fixture(): string {
  const parts = [Buffer.from([141, 9, 0x09, 0x04, 16]), Buffer.from(Array.from({ length: 16 }, (_, i) => i + 1)), Buffer.from([0, 2]), Buffer.from('PC')];
  void parseBase64;
  return Buffer.concat(parts).toString('base64');
}
