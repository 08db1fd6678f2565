/**
 * Hostile requests to the set-up page: malformed and oversized forms, wrong content types, forged
 * or oversized cookies, odd device ids, out-of-range form values. Each gets a 4xx page, the
 * process keeps serving, and the store (settings, devices, audit) is as it was.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setupHarness, type Browser, type SetupHarness } from './harness.js';

describe('set-up page: hostile input', () => {
  let h: SetupHarness;
  let b: Browser;
  let csrf: string;
  let snapshot: string;
  const state = async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    return JSON.stringify({
      oof: await h.t.store.getSetting(ann.id, 'oof'),
      devices: await h.t.store.listDevices(ann.id),
      audit: await h.t.store.listAudit({ limit: 1000 }),
    });
  };

  before(async () => {
    h = await setupHarness();
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'ANNPHONE', deviceType: 'iPhone' });
    b = h.browser();
    await b.signIn('ann@a.test');
    csrf = await b.csrf();
    snapshot = await state();
  });
  after(async () => h.close());

  const raw = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { 'x-forwarded-proto': 'https', host: 'mail.example.test', origin: 'https://mail.example.test', cookie: b.cookie!, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload,
    });

  it('answers 4xx to each, keeps serving, and changes nothing', async () => {
    const cases: [string, Promise<{ statusCode: number }>][] = [
      ['bad percent-encoding in the token', raw('/setup/out-of-office', `csrf=%E0%A4%A${csrf}&state=on&message=x`)],
      ['oversized form', raw('/setup/out-of-office', `csrf=${csrf}&state=on&message=${'x'.repeat(64 * 1024)}`)],
      ['message too long', raw('/setup/out-of-office', `csrf=${csrf}&state=on&message=${'x'.repeat(9000)}`)],
      ['JSON body', raw('/setup/out-of-office', JSON.stringify({ csrf, state: 'on', message: 'x' }), { 'content-type': 'application/json' })],
      ['unknown state', raw('/setup/out-of-office', `csrf=${csrf}&state=2&message=x`)],
      ['scheduled without times', raw('/setup/out-of-office', `csrf=${csrf}&state=scheduled&message=x&start=soon&end=`)],
      ['binary body', raw('/setup/out-of-office', Buffer.from([0, 255, 1, 254, 0x26, 0x3d]))],
      ['csrf twice, first wrong', raw('/setup/out-of-office', `csrf=nope&csrf=${csrf}&state=on&message=x`)],
      ['forged cookie', raw('/setup/out-of-office', `csrf=${csrf}&state=on&message=x`, { cookie: '__Host-hearth-setup=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' })],
      ['huge cookie', raw('/setup/out-of-office', `csrf=${csrf}&state=on&message=x`, { cookie: `__Host-hearth-setup=${'a'.repeat(8000)}` })],
      ['device of nobody', raw('/setup/devices/..%2F..%2Fetc/wipe', `csrf=${csrf}&password=x&mode=full`)],
      ['device id with NUL', raw('/setup/devices/%00/wipe', `csrf=${csrf}&password=x&mode=full`)],
      ['wipe without password', raw('/setup/devices/ANNPHONE/wipe', `csrf=${csrf}&mode=full`)],
      ['sign-in with a 100 kB address', raw('/setup/sign-in', `email=${'a'.repeat(20000)}@a.test&password=x`)],
      ['null origin', raw('/setup/out-of-office', `csrf=${csrf}&state=on&message=x`, { origin: 'null' })],
    ];
    for (const [name, p] of cases) {
      const r = await p;
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${name}: ${r.statusCode}`);
    }
    assert.equal((await b.get('/setup/')).statusCode, 200, 'still serving, still signed in');
    assert.equal(await state(), snapshot);
  });

  it('escapes what the user typed when it comes back in the page', async () => {
    const r = await b.post('/setup/sign-in', { email: '"><script>alert(1)</script>', password: 'x' });
    assert.equal(r.statusCode, 401);
    assert.ok(!r.body.includes('<script>'), 'escaped');
    assert.match(r.body, /&quot;&gt;&lt;script&gt;/);
  });
});
