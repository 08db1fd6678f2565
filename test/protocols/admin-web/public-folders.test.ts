/**
 * The console's public folders in a real browser (Debian's chromium through playwright-core)
 * against the real server: a domain administrator of a.test makes a small tree (the form driven
 * by the keyboard alone), renames and moves a folder and changes its default access (saved with
 * If-Match: a change made meanwhile is refused, not overwritten), gives and takes back a grant,
 * and deletes a folder after a confirmation (Escape cancels it first). What the pages did is
 * checked through the store and the access rule the protocols use. The administrator of b.test
 * sees none of it, not even by typing the address.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, consoleHarness, PW, type ConsoleHarness } from './harness.js';
import { listPublicFolders } from '../../../src/admin/public-folders.js';
import { folderAccess } from '../../../src/auth/folder-access.js';

const skip = browserSkip();

describe('admin console: public folders in chromium', { skip, timeout: 15 * 60_000 }, () => {
  let h: ConsoleHarness;
  before(async () => {
    h = await consoleHarness();
  });
  after(async () => h?.close());
  afterEach(() => assert.deepEqual(h.pageProblems.splice(0), [], 'no script errors, nothing blocked by the CSP'));

  const folders = async () => listPublicFolders(h.t.store, (await h.t.store.getDomain('a.test'))!);
  const folderNamed = async (path: string) => (await folders()).find((f) => f.path === path);
  const annAccess = async (id: number) => folderAccess(h.t.store, (await h.t.store.getAccount('ann@a.test'))!, (await h.t.store.getFolder(id))!);

  it('a domain administrator builds the tree, edits a folder with If-Match, grants and deletes; another domain sees none of it', async () => {
    const page = await h.signIn('admin@a.test');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Public folders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Public folders of a.test' }).waitFor();
    await page.getByText('Public folders (0)').waitFor();

    // The first folder by keyboard alone: open the form, type, choose, submit with Enter.
    await page.getByText('New public folder').focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Folder name').focus();
    await page.keyboard.type('Sales');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'pf-kind', 'Tab goes from the name to the kind (mail, the first)');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
    const sales = (await folderNamed('Sales'))!;
    assert.deepEqual([sales.kind, sales.defaultAccess], ['mail', 'read']);

    // A calendar inside it, write for everyone.
    await page.getByRole('link', { name: 'Public folders of a.test' }).click();
    await page.getByText('New public folder').click();
    await page.getByLabel('Folder name').fill('Holidays');
    await page.getByLabel('Kind', { exact: true }).selectOption('calendar');
    await page.getByLabel('Inside').selectOption({ label: 'Sales' });
    await page.getByLabel('Default access for everyone in a.test').selectOption('write');
    await page.getByRole('button', { name: 'Create folder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sales/Holidays' }).waitFor();
    const holidays = (await folderNamed('Sales/Holidays'))!;
    assert.equal(await annAccess(holidays.id), 'write', 'every user of the domain may write it');

    // The tree: paths, kind and default access, the child indented under its parent.
    await page.getByRole('link', { name: 'Public folders of a.test' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Sales/Holidays' });
    await row.getByRole('cell', { name: 'Calendar' }).waitFor();
    await row.getByRole('cell', { name: 'Read and write' }).waitFor();
    assert.equal(await row.getByRole('rowheader').getAttribute('class'), 'depth-1');

    // Rename, move to the top and make it read-only, with If-Match.
    await row.getByRole('link', { name: 'Sales/Holidays' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sales/Holidays' }).waitFor();
    await page.getByLabel('Folder name').fill('Time off');
    await page.getByLabel('Inside').selectOption({ label: 'Top of the tree' });
    await page.getByLabel('Default access for everyone in a.test').selectOption('read');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Time off.' }).waitFor();
    const moved = (await h.t.store.getFolder(holidays.id))!;
    assert.deepEqual([moved.name, moved.parentId], ['Time off', null]);
    assert.equal(await annAccess(holidays.id), 'read');

    // A change made elsewhere meanwhile: the page's save is refused (412), nothing overwritten.
    await h.t.store.updateFolder(holidays.id, { name: 'Renamed by someone else' });
    await page.getByLabel('Default access for everyone in a.test').selectOption('none');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByRole('alert').filter({ hasText: '(412)' }).waitFor();
    assert.equal((await h.t.store.getFolder(holidays.id))!.name, 'Renamed by someone else');
    assert.equal(await annAccess(holidays.id), 'read', 'the refused save changed nothing');

    // Reload: the current version; grant ann write on a folder nobody else may see, then take it back.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Renamed by someone else' }).waitFor();
    await page.getByLabel('Default access for everyone in a.test').selectOption('none');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Renamed by someone else.' }).waitFor();
    assert.equal(await annAccess(holidays.id), 'none');
    await page.getByLabel('User or group').fill('ann');
    await page.getByLabel('Rights').selectOption('write');
    await page.getByRole('button', { name: 'Give access' }).click();
    await page.getByRole('status').filter({ hasText: 'ann@a.test may read and write' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'ann@a.test' }).getByRole('cell', { name: 'read and write' }).waitFor();
    assert.equal(await annAccess(holidays.id), 'write');
    await page.getByLabel('User or group').fill('bob@b.test');
    await page.getByRole('button', { name: 'Give access' }).click();
    await page.getByRole('alert').filter({ hasText: 'No user or group bob@b.test in a.test (404)' }).waitFor();
    await page.getByRole('button', { name: 'Remove the grant to ann@a.test' }).click();
    await page.getByRole('status').filter({ hasText: 'The grant to ann@a.test is removed.' }).waitFor();
    await page.getByText('No grants.').waitFor();
    assert.equal(await annAccess(holidays.id), 'none');
    // Saving after a grant uses the grant's new tag (the grant moved the folder's version).
    await page.getByLabel('Default access for everyone in a.test').selectOption('read');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved:' }).waitFor();
    assert.equal(await annAccess(holidays.id), 'read');

    // Delete Sales after a confirmation; Escape cancels the first one.
    await page.goto(`${h.base}/admin/d/a.test/public-folders/${sales.id}`);
    await page.getByRole('heading', { level: 1, name: 'Sales' }).waitFor();
    await page.getByRole('button', { name: 'Delete folder' }).click();
    await page.getByRole('dialog', { name: 'Delete Sales?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.ok(await folderNamed('Sales'), 'cancelled: still there');
    await page.getByRole('button', { name: 'Delete folder' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete folder' }).click();
    await page.getByRole('heading', { level: 1, name: 'Public folders of a.test' }).waitFor();
    await page.getByText('Public folders (1)').waitFor();
    assert.deepEqual((await folders()).map((f) => f.path), ['Renamed by someone else']);
    await page.close();

    // b.test's administrator: no folders of its own; a.test's by address is the API's 404.
    const other = await h.signIn('admin@b.test');
    await other.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Public folders' }).click();
    await other.getByRole('heading', { level: 1, name: 'Public folders of b.test' }).waitFor();
    await other.getByText('Public folders (0)').waitFor();
    await other.goto(`${h.base}/admin/d/b.test/public-folders/${holidays.id}`);
    await other.getByRole('alert').filter({ hasText: `No public folder ${holidays.id} in b.test (404)` }).waitFor();
    await other.goto(`${h.base}/admin/d/a.test/public-folders/${holidays.id}`);
    await other.getByRole('alert').filter({ hasText: 'domain not found' }).first().waitFor();
    await other.close();
  });

  it('a domain read-only administrator sees the folders and grants but no controls to change them', async () => {
    await h.t.addUser('viewer@a.test', PW);
    const signIn = await h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'root@a.test', password: PW } });
    const roles = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/users/viewer@a.test/roles',
      headers: { authorization: `Bearer ${signIn.json().token}` },
      payload: { readOnlyDomains: ['a.test'] },
    });
    assert.equal(roles.statusCode, 200, roles.body);
    const id = (await folders())[0]!.id;
    const page = await h.signIn('viewer@a.test');
    await page.goto(`${h.base}/admin/d/a.test/public-folders`);
    await page.getByRole('link', { name: 'Renamed by someone else' }).click();
    await page.getByRole('heading', { level: 1, name: 'Renamed by someone else' }).waitFor();
    assert.equal(await page.getByLabel('Folder name').isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Save folder' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Delete folder' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Give access' }).count(), 0);
    await page.goto(`${h.base}/admin/d/a.test/public-folders`);
    await page.getByRole('heading', { level: 1, name: 'Public folders of a.test' }).waitFor();
    assert.equal(await page.getByText('New public folder').count(), 0);
    assert.ok(await h.t.store.getFolder(id));
    await page.close();
  });
});
