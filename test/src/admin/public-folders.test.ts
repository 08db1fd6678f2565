import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPublicFolder, deletePublicFolder, getPublicFolder, listPublicFolders, publicFolderOwner, setPublicFolderGrant, updatePublicFolder,
} from '../../../src/admin/public-folders.js';
import { deleteDomain } from '../../../src/admin/domains.js';
import { folderAccess, sharedFolders, publicOwnerAddress } from '../../../src/auth/folder-access.js';
import { resolveRecipient } from '../../../src/mail/recipients.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import type { Account, Domain } from '../../../src/model/types.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const BY = { actor: 'admin@example.test', source: 'cli' };
const rejects = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code);

for (const factory of await storeFactories()) {
  describe(`public folders (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let d: Domain;
    let other: Domain;
    let alice: Account;
    let bob: Account;
    let stranger: Account;
    before(async () => {
      opened = await factory.open();
      store = opened.store;
      d = await store.createDomain({ name: 'pub.example' });
      other = await store.createDomain({ name: 'elsewhere.example' });
      alice = await store.createAccount({ domainId: d.id, email: 'alice@pub.example' });
      bob = await store.createAccount({ domainId: d.id, email: 'bob@pub.example' });
      stranger = await store.createAccount({ domainId: other.id, email: 'eve@elsewhere.example' });
    });
    after(async () => { await opened?.dispose(); });

    it('builds a tree with paths, refuses duplicate siblings, bad names and kinds, and audits', async () => {
      assert.deepEqual(await listPublicFolders(store, d), [], 'a domain starts without public folders');
      const sales = await createPublicFolder(store, BY, d, { name: 'Sales', kind: 'mail' });
      const cal = await createPublicFolder(store, BY, d, { name: 'Holidays', kind: 'calendar', parentId: sales.id, defaultAccess: 'write' });
      assert.equal(cal.path, 'Sales/Holidays');
      assert.equal(cal.defaultAccess, 'write');
      assert.equal(sales.defaultAccess, 'read', 'read is the default');
      await rejects(createPublicFolder(store, BY, d, { name: 'sales', kind: 'mail' }), 'Conflict');
      await rejects(createPublicFolder(store, BY, d, { name: 'a/b', kind: 'mail' }), 'Invalid');
      await rejects(createPublicFolder(store, BY, d, { name: '  ', kind: 'mail' }), 'Invalid');
      await rejects(createPublicFolder(store, BY, d, { name: 'Files', kind: 'files' as never }), 'Invalid');
      await rejects(createPublicFolder(store, BY, d, { name: 'X', kind: 'mail', defaultAccess: 'owner' as never }), 'Invalid');
      await rejects(updatePublicFolder(store, BY, d, sales.id, { parentId: cal.id }), 'Invalid');
      const audit = await store.listAudit({ target: 'public-folder:pub.example/Sales/Holidays' });
      assert.deepEqual(audit.map((e) => e.action), ['public-folder.created']);
      // The events are the domain's: its administrators list them (GET /api/v1/audit scopes by domain).
      const mine = await store.pageAudit({ domain: 'pub.example', action: 'public-folder.', limit: 10, offset: 0 });
      assert.deepEqual(mine.events.map((e) => e.target).sort(), ['public-folder:pub.example/Sales', 'public-folder:pub.example/Sales/Holidays']);
      await createPublicFolder(store, BY, d, { name: 'for x@elsewhere.example', kind: 'mail' });
      assert.equal((await store.pageAudit({ domain: 'elsewhere.example', limit: 10, offset: 0 })).total, 0, "an '@' in a name never files the event under another domain");
    });

    it('gives every user of the domain the default access, grants raise it, another domain sees nothing', async () => {
      const board = await createPublicFolder(store, BY, d, { name: 'Board', kind: 'contacts', defaultAccess: 'none' });
      const news = await createPublicFolder(store, BY, d, { name: 'News', kind: 'notes', defaultAccess: 'read' });
      const boardFolder = (await store.getFolder(board.id))!;
      const newsFolder = (await store.getFolder(news.id))!;
      assert.equal(await folderAccess(store, alice, newsFolder), 'read');
      assert.equal(await folderAccess(store, alice, boardFolder), 'none');
      assert.equal(await folderAccess(store, stranger, newsFolder), 'none', 'another domain never sees it');

      const group = await store.createAccount({ domainId: d.id, email: 'board@pub.example', kind: 'group' });
      await store.addGroupMember(group.id, bob.id);
      await setPublicFolderGrant(store, BY, d, board.id, 'board@pub.example', 'write');
      assert.equal(await folderAccess(store, bob, boardFolder), 'write', 'a group grant raises the default');
      assert.equal(await folderAccess(store, alice, boardFolder), 'none');
      assert.deepEqual((await getPublicFolder(store, d, board.id)).grants, [{ grantee: 'board@pub.example', granteeKind: 'group', rights: 'write' }]);

      const bobs = (await sharedFolders(store, bob)).filter((s) => s.owner.kind === 'public').map((s) => [s.folder.name, s.access]);
      assert.ok(bobs.some(([n, a]) => n === 'Board' && a === 'write'));
      assert.ok(bobs.some(([n, a]) => n === 'News' && a === 'read'));
      const alices = (await sharedFolders(store, alice)).map((s) => s.folder.name);
      assert.ok(!alices.includes('Board'), 'a folder without access is not shared');
      assert.deepEqual(await sharedFolders(store, stranger), []);

      // Grants stay inside the domain, and 'none' takes one back.
      await rejects(setPublicFolderGrant(store, BY, d, board.id, 'eve@elsewhere.example', 'read'), 'NotFound');
      await setPublicFolderGrant(store, BY, d, board.id, 'board@pub.example', 'none');
      assert.equal(await folderAccess(store, bob, boardFolder), 'none');

      // The default changes for everyone at once.
      await updatePublicFolder(store, BY, d, news.id, { defaultAccess: 'write', name: 'Newsroom' });
      assert.equal(await folderAccess(store, alice, (await store.getFolder(news.id))!), 'write');
    });

    it('keeps the owner out of the directory, the mail routes and another domain', async () => {
      await createPublicFolder(store, BY, d, { name: 'Shared Inbox', kind: 'mail' });
      const owner = (await publicFolderOwner(store, d, false))!;
      assert.equal(owner.email, publicOwnerAddress('pub.example'));
      assert.equal(owner.passwordHash, null, 'it can never sign in');
      assert.ok(!(await store.listAccounts(d.id)).some((a) => a.id === owner.id));
      assert.ok(!(await store.listAccounts()).some((a) => a.kind === 'public'));
      const route = await resolveRecipient(store, owner.email);
      assert.notEqual(route.kind, 'local', 'no mail is delivered to it');
      const mine = (await listPublicFolders(store, d))[0]!;
      await rejects(getPublicFolder(store, other, mine.id), 'NotFound');
      await rejects(deletePublicFolder(store, BY, other, mine.id), 'NotFound');
      const inbox = (await store.findFolderByRole(alice.id, 'inbox'))!;
      await rejects(getPublicFolder(store, d, inbox.id), 'NotFound', );
    });

    it('deletes a folder with its subtree, and all of them with the domain', async () => {
      const top = await createPublicFolder(store, BY, d, { name: 'Archive 2020', kind: 'mail' });
      const kid = await createPublicFolder(store, BY, d, { name: 'Q1', kind: 'mail', parentId: top.id });
      await deletePublicFolder(store, BY, d, top.id);
      assert.equal(await store.getFolder(kid.id), null);
      assert.ok(!(await listPublicFolders(store, d)).some((f) => f.id === top.id || f.id === kid.id));
      const gone = await store.createDomain({ name: 'gone.example' });
      await createPublicFolder(store, BY, gone, { name: 'Team', kind: 'calendar' });
      await deleteDomain(store, BY, gone);
      assert.equal(await store.getAccount(publicOwnerAddress('gone.example')), null);
      assert.equal(await store.getDomain('gone.example'), null);
    });
  });
}
