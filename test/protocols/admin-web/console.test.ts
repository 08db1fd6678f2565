/**
 * The admin console in a real browser (Debian's chromium through playwright-core) against the
 * real server: sign in, create a user, wipe a device with the password re-entered, see the
 * audit entries; a domain administrator of b.test sees nothing of a.test, even by URL.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, consoleHarness, PW, WAIT_MS, type ConsoleHarness } from './harness.js';
import { logoPng } from './png.js';

const skip = browserSkip();
const token = (page: import('playwright-core').Page) => page.evaluate(() => sessionStorage.getItem('hearth.admin.token') ?? '');

describe('admin console in chromium', { skip, timeout: 15 * 60_000 }, () => {
  let h: ConsoleHarness;
  before(async () => {
    h = await consoleHarness();
  });
  after(async () => h?.close());
  afterEach(() => assert.deepEqual(h.pageProblems.splice(0), [], 'no script errors, nothing blocked by the CSP'));

  it('a server administrator signs in, creates a user, wipes a device and finds both in the audit log', async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'ANNPHONE1', deviceType: 'iPhone', userAgent: 'Apple-iPhone/1.0' });
    const page = await h.signIn('root@a.test');
    // The token is kept for this tab only, never in a cookie.
    assert.deepEqual(await page.context().cookies(), []);
    assert.ok(await page.evaluate(() => sessionStorage.getItem('hearth.admin.token')));

    // Create a user.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users of a.test' }).waitFor();
    await page.getByText('New user').click();
    await page.getByRole('textbox', { name: 'Address' }).fill('carol');
    await page.getByLabel('Display name').fill('Carol Console');
    await page.getByLabel('Initial password').fill('a-long-enough-password-1');
    await page.getByLabel('Quota', { exact: true }).fill('1 GiB');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: 'User carol@a.test created.' }).waitFor();
    await page.getByRole('link', { name: 'carol@a.test' }).waitFor();
    const carol = await h.t.store.getAccount('carol@a.test');
    assert.equal(carol?.displayName, 'Carol Console');
    assert.equal(carol?.quotaBytes, 1024 ** 3);

    // A refused action is one clear line from the problem+json answer (the form stays open).
    await page.getByRole('textbox', { name: 'Address' }).fill('carol');
    await page.getByLabel('Initial password').fill('a-long-enough-password-1');
    await page.getByRole('button', { name: 'Create user' }).click();
    const conflict = page.getByRole('alert');
    await conflict.waitFor();
    assert.equal(await conflict.innerText(), 'carol@a.test exists (409)');

    // Wipe a device: the wrong password is refused, the right one requests the wipe.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { level: 1, name: 'Devices of a.test' }).waitFor();
    await page.getByRole('button', { name: 'Wipe iPhone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Wipe iPhone?' });
    await dialog.waitFor();
    await dialog.getByLabel('Your password').fill('not-my-password');
    await dialog.getByRole('button', { name: 'Wipe device' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The password is not right (403)' }).waitFor();
    assert.equal((await h.t.store.getDevice(ann.id, 'ANNPHONE1'))?.wipeState, 'none');
    await dialog.getByLabel('Your password').fill(PW);
    await dialog.getByRole('button', { name: 'Wipe device' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'wipe requested' }).waitFor();
    const device = await h.t.store.getDevice(ann.id, 'ANNPHONE1');
    assert.equal(device?.wipeState, 'requested');
    assert.equal(device?.wipeAccountOnly, false);

    // The audit log shows both, newest first.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const wipeRow = page.getByRole('row').filter({ hasText: 'device.wipe.requested' });
    await wipeRow.waitFor();
    assert.match(await wipeRow.innerText(), /root@a\.test/);
    assert.match(await wipeRow.innerText(), /ann@a\.test\/ANNPHONE1/);
    await page.getByRole('row').filter({ hasText: 'user.created' }).filter({ hasText: 'carol@a.test' }).waitFor();
    await page.context().close();
  });

  it("a domain administrator edits a user's quota and protocols, disables them, sets a password and unlocks", async () => {
    await h.t.addUser('dave@a.test', PW, { displayName: 'Dave' });
    const page = await h.signIn('admin@a.test');
    await page.goto(`${h.base}/admin/d/a.test/users/dave%40a.test`);
    await page.getByRole('heading', { level: 1, name: 'dave@a.test' }).waitFor();
    await page.getByLabel('Quota', { exact: true }).fill('500 MiB');
    await page.getByRole('checkbox', { name: 'IMAP' }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    let dave = (await h.t.store.getAccount('dave@a.test'))!;
    assert.equal(dave.quotaBytes, 500 * 1024 ** 2);
    const me = await h.app.inject({ url: '/api/v1/users/dave@a.test', headers: { authorization: `Bearer ${await token(page)}` } });
    assert.equal(me.json().protocols.imap, false);
    assert.equal(me.json().protocols.activesync, true);

    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.getByRole('button', { name: 'Enable account' }).waitFor();
    dave = (await h.t.store.getAccount('dave@a.test'))!;
    assert.equal(dave.disabled, true);

    await page.getByLabel('New password').fill('another-long-password-2');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('status').filter({ hasText: 'The password is set' }).waitFor();
    await page.getByRole('button', { name: 'Unlock sign-in' }).click();
    await page.getByRole('status').filter({ hasText: /not locked|Unlocked/ }).waitFor();
    const audit = await h.t.store.pageAudit({ target: 'account:dave@a.test', limit: 20, offset: 0 });
    const actions = audit.events.map((e) => e.action);
    assert.ok(actions.includes('user.password.reset'), actions.join());
    assert.ok(actions.includes('user.unlocked'), actions.join());
    await page.context().close();
  });

  it('account-only wipe, cancel, and blocking a device from the devices page', async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'ANNTABLET', deviceType: 'iPad' });
    const page = await h.signIn('admin@a.test');
    await page.goto(`${h.base}/admin/d/a.test/devices`);
    const row = page.getByRole('row').filter({ hasText: 'ANNTABLET' });
    await row.getByRole('button', { name: 'Remove account from iPad' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove account data' }).click();
    await row.getByRole('cell', { name: 'wipe requested (account only)' }).waitFor();
    let tablet = await h.t.store.getDevice(ann.id, 'ANNTABLET');
    assert.equal(tablet?.wipeState, 'requested');
    assert.equal(tablet?.wipeAccountOnly, true);
    await row.getByRole('button', { name: 'Cancel wipe of iPad' }).click();
    await row.getByRole('button', { name: 'Wipe iPad' }).waitFor();
    assert.equal((await h.t.store.getDevice(ann.id, 'ANNTABLET'))?.wipeState, 'none');
    await row.getByRole('combobox', { name: 'Access of iPad' }).selectOption('blocked');
    await page.getByRole('status').filter({ hasText: 'iPad is now blocked.' }).waitFor();
    tablet = await h.t.store.getDevice(ann.id, 'ANNTABLET');
    assert.equal(tablet?.access, 'blocked');
    await page.context().close();
  });

  it('a domain administrator sees their domain only: its name in the header, nothing of another domain', async () => {
    const page = await h.signIn('admin@b.test');
    await page.getByRole('banner').getByText('b.test', { exact: true }).waitFor();
    // The administrator uploads the domain's logo from the Domains page.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Domains' }).click();
    await page.getByRole('button', { name: 'Edit b.test' }).click();
    await page.getByLabel('Image file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng() });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByRole('status').filter({ hasText: 'The logo is saved' }).waitFor();
    assert.ok((await h.t.store.getDomain('b.test'))?.logoBlob);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Domains' }).waitFor();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dashboard' }).click();
    // The domain's own logo, decoded by the browser (fetched with the token through the API).
    await page.waitForFunction(() => (document.querySelector('header img.logo') as HTMLImageElement | null)?.naturalWidth === 64, null, {
      timeout: WAIT_MS,
    });
    // Only one domain: no picker; the usage report is b.test's alone.
    assert.equal(await page.getByLabel('Domain', { exact: true }).count(), 0);
    await page.getByRole('heading', { level: 2, name: 'b.test' }).waitFor();
    assert.equal(await page.getByText('a.test').count(), 0);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'bob@b.test' }).waitFor();
    assert.equal(await page.getByText('ann@a.test').count(), 0);

    // Typing another domain's address answers as for a domain that does not exist.
    await page.goto(`${h.base}/admin/d/a.test/users`);
    await page.getByRole('alert').filter({ hasText: 'Domain not found (404)' }).waitFor();
    assert.equal(await page.getByText('ann@a.test').count(), 0);
    await page.goto(`${h.base}/admin/d/a.test/users/ann%40a.test`);
    await page.getByRole('alert').filter({ hasText: 'User not found (404)' }).first().waitFor();
    assert.equal(await page.getByText('Ann Example').count(), 0);
    await page.context().close();
  });

  it('an ended session (password changed elsewhere) returns to the sign-in page with a reason', async () => {
    await h.t.addUser('eve@a.test', PW, { domainAdmin: true });
    const page = await h.signIn('eve@a.test');
    const { resetPassword } = await import('../../../src/admin/accounts.js');
    await resetPassword(h.t.store, { actor: 'test', source: null }, (await h.t.store.getAccount('eve@a.test'))!, 'a-new-long-password-3');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByText('Your session has ended: sign in again.').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('hearth.admin.token')), null);
    await page.context().close();
  });

  it('keyboard: the skip link reaches the page and a new page moves focus to its heading', async () => {
    const page = await h.signIn('admin@a.test');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Aliases' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'Aliases of a.test', null, {
      timeout: WAIT_MS,
    });
    await page.context().close();
  });
});
