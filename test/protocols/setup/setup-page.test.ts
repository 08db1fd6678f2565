/**
 * The users' set-up page at /setup/ through the real app: sign-in through the shared login rules
 * (lockout), the session cookie's attributes and the CSP, TLS only, CSRF refusals (no token, a
 * foreign origin) that leave the store untouched, the Apple profile read back by a plist parser we
 * did not write (Python's plistlib), the client settings naming the configured ports, the
 * out-of-office setting in the store as phones read it, and the wipe of one's own device only,
 * audited through src/admin.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { OofSetting } from '../../../src/model/types.js';
import { setupHarness, PW, type SetupHarness } from './harness.js';

/** The profile as Python's plistlib reads it (a parser we did not write). */
function parsePlist(xml: string): { PayloadUUID: string; PayloadContent: Record<string, unknown>[] } & Record<string, unknown> {
  const out = execFileSync('/usr/bin/python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read()), default=str))'], {
    input: xml,
    timeout: 60_000,
  });
  return JSON.parse(out.toString());
}

describe('set-up page', () => {
  let h: SetupHarness;
  before(async () => {
    h = await setupHarness();
  });
  after(async () => h.close());

  it('is served over TLS only: plain HTTP GET is sent to the public https address, a plain POST refused', async () => {
    const get = await h.app.inject({ method: 'GET', url: '/setup/' });
    assert.equal(get.statusCode, 308);
    assert.equal(get.headers.location, 'https://mail.example.test:8443/setup/');
    const post = await h.app.inject({ method: 'POST', url: '/setup/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `email=ann%40a.test&password=${PW}` });
    assert.equal(post.statusCode, 403);
    assert.equal(post.headers['set-cookie'], undefined);
  });

  it('signs in with the user\'s own address and password: a __Host- cookie, HttpOnly, Secure, SameSite=Strict; a strict CSP', async () => {
    const b = h.browser();
    const first = await b.get('/setup/');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /<label for="email">/);
    assert.match(String(first.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
    assert.ok(!/<script/i.test(first.body), 'no script');
    const r = await b.signIn('ANN@a.test');
    assert.equal(r.statusCode, 303);
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /^__Host-hearth-setup=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/);
    const page = await b.get('/setup/');
    assert.match(page.body, /Signed in as <strong>Ann &lt;Example&gt; &lt;ann@a\.test&gt;<\/strong>/);
  });

  it('refuses a wrong password, then locks the login as every protocol does (429 with Retry-After)', async () => {
    await h.t.addUser('lock@a.test', PW);
    const b = h.browser();
    for (let i = 0; i < 3; i++) assert.equal((await b.signIn('lock@a.test', 'wrong-password')).statusCode, 401);
    const locked = await b.signIn('lock@a.test', PW);
    assert.equal(locked.statusCode, 429);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    assert.equal(b.cookie, null);
  });

  it('tells the exact host names and ports of the configuration', async () => {
    const b = h.browser();
    await b.signIn('ann@a.test');
    const body = (await b.get('/setup/')).body;
    const ports = h.t.ctx.settings.listeners;
    for (const id of ['outlook', 'thunderbird', 'android', 'davx5']) assert.match(body, new RegExp(`id="settings-${id}"`));
    assert.match(body, new RegExp(`<th scope="row">IMAP port</th><td>${ports.imaps!.port}</td>`));
    assert.match(body, new RegExp(`<th scope="row">SMTP port</th><td>${ports.submissions!.port}</td>`));
    assert.match(body, /<th scope="row">Server<\/th><td>mail\.example\.test<\/td><\/tr><tr><th scope="row">Port<\/th><td>8443<\/td>/);
    assert.equal((body.match(/<svg class="qr" role="img" aria-label="QR code: /g) ?? []).length, 2);
  });

  it('downloads an Apple profile that is a valid plist naming the server, with unique payload UUIDs and no password', async () => {
    const b = h.browser();
    await b.signIn('ann@a.test');
    const r = await b.get('/setup/profile.mobileconfig');
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/x-apple-aspen-config');
    assert.match(String(r.headers['content-disposition']), /attachment; filename="mail\.example\.test\.mobileconfig"/);
    const p = parsePlist(r.body);
    const types = p.PayloadContent.map((c) => c.PayloadType);
    assert.deepEqual(types, ['com.apple.eas.account', 'com.apple.caldav.account', 'com.apple.carddav.account', 'com.apple.mail.managed']);
    const [eas, cal, card, mail] = p.PayloadContent;
    assert.equal(eas.Host, 'mail.example.test:8443');
    assert.equal(eas.EmailAddress, 'ann@a.test');
    assert.equal(cal.CalDAVHostName, 'mail.example.test');
    assert.equal(card.CardDAVPort, 8443);
    assert.equal(mail.IncomingMailServerPortNumber, h.t.ctx.settings.listeners.imaps!.port);
    assert.equal(mail.OutgoingMailServerPortNumber, h.t.ctx.settings.listeners.submissions!.port);
    const uuids = [p.PayloadUUID, ...p.PayloadContent.map((c) => c.PayloadUUID)];
    assert.equal(new Set(uuids).size, uuids.length);
    assert.ok(!r.body.includes(PW) && !/Password<\/key>\s*<string>/.test(r.body), 'no password in it');
  });

  it('puts the password in the profile only when the user asks and re-enters it', async () => {
    const b = h.browser();
    await b.signIn('ann@a.test');
    const csrf = await b.csrf();
    const wrong = await b.post('/setup/profile.mobileconfig', { csrf, password: 'not-my-password' });
    assert.equal(wrong.statusCode, 403);
    assert.notEqual(wrong.headers['content-type'], 'application/x-apple-aspen-config');
    const r = await b.post('/setup/profile.mobileconfig', { csrf, password: PW });
    assert.equal(r.statusCode, 200);
    const p = parsePlist(r.body);
    assert.equal(p.PayloadContent[0].Password, PW);
    assert.equal(p.PayloadContent[3].IncomingPassword, PW);
  });

  it('sets out-of-office into the setting phones read over ActiveSync Settings, and reads it back', async () => {
    const b = h.browser();
    await b.signIn('ann@a.test');
    const csrf = await b.csrf();
    const r = await b.post('/setup/out-of-office', { csrf, state: 'scheduled', start: '2026-12-20T08:00', end: '2027-01-04T08:00', message: 'Away until January.', external: 'on' });
    assert.equal(r.statusCode, 303, r.body);
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    const oof = (await h.t.store.getSetting<OofSetting>(ann.id, 'oof'))!;
    assert.equal(oof.state, 2);
    assert.equal(oof.start, Date.parse('2026-12-20T08:00Z'));
    assert.equal(oof.end, Date.parse('2027-01-04T08:00Z'));
    assert.deepEqual(oof.internal, { enabled: true, message: 'Away until January.', bodyType: 'Text' });
    assert.equal(oof.externalUnknown?.enabled, true);
    const page = (await b.get('/setup/?done=oof')).body;
    assert.match(page, /value="scheduled" checked/);
    assert.match(page, />Away until January\.<\/textarea>/);
    assert.match(page, /role="status">Your out-of-office setting is saved\./);
    const bad = await b.post('/setup/out-of-office', { csrf, state: 'scheduled', start: '2027-01-04T08:00', end: '2026-12-20T08:00', message: 'x' });
    assert.equal(bad.statusCode, 422);
    assert.equal((await h.t.store.getSetting<OofSetting>(ann.id, 'oof'))!.start, oof.start, 'unchanged');
  });

  it('refuses forms without the CSRF token or from another origin, changing nothing', async () => {
    const b = h.browser();
    await b.signIn('bob@b.test');
    const csrf = await b.csrf();
    const bob = (await h.t.store.getAccount('bob@b.test'))!;
    const noToken = await b.post('/setup/out-of-office', { state: 'on', message: 'hacked' });
    assert.equal(noToken.statusCode, 403);
    const badToken = await b.post('/setup/out-of-office', { csrf: csrf.slice(0, -2) + 'xx', state: 'on', message: 'hacked' });
    assert.equal(badToken.statusCode, 403);
    const foreign = await b.post('/setup/out-of-office', { csrf, state: 'on', message: 'hacked' }, { origin: 'https://evil.example' });
    assert.equal(foreign.statusCode, 403);
    const foreignReferer = await b.post('/setup/out-of-office', { csrf, state: 'on', message: 'hacked' }, { origin: '', referer: 'https://evil.example/x' });
    assert.equal(foreignReferer.statusCode, 403);
    // Neither Origin nor Referer (stripped by a privacy setting): the token alone decides.
    assert.equal((await b.post('/setup/out-of-office', { state: 'on', message: 'hacked' }, { origin: '' })).statusCode, 403);
    assert.equal(await h.t.store.getSetting(bob.id, 'oof'), null);
  });

  it('wipes only the user\'s own device, after the password, and the wipe is in the audit log', async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    const bob = (await h.t.store.getAccount('bob@b.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'ANNPHONE', deviceType: 'iPhone' });
    await h.t.store.touchDevice({ accountId: bob.id, deviceId: 'BOBPHONE', deviceType: 'Android' });
    const b = h.browser();
    await b.signIn('ann@a.test');
    const page = (await b.get('/setup/')).body;
    assert.match(page, /data-device="ANNPHONE"/);
    assert.ok(!page.includes('BOBPHONE'));
    const csrf = await b.csrf();
    const other = await b.post('/setup/devices/BOBPHONE/wipe', { csrf, password: PW, mode: 'full' });
    assert.equal(other.statusCode, 404);
    assert.equal((await h.t.store.getDevice(bob.id, 'BOBPHONE'))!.wipeState, 'none');
    const wrong = await b.post('/setup/devices/ANNPHONE/wipe', { csrf, password: 'nope-nope', mode: 'full' });
    assert.equal(wrong.statusCode, 403);
    assert.equal((await h.t.store.getDevice(ann.id, 'ANNPHONE'))!.wipeState, 'none');
    const ok = await b.post('/setup/devices/ANNPHONE/wipe', { csrf, password: PW, mode: 'account' });
    assert.equal(ok.statusCode, 303, ok.body);
    const d = (await h.t.store.getDevice(ann.id, 'ANNPHONE'))!;
    assert.equal(d.wipeState, 'requested');
    assert.equal(d.wipeAccountOnly, true);
    const audit = await h.t.store.listAudit({ target: 'device:ann@a.test/ANNPHONE' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'device.wipe.requested');
    assert.equal(audit[0].actor, 'setup:ann@a.test');
    assert.deepEqual(audit[0].detail, { accountOnly: true });
  });

  it('keeps sessions and admin API tokens apart, and ends the session when the password changes', async () => {
    await h.t.addUser('root@a.test', PW, { isServerAdmin: true });
    const b = h.browser();
    await b.signIn('root@a.test');
    const session = b.cookie!.split('=')[1];
    const api = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${session}` } });
    assert.equal(api.statusCode, 401, 'a set-up session is no API token');
    const token = (await h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'root@a.test', password: PW } })).json().token;
    const forged = await h.browser().get('/setup/', { cookie: `__Host-hearth-setup=${token}` });
    assert.match(forged.body, /<label for="email">/, 'an API token is no set-up session');
    assert.match((await b.get('/setup/')).body, /Signed in as/);
    const root = (await h.t.store.getAccount('root@a.test'))!;
    const { hashPassword } = await import('../../../src/auth/password.js');
    await h.t.store.updateAccount(root.id, { passwordHash: await hashPassword('another-password-1') });
    assert.match((await b.get('/setup/')).body, /<label for="email">/, 'signed out by the password change');
  });
});
