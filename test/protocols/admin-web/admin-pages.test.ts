/**
 * The console's rooms, policies and API keys in a real browser (Debian's chromium through
 * playwright-core) against the real server: a domain administrator of a.test creates a room and
 * gives it a photo, tightens the password policy, adds a device access rule and overrides a device
 * policy setting (each saved with If-Match), and makes an API key whose secret is shown once and
 * works, then revokes it. The administrator of b.test sees none of a.test's rooms or policies.
 * A user's page sets administrative roles; the console refreshes a token in its last minutes.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserSkip, consoleHarness, PW, type ConsoleHarness } from './harness.js';

const skip = browserSkip();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('admin console: rooms, policies and API keys in chromium', { skip, timeout: 15 * 60_000 }, () => {
  let h: ConsoleHarness;
  let dir: string;
  before(async () => {
    h = await consoleHarness();
    dir = mkdtempSync(join(tmpdir(), 'hearth-console-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => assert.deepEqual(h.pageProblems.splice(0), [], 'no script errors, nothing blocked by the CSP'));

  /** The API as a.test's administrator, to check what the pages did. */
  const api = async (method: 'GET', url: string) => {
    const signIn = await h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'admin@a.test', password: PW } });
    return h.app.inject({ method, url, headers: { authorization: `Bearer ${signIn.json().token}` } });
  };

  it('a domain administrator manages rooms, policies and API keys; another domain sees none of it', async () => {
    const page = await h.signIn('admin@a.test');
    const nav = page.getByRole('navigation', { name: 'Console' });

    // A room, with a photo.
    await nav.getByRole('link', { name: 'Rooms and equipment' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rooms and equipment of a.test' }).waitFor();
    await page.getByLabel('Address').fill('board');
    await page.getByLabel('Name').fill('Board room');
    await page.getByLabel('Kind').selectOption('room');
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row').filter({ hasText: 'board@a.test' });
    await row.getByRole('cell', { name: 'Board room' }).waitFor();
    const room = (await h.t.store.getAccount('board@a.test'))!;
    assert.equal(room.kind, 'resource');
    const file = join(dir, 'board.png');
    writeFileSync(file, PNG);
    await row.getByLabel(/Photo of board@a\.test/).setInputFiles(file);
    await page.getByRole('status').filter({ hasText: 'Photo of board@a.test saved.' }).waitFor();
    assert.ok(await h.t.store.getSetting(room.id, 'photo'), 'the photo is stored');

    // Policies: password length 12, a rule quarantining one device type, a policy override.
    await nav.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Policies of a.test' }).waitFor();
    await page.getByLabel('Least length').fill('12');
    await page.getByRole('button', { name: 'Save password policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Password policy saved.' }).waitFor();
    const policy = await api('GET', '/api/v1/domains/a.test/password-policy');
    assert.equal(policy.json().minLength, 12);
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 1 matches').selectOption('deviceType');
    await page.getByLabel('Rule 1 pattern').fill('Android*');
    await page.getByLabel('Rule 1 access').selectOption('quarantined');
    await page.getByRole('button', { name: 'Save access rules' }).click();
    await page.getByRole('status').filter({ hasText: 'Device access rules saved.' }).waitFor();
    const rules = await api('GET', '/api/v1/domains/a.test/access-rules');
    assert.deepEqual(rules.json().rules, [{ field: 'deviceType', pattern: 'Android*', access: 'quarantined' }]);
    const key = Object.keys((await api('GET', '/api/v1/domains/a.test/device-policy')).json().policy).find((k) => /minDevicePasswordLength/i.test(k))!;
    assert.ok(key, 'the device policy has a minimum password length');
    await page.getByLabel(`${key}: this domain's value`).fill('6');
    await page.getByRole('button', { name: 'Save device policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Device policy saved.' }).waitFor();
    const dp = (await api('GET', '/api/v1/domains/a.test/device-policy')).json();
    assert.equal(dp.policy[key], 6);

    // An API key: the secret is shown once and works; revoked, it does not.
    await nav.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByLabel('Label').fill('billing');
    await page.getByLabel('Access').selectOption('read');
    await page.getByRole('button', { name: 'Make key' }).click();
    const secret = await page.getByLabel('Secret').inputValue();
    assert.ok(secret.length > 20);
    const withKey = await h.app.inject({ method: 'GET', url: '/api/v1/domains/a.test/resources', headers: { authorization: `Bearer ${secret}` } });
    assert.equal(withKey.statusCode, 200, withKey.body);
    assert.deepEqual(withKey.json().items.map((r: { email: string }) => r.email), ['board@a.test']);
    const keyRow = page.getByRole('row').filter({ hasText: 'billing' });
    await keyRow.getByRole('button', { name: /Revoke/ }).click();
    await keyRow.waitFor({ state: 'detached' });
    const revoked = await h.app.inject({ method: 'GET', url: '/api/v1/domains/a.test/resources', headers: { authorization: `Bearer ${secret}` } });
    assert.equal(revoked.statusCode, 401);
    await page.close();

    // b.test's administrator: its own empty pages; a.test's by address is the API's 404.
    const other = await h.signIn('admin@b.test');
    await other.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rooms and equipment' }).click();
    await other.getByRole('heading', { level: 1, name: 'Rooms and equipment of b.test' }).waitFor();
    await other.getByText('Rooms and equipment (0)').waitFor();
    const address = other.url().replace(/d\/b\.test\/resources$/, 'd/a.test/policies');
    await other.goto(address);
    await other.getByRole('alert').filter({ hasText: 'domain not found' }).first().waitFor();
    await other.close();
  });

  it('a token in its last minutes is exchanged for a fresh one on the next request (POST /auth/refresh)', async () => {
    const page = await h.signIn('admin@a.test');
    const stored = () => page.evaluate(() => [sessionStorage.getItem('hearth.admin.token'), sessionStorage.getItem('hearth.admin.expires')] as const);
    const [before, expires] = await stored();
    assert.ok(before && expires && Date.parse(expires) - Date.now() > 10 * 60_000, 'a fresh sign-in is not refreshed');
    // As if 12 minutes had passed: the next page's requests refresh the token first.
    await page.evaluate(() => sessionStorage.setItem('hearth.admin.expires', new Date(Date.now() + 3 * 60_000).toISOString()));
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.waitForFunction((old) => sessionStorage.getItem('hearth.admin.token') !== old, before);
    const [after, renewed] = await stored();
    assert.notEqual(after, before);
    assert.ok(Date.parse(renewed!) - Date.now() > 10 * 60_000, 'the new token has its 15 minutes');
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${after}` } });
    assert.equal(me.json().email, 'admin@a.test');
    await page.close();
  });

  it("a domain administrator makes a user an administrator of the domain on the user's page; the server roles are for server administrators", async () => {
    const page = await h.signIn('admin@a.test');
    await page.goto(`${h.base}/admin/d/a.test/users/ann%40a.test`);
    await page.getByRole('heading', { level: 1, name: 'ann@a.test' }).waitFor();
    assert.equal(await page.getByText('Server administrator', { exact: true }).count(), 0, 'no server roles for a domain administrator');
    await page.getByLabel('Role in a.test').selectOption('admin');
    await page.getByRole('button', { name: 'Save roles' }).click();
    await page.getByRole('status').filter({ hasText: 'Roles of ann@a.test saved.' }).waitFor();
    const roles = await api('GET', '/api/v1/users/ann@a.test/roles');
    assert.deepEqual(roles.json().adminDomains, ['a.test']);
    const signIn = await h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'ann@a.test', password: PW } });
    assert.equal(signIn.statusCode, 200, 'ann is an administrator now');
    await page.close();
    const root = await h.signIn('root@a.test');
    await root.goto(`${h.base}/admin/d/a.test/users/ann%40a.test`);
    await root.getByRole('heading', { level: 1, name: 'ann@a.test' }).waitFor();
    await root.getByLabel('Server read-only').check();
    await root.getByRole('button', { name: 'Save roles' }).click();
    await root.getByRole('status').filter({ hasText: 'Roles of ann@a.test saved.' }).waitFor();
    assert.equal((await api('GET', '/api/v1/users/ann@a.test/roles')).json().adminDomains[0], 'a.test');
    const rootToken = (await h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'root@a.test', password: PW } })).json().token;
    const viaRoot = await h.app.inject({ method: 'GET', url: '/api/v1/users/ann@a.test/roles', headers: { authorization: `Bearer ${rootToken}` } });
    assert.equal(viaRoot.json().serverReadOnly, true);
    await root.close();
  });
});
