/**
 * The one rule of who may see a folder (src/auth/folder-access.ts), on a real store: owner,
 * grants to the user and to its groups, folder and account-wide grants, pending grants,
 * free-busy grants (only free-busy, never listed as shared), disabled owners (hidden) and grant
 * rows that cross domains (ignored).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountAccess, atLeast, folderAccess, sharedFolders } from '../../../src/auth/folder-access.js';
import type { Account, Folder } from '../../../src/model/types.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

describe('folderAccess and sharedFolders', () => {
  let opened: OpenedStore;
  let boss: Account, del: Account, other: Account, stranger: Account, team: Account;
  let cal: Folder, book: Folder, tasks: Folder, foreign: Folder;

  before(async () => {
    const sqlite = (await storeFactories()).find((f) => f.name === 'sqlite')!;
    opened = await sqlite.open();
    const s = opened.store;
    const d = await s.createDomain({ name: 'example.com' });
    const d2 = await s.createDomain({ name: 'other.test' });
    boss = await s.createAccount({ domainId: d.id, email: 'boss@example.com' });
    del = await s.createAccount({ domainId: d.id, email: 'del@example.com' });
    other = await s.createAccount({ domainId: d.id, email: 'other@example.com' });
    stranger = await s.createAccount({ domainId: d2.id, email: 'x@other.test' });
    team = await s.createAccount({ domainId: d.id, email: 'team@example.com', kind: 'group' });
    await s.addGroupMember(team.id, other.id);
    cal = await s.createFolder({ accountId: boss.id, name: 'Work', kind: 'calendar' });
    book = await s.createFolder({ accountId: boss.id, name: 'People', kind: 'contacts' });
    tasks = await s.createFolder({ accountId: boss.id, name: 'Todo', kind: 'tasks' });
    foreign = await s.createFolder({ accountId: stranger.id, name: 'Theirs', kind: 'calendar' });
    await s.createGrant({ ownerId: boss.id, folderId: cal.id, granteeId: del.id, rights: 'read', status: 'accepted' });
    await s.createGrant({ ownerId: boss.id, folderId: book.id, granteeId: del.id, rights: 'freebusy', status: 'accepted' });
    await s.createGrant({ ownerId: boss.id, folderId: tasks.id, granteeId: del.id, rights: 'write', status: 'pending' });
    await s.createGrant({ ownerId: boss.id, folderId: null, granteeId: team.id, rights: 'write', status: 'accepted' });
    // A row that crosses domains (never created by the admin paths) must be ignored.
    await s.createGrant({ ownerId: stranger.id, folderId: foreign.id, granteeId: del.id, rights: 'write', status: 'accepted' });
  });
  after(() => opened.dispose());

  it('the owner owns; a user without a grant has none', async () => {
    assert.equal(await folderAccess(opened.store, boss, cal), 'owner');
    assert.equal(await folderAccess(opened.store, stranger, cal), 'none');
  });

  it('a folder grant gives its rights on that folder only; pending grants give nothing', async () => {
    assert.equal(await folderAccess(opened.store, del, cal), 'read');
    assert.equal(await folderAccess(opened.store, del, tasks), 'none');
  });

  it('a free-busy grant gives free-busy and never read', async () => {
    const a = await folderAccess(opened.store, del, book);
    assert.equal(a, 'freebusy');
    assert.equal(atLeast(a, 'read'), false);
    assert.ok(!(await sharedFolders(opened.store, del)).some((s) => s.folder.id === book.id));
  });

  it('an account-wide grant to a group reaches every folder for its members', async () => {
    for (const f of [cal, book, tasks]) assert.equal(await folderAccess(opened.store, other, f), 'write');
    assert.equal(await accountAccess(opened.store, other, boss, null), 'write');
    assert.deepEqual(
      (await sharedFolders(opened.store, other)).filter((s) => [cal.id, book.id, tasks.id].includes(s.folder.id)).map((s) => s.access),
      ['write', 'write', 'write'],
    );
  });

  it("'any' scope sees folder grants; null scope only account-wide ones", async () => {
    assert.equal(await accountAccess(opened.store, del, boss, 'any'), 'read');
    assert.equal(await accountAccess(opened.store, del, boss, null), 'none');
  });

  it('grant rows that cross domains are ignored', async () => {
    assert.equal(await folderAccess(opened.store, del, foreign), 'none');
    assert.ok(!(await sharedFolders(opened.store, del)).some((s) => s.folder.id === foreign.id));
  });

  it('sharedFolders lists exactly the readable folders with their owner', async () => {
    const shared = await sharedFolders(opened.store, del);
    assert.deepEqual(
      shared.map((s) => [s.folder.id, s.owner.id, s.access]),
      [[cal.id, boss.id, 'read']],
    );
  });

  it("a disabled owner's folders are hidden from everyone else, and shown again on enabling", async () => {
    await opened.store.updateAccount(boss.id, { disabled: true });
    try {
      assert.equal(await folderAccess(opened.store, del, cal), 'none');
      assert.equal(await folderAccess(opened.store, other, cal), 'none');
      assert.equal(await accountAccess(opened.store, other, (await opened.store.getAccount(boss.id))!, 'any'), 'none');
      assert.deepEqual(await sharedFolders(opened.store, del), []);
      assert.equal(await folderAccess(opened.store, boss, cal), 'owner');
    } finally {
      await opened.store.updateAccount(boss.id, { disabled: false });
    }
    assert.equal(await folderAccess(opened.store, del, cal), 'read');
  });
});
