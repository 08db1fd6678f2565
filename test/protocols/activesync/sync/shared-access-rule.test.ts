/**
 * The core's folder-access rule (src/auth/folder-access.ts) as a phone sees it: a free-busy grant
 * shows no folder and syncs nothing; a disabled owner's shared folders disappear from FolderSync
 * and Sync answers Status 12 for them; enabling the owner again shows them again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children } from '../../../../protocols/activesync/wbxml/types.js';
import type { Account, Folder } from '../../../../src/model/types.js';
import { makeHarness, type Harness } from '../harness.js';
import { collection, phone, statusOf, sync } from './helpers.js';

/** ServerIds a brand-new device gets in its first FolderSync. */
async function hierarchyOf(h: Harness, deviceId: string): Promise<Set<string>> {
  const p = await phone(h, 'del@example.com', 'del-pass-1', deviceId);
  return new Set(children(child((await p.dev.folderSync('0')).doc!, 'Changes')!, 'Add').map((a) => childText(a, 'ServerId')!));
}

describe('ActiveSync applies the one folder-access rule', () => {
  let h: Harness;
  let boss: Account;
  let del: Account;
  let cal: Folder;
  let book: Folder;

  before(async () => {
    h = await makeHarness();
    boss = await h.addUser('boss@example.com', 'boss-pass-1', 'Boss');
    del = await h.addUser('del@example.com', 'del-pass-1', 'Del');
    cal = (await h.ctx.store.findFolderByRole(boss.id, 'calendar'))!;
    book = (await h.ctx.store.findFolderByRole(boss.id, 'contacts'))!;
    await h.ctx.store.createGrant({ ownerId: boss.id, folderId: cal.id, granteeId: del.id, rights: 'freebusy', status: 'accepted' });
    await h.ctx.store.createGrant({ ownerId: boss.id, folderId: book.id, granteeId: del.id, rights: 'read', status: 'accepted' });
  });
  after(() => h.close());

  it('a free-busy grant shows no folder and Sync answers Status 12; a read grant shows its folder', async () => {
    const ids = await hierarchyOf(h, 'RULEPHONE1');
    assert.equal(ids.has(String(cal.id)), false);
    assert.equal(ids.has(String(book.id)), true);
    const p = await phone(h, 'del@example.com', 'del-pass-1', 'RULEPHONE2');
    const s = await sync(p, { key: '0', id: String(cal.id) });
    assert.equal(statusOf(collection(s.doc, String(cal.id))), '12');
  });

  it("a disabled owner's shared folders are hidden, and shown again once enabled", async () => {
    await h.ctx.store.updateAccount(boss.id, { disabled: true });
    try {
      assert.equal((await hierarchyOf(h, 'RULEPHONE3')).has(String(book.id)), false);
      const p = await phone(h, 'del@example.com', 'del-pass-1', 'RULEPHONE4');
      const s = await sync(p, { key: '0', id: String(book.id) });
      assert.equal(statusOf(collection(s.doc, String(book.id))), '12');
    } finally {
      await h.ctx.store.updateAccount(boss.id, { disabled: false });
    }
    assert.equal((await hierarchyOf(h, 'RULEPHONE5')).has(String(book.id)), true);
  });
});
