import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { ChangeEvent, Folder, Item } from '../../../src/model/types.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

/**
 * The one contract every store backend passes (sabre's AbstractPDOTestCase pattern): the same
 * assertions on SQLite and PostgreSQL.
 */
export function storeContract(factory: StoreFactory): void {
  describe(`store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    const uniqueDomain = () => `d${++seq}.example`;

    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    async function userWithDomain(opts: { maxUsers?: number; quota?: number } = {}) {
      const domain = await store.createDomain({ name: uniqueDomain(), maxUsers: opts.maxUsers ?? null, defaultQuota: opts.quota ?? null });
      const account = await store.createAccount({ domainId: domain.id, email: `user@${domain.name}` });
      return { domain, account };
    }

    async function folderOf(accountId: number, role: Folder['role']): Promise<Folder> {
      const f = await store.findFolderByRole(accountId, role!);
      assert.ok(f, `folder ${role}`);
      return f;
    }

    const rejects = (p: Promise<unknown>, code: string) =>
      assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code);

    describe('domains and accounts', () => {
      it('creates a domain, finds it case-insensitively, refuses a duplicate', async () => {
        const name = uniqueDomain();
        const d = await store.createDomain({ name: name.toUpperCase(), maxUsers: 5 });
        assert.equal(d.name, name);
        assert.equal((await store.getDomain(name.toUpperCase()))?.id, d.id);
        assert.equal((await store.getDomain(d.id))?.maxUsers, 5);
        await rejects(store.createDomain({ name }), 'Conflict');
        const updated = await store.updateDomain(d.id, { maxUsers: 7, footerText: 'footer', settings: { a: 1 } });
        assert.deepEqual([updated.maxUsers, updated.footerText, updated.settings], [7, 'footer', { a: 1 }]);
        assert.ok((await store.listDomains()).some((x) => x.id === d.id));
      });

      it('creates a user with every default folder and the domain default quota', async () => {
        const { account } = await userWithDomain({ quota: 1000 });
        assert.equal(account.quotaBytes, 1000);
        const roles = (await store.listFolders(account.id)).map((f) => f.role).sort();
        for (const role of ['inbox', 'drafts', 'sent', 'trash', 'junk', 'outbox', 'calendar', 'contacts', 'tasks', 'notes', 'files']) {
          assert.ok(roles.includes(role as never), role);
        }
        assert.equal((await store.getAccount(account.email.toUpperCase()))?.id, account.id);
      });

      it('refuses a duplicate address, an address of another domain and an alias address', async () => {
        const { domain, account } = await userWithDomain();
        await rejects(store.createAccount({ domainId: domain.id, email: account.email }), 'Conflict');
        await rejects(store.createAccount({ domainId: domain.id, email: 'x@elsewhere.example' }), 'Invalid');
        await store.setAlias(`sales@${domain.name}`, [account.email]);
        await rejects(store.createAccount({ domainId: domain.id, email: `sales@${domain.name}` }), 'Conflict');
        await rejects(store.setAlias(account.email, ['x@y.z']), 'Conflict');
      });

      it('enforces max users, also under concurrent creation', async () => {
        const domain = await store.createDomain({ name: uniqueDomain(), maxUsers: 3 });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.createAccount({ domainId: domain.id, email: `u${i}@${domain.name}` })));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
        for (const r of results) if (r.status === 'rejected') assert.ok(isStoreError(r.reason, 'LimitExceeded'), String(r.reason));
        assert.equal(await store.countAccounts(domain.id, 'user'), 3);
        // Groups and resources do not count against max users.
        await store.createAccount({ domainId: domain.id, email: `team@${domain.name}`, kind: 'group' });
      });

      it('updates, lists and deletes accounts; groups and aliases', async () => {
        const { domain, account } = await userWithDomain();
        const group = await store.createAccount({ domainId: domain.id, email: `all@${domain.name}`, kind: 'group' });
        await store.addGroupMember(group.id, account.id);
        await store.addGroupMember(group.id, account.id);
        assert.deepEqual((await store.listGroupMembers(group.id)).map((a) => a.id), [account.id]);
        assert.deepEqual((await store.listGroupsOf(account.id)).map((a) => a.id), [group.id]);
        const alias = await store.setAlias(`Info@${domain.name}`, [account.email]);
        assert.equal(alias.address, `info@${domain.name}`);
        assert.deepEqual((await store.getAlias(`INFO@${domain.name}`))?.targets, [account.email]);
        assert.equal((await store.listAliases(domain.id)).length, 1);
        await store.deleteAlias(alias.address);
        assert.equal(await store.getAlias(alias.address), null);
        const u = await store.updateAccount(account.id, { displayName: 'User', isServerAdmin: true, adminDomains: [domain.id], disabled: true });
        assert.deepEqual([u.displayName, u.isServerAdmin, u.adminDomains, u.disabled], ['User', true, [domain.id], true]);
        assert.equal((await store.listAccounts(domain.id)).length, 2);
        await store.deleteAccount(group.id);
        assert.equal(await store.getAccount(group.id), null);
      });
    });

    describe('folders', () => {
      it('creates, renames and moves folders; refuses sibling clashes and cycles', async () => {
        const { account } = await userWithDomain();
        const a = await store.createFolder({ accountId: account.id, name: 'Projects', kind: 'mail' });
        const b = await store.createFolder({ accountId: account.id, name: 'Hearth', kind: 'mail', parentId: a.id });
        await rejects(store.createFolder({ accountId: account.id, name: 'Projects', kind: 'mail' }), 'Conflict');
        await store.createFolder({ accountId: account.id, name: 'Hearth', kind: 'mail' });
        await rejects(store.updateFolder(a.id, { parentId: b.id }), 'Invalid');
        const renamed = await store.updateFolder(b.id, { name: 'Hearth 2', props: { color: '#ff0000' } });
        assert.equal(renamed.name, 'Hearth 2');
        assert.deepEqual(renamed.props, { color: '#ff0000' });
        assert.ok(renamed.modseq > b.modseq);
        assert.equal((await store.findFolderByName(account.id, a.id, 'Hearth 2'))?.id, b.id);
      });

      it('reports folder changes and deletions since a modseq, deleting subtrees', async () => {
        const { account } = await userWithDomain();
        const start = await store.accountModseq(account.id);
        const a = await store.createFolder({ accountId: account.id, name: 'A', kind: 'calendar' });
        const b = await store.createFolder({ accountId: account.id, name: 'B', kind: 'calendar', parentId: a.id });
        await store.createItem({ folderId: b.id, name: 'x.ics', uid: 'x', content: 'BEGIN:VCALENDAR' });
        let changes = await store.folderChangesSince(account.id, start);
        assert.deepEqual(changes.changed.map((f) => f.id), [a.id, b.id]);
        const mid = changes.modseq;
        await store.deleteFolder(a.id);
        changes = await store.folderChangesSince(account.id, mid);
        assert.deepEqual(changes.deleted.map((d) => d.folderId).sort(), [a.id, b.id].sort());
        assert.equal(await store.getFolder(b.id), null);
        assert.equal((await store.accountUsage(account.id)).bytes, 0);
      });
    });

    describe('items and change tracking', () => {
      it('stamps every write with a strictly increasing account modseq', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        const seen: number[] = [];
        const a = await store.createItem({ folderId: cal.id, name: 'a.ics', uid: 'a', content: 'A', componentType: 'VEVENT', startAt: 1000, endAt: 2000 });
        seen.push(a.modseq);
        const a2 = await store.updateItem(a.id, { content: 'A2', summary: 'Changed' });
        seen.push(a2.modseq);
        const f = await store.createFolder({ accountId: account.id, name: 'Other', kind: 'calendar' });
        seen.push(f.modseq);
        const b = await store.createItem({ folderId: cal.id, name: 'b.ics', uid: 'b', content: 'B' });
        seen.push(b.modseq);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `modseq ${seen}`);
        assert.equal(await store.accountModseq(account.id), b.modseq);
        assert.equal((await store.getItemByUid(cal.id, 'a'))?.summary, 'Changed');
        assert.equal((await store.getItemByName(cal.id, 'b.ics'))?.content, 'B');
        assert.equal((await store.getItemsByNames(cal.id, ['a.ics', 'b.ics', 'zz.ics'])).length, 2);
      });

      it('refuses duplicate names and duplicate UIDs in a PIM folder', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        await store.createItem({ folderId: cal.id, name: 'a.ics', uid: 'same', content: 'A' });
        await rejects(store.createItem({ folderId: cal.id, name: 'a.ics', uid: 'other', content: 'A' }), 'Conflict');
        await rejects(store.createItem({ folderId: cal.id, name: 'b.ics', uid: 'same', content: 'A' }), 'Conflict');
        await rejects(store.createItems([
          { folderId: cal.id, name: 'c.ics', uid: 'dup', content: 'A' }, { folderId: cal.id, name: 'd.ics', uid: 'dup', content: 'A' },
        ]), 'Conflict');
        assert.equal((await store.countItems(cal.id)).count, 1, 'a failed batch writes nothing');
      });

      it('lists only the fields asked for with listItemFields, in modseq order, filtered by modseq, names, dates and limit', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        const made = await store.createItems(Array.from({ length: 4 }, (_, i) => ({
          folderId: cal.id, name: `${i}.ics`, uid: `l${i}`, content: `C${i}`, contentType: 'text/calendar', size: 2,
          componentType: 'VEVENT', startAt: i * 1000, endAt: i * 1000 + 500, recurring: i === 2,
        })));
        await store.updateItem(made[0].id, { content: 'C0b', props: { davDead: { x: '<x/>' } } });
        const lean = await store.listItemFields(cal.id, []);
        assert.deepEqual(lean.map((r) => Object.keys(r).sort()), lean.map(() => ['id', 'modseq', 'name']), 'nothing but id, name, modseq');
        assert.deepEqual(lean.map((r) => r.name), ['1.ics', '2.ics', '3.ics', '0.ics'], 'modseq order');
        const full = await store.getItem(made[0].id);
        const [row] = await store.listItemFields(cal.id, ['content', 'props', 'size', 'contentType', 'recurring', 'startAt', 'endAt', 'componentType', 'updatedAt', 'createdAt', 'blobHash'], { names: ['0.ics', 'zz.ics'] });
        assert.deepEqual(row, { id: full!.id, name: '0.ics', modseq: full!.modseq, content: 'C0b', props: { davDead: { x: '<x/>' } }, size: full!.size, contentType: 'text/calendar', recurring: false, startAt: 0, endAt: 500, componentType: 'VEVENT', updatedAt: full!.updatedAt, createdAt: full!.createdAt, blobHash: null });
        assert.deepEqual((await store.listItemFields(cal.id, ['props', 'recurring'], { names: ['2.ics'] }))[0], { id: made[2].id, name: '2.ics', modseq: made[2].modseq, props: {}, recurring: true });
        assert.deepEqual((await store.listItemFields(cal.id, [], { afterModseq: made[2].modseq })).map((r) => r.name), ['3.ics', '0.ics']);
        assert.deepEqual((await store.listItemFields(cal.id, [], { limit: 2 })).map((r) => r.name), ['1.ics', '2.ics']);
        assert.deepEqual((await store.listItemFields(cal.id, [], { from: 1600, to: 3000 })).map((r) => r.name), ['2.ics']);
        // Objects without an indexed start (or end) are candidates for every range, in modseq
        // order with the others and cut by the limit alike.
        const open = await store.createItems([
          { folderId: cal.id, name: 'nostart.ics', uid: 'ns', content: 'N', componentType: 'VEVENT', startAt: null, endAt: 2500 },
          { folderId: cal.id, name: 'noend.ics', uid: 'ne', content: 'E', componentType: 'VEVENT', startAt: 100, endAt: null },
          { folderId: cal.id, name: 'neither.ics', uid: 'nn', content: 'X', componentType: 'VEVENT', startAt: null, endAt: null },
          { folderId: cal.id, name: 'ended.ics', uid: 'ee', content: 'D', componentType: 'VEVENT', startAt: null, endAt: 1000 },
        ]);
        await store.updateItem(made[2].id, { content: 'C2b' });
        assert.deepEqual((await store.listItemFields(cal.id, ['startAt'], { from: 1600, to: 3000 })).map((r) => r.name), ['nostart.ics', 'noend.ics', 'neither.ics', '2.ics']);
        assert.deepEqual((await store.listItemFields(cal.id, [], { from: 1600, to: 3000, limit: 2 })).map((r) => r.name), ['nostart.ics', 'noend.ics']);
        assert.deepEqual((await store.listItemFields(cal.id, [], { from: 1600, to: 3000, names: ['2.ics', 'neither.ics', 'ended.ics'] })).map((r) => r.name), ['neither.ics', '2.ics']);
        assert.equal(open.length, 4);
        assert.deepEqual(await store.listItemFields(999_999, ['content']), []);
      });

      it('lists items by many names in one call: odd characters, duplicates, missing names, only the folder asked for', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        const other = await store.createFolder({ accountId: account.id, name: 'Other', kind: 'calendar' });
        const odd = ['caf\u00e9 & co.ics', "o'brien.ics", 'quote".ics', 'back\\slash.ics', 'a,b.ics', '%41.ics', '[1].ics', 'emoji \u{1F600}.ics'];
        const names = [...Array.from({ length: 620 }, (_, i) => `n${i}.ics`), ...odd];
        const made = await store.createItems(names.map((name, i) => ({ folderId: cal.id, name, uid: `u${i}`, content: `C${i}` })));
        await store.createItem({ folderId: other.id, name: 'n1.ics', uid: 'elsewhere', content: 'X' });
        const asked = [...names.filter((_, i) => i % 3 === 0), ...odd, 'n1.ics', 'n1.ics', 'missing.ics', 'N3.ics'];
        const rows = await store.listItemFields(cal.id, ['content'], { names: asked });
        const want = made.filter((m) => asked.includes(m.name)).sort((a, b) => a.modseq - b.modseq);
        assert.deepEqual(rows, want.map((m) => ({ id: m.id, name: m.name, modseq: m.modseq, content: m.content })), 'each once, in modseq order');
        assert.deepEqual(await store.listItemFields(cal.id, ['content'], { names: [] }), []);
        assert.deepEqual((await store.listItemFields(other.id, [], { names: ['n1.ics', 'n2.ics'] })).map((r) => r.name), ['n1.ics']);
        assert.deepEqual((await store.listItemFields(cal.id, [], { names: ['n5.ics', 'n2.ics', 'n9.ics'], limit: 2 })).map((r) => r.name), ['n2.ics', 'n5.ics']);
      });

      it('answers changesSince with changes, tombstones and paging', async () => {
        const { account } = await userWithDomain();
        const book = await folderOf(account.id, 'contacts');
        const base = (await store.changesSince(book.id, 0)).modseq;
        const items = await store.createItems(Array.from({ length: 10 }, (_, i) => ({ folderId: book.id, name: `${i}.vcf`, uid: `u${i}`, content: `V${i}` })));
        await store.updateItem(items[3].id, { content: 'V3b' });
        await store.deleteItem(items[5].id);
        const all = await store.changesSince(book.id, base);
        assert.equal(all.changed.length, 9);
        assert.deepEqual(all.deleted.map((d) => d.name), ['5.vcf']);
        assert.equal(all.more, false);
        assert.equal(all.modseq, await store.accountModseq(account.id));
        // Paging: 4 at a time visits every change exactly once.
        const names: string[] = [];
        let from = base;
        for (let guard = 0; guard < 10; guard++) {
          const page = await store.changesSince(book.id, from, 4);
          names.push(...page.changed.map((c) => c.name), ...page.deleted.map((d) => `-${d.name}`));
          from = page.modseq;
          if (!page.more) break;
        }
        assert.equal(names.length, 10);
        assert.equal(new Set(names).size, 10);
        const light = await store.changesSince(book.id, base, undefined, { withoutContent: true });
        assert.equal(light.changed.length, 9);
        assert.ok(light.changed.every((c) => c.content === null && c.modseq > base));
        // The PIM sync feed: the same changes and tombstones; its fields as the full feed's, the rest empty.
        const pim = await store.changesSince(book.id, base, undefined, { pimSync: true });
        assert.deepEqual(pim.deleted, all.deleted);
        assert.equal(pim.modseq, all.modseq);
        const kept = ['id', 'accountId', 'folderId', 'name', 'uid', 'content', 'size', 'imapUid', 'componentType', 'startAt', 'endAt', 'recurring', 'modseq'] as const;
        const pick = (c: Item) => Object.fromEntries(kept.map((k) => [k, c[k]]));
        assert.deepEqual(pim.changed.map(pick), all.changed.map(pick));
        assert.ok(pim.changed.every((c) => c.blobHash === null && c.summary === null && c.flags.length === 0 && Object.keys(c.props).length === 0));
        const pimPage = await store.changesSince(book.id, base, 4, { pimSync: true });
        assert.deepEqual([pimPage.changed.length + pimPage.deleted.length, pimPage.more], [4, true]);
        const none = await store.changesSince(book.id, all.modseq);
        assert.deepEqual([none.changed.length, none.deleted.length, none.modseq], [0, 0, all.modseq]);
      });

      it('rejects a write whose expected modseq is stale (optimistic concurrency)', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        const item = await store.createItem({ folderId: cal.id, name: 'x.ics', uid: 'x', content: 'v1' });
        const updated = await store.updateItem(item.id, { content: 'v2' }, { ifModseq: item.modseq });
        await rejects(store.updateItem(item.id, { content: 'v3' }, { ifModseq: item.modseq }), 'PreconditionFailed');
        await rejects(store.deleteItem(item.id, { ifModseq: item.modseq }), 'PreconditionFailed');
        await store.deleteItem(item.id, { ifModseq: updated.modseq });
        assert.equal(await store.getItem(item.id), null);
      });

      it('loses no update under concurrent writers', async () => {
        const { account } = await userWithDomain();
        const tasks = await folderOf(account.id, 'tasks');
        const item = await store.createItem({ folderId: tasks.id, name: 'counter', content: '0' });
        // 20 racing writers all read version 1 and write with If-Match: exactly one wins.
        const race = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
          store.updateItem(item.id, { content: `w${i}` }, { ifModseq: item.modseq })));
        assert.equal(race.filter((r) => r.status === 'fulfilled').length, 1);
        // 30 read-modify-write increments with retry on PreconditionFailed: the count is exact.
        const peer = await opened.peer();
        const increment = async (s: Store) => {
          for (;;) {
            const cur = (await s.getItem(item.id))!;
            const n = /^\d+$/.test(cur.content!) ? Number(cur.content) : 0;
            try { await s.updateItem(item.id, { content: String(n + 1) }, { ifModseq: cur.modseq }); return; } catch (e) {
              if (!isStoreError(e, 'PreconditionFailed')) throw e;
            }
          }
        };
        await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 ? peer : store)));
        assert.equal((await store.getItem(item.id))!.content, '30');
        // Concurrent creations each get their own modseq.
        const created = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? peer : store).createItem({ folderId: tasks.id, name: `t${i}`, content: 'x' })));
        assert.equal(new Set(created.map((c) => c.modseq)).size, 20);
      });

      it('moves items with a tombstone in the source and a fresh IMAP UID in the target', async () => {
        const { account } = await userWithDomain();
        const inbox = await folderOf(account.id, 'inbox');
        const trash = await folderOf(account.id, 'trash');
        const m1 = await store.createItem({ folderId: inbox.id, name: 'm1', size: 100, flags: ['\\Seen'] });
        const m2 = await store.createItem({ folderId: inbox.id, name: 'm2', size: 50 });
        assert.deepEqual([m1.imapUid, m2.imapUid], [1, 2]);
        const from = m2.modseq;
        const moved = await store.moveItem(m1.id, trash.id);
        assert.equal(moved.folderId, trash.id);
        assert.equal(moved.imapUid, 1);
        assert.deepEqual(moved.flags, ['\\Seen']);
        const src = await store.changesSince(inbox.id, from);
        assert.deepEqual(src.deleted.map((d) => d.imapUid), [1]);
        const dst = await store.changesSince(trash.id, from);
        assert.deepEqual(dst.changed.map((c) => c.id), [m1.id]);
        assert.equal((await store.getFolder(inbox.id))!.uidNext, 3);
        assert.deepEqual(await store.accountUsage(account.id), { bytes: 150, messages: 2 });
        await store.deleteItem(m2.id);
        assert.deepEqual(await store.accountUsage(account.id), { bytes: 100, messages: 1 });
      });

      it('refuses writes beyond the quota and stores nothing', async () => {
        const { account } = await userWithDomain({ quota: 1000 });
        const files = await folderOf(account.id, 'files');
        await store.createItem({ folderId: files.id, name: 'a', size: 900 });
        await rejects(store.createItem({ folderId: files.id, name: 'b', size: 200 }), 'QuotaExceeded');
        assert.equal((await store.countItems(files.id)).count, 1);
        assert.equal((await store.accountUsage(account.id)).bytes, 900);
      });

      it('lists items by time range and without content', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        await store.createItems([
          { folderId: cal.id, name: 'early', uid: '1', content: 'x', startAt: 0, endAt: 100 },
          { folderId: cal.id, name: 'mid', uid: '2', content: 'x', startAt: 150, endAt: 250 },
          { folderId: cal.id, name: 'open', uid: '3', content: 'x', startAt: 50, endAt: null, recurring: true },
        ]);
        const hits = await store.listItems(cal.id, { from: 120, to: 200, withoutContent: true });
        assert.deepEqual(hits.map((h) => h.name).sort(), ['mid', 'open']);
        assert.equal(hits[0].content, null);
        assert.equal((await store.listItems(cal.id, { limit: 2 })).length, 2);
      });
    });

    describe('blobs', () => {
      it('stores content once, counts references and frees the last', async () => {
        const data = Buffer.from(`blob ${factory.name} ${Date.now()}`);
        const h1 = await store.putBlob(data);
        const h2 = await store.putBlob(data);
        assert.equal(h1, h2);
        assert.match(h1, /^[0-9a-f]{64}$/);
        assert.deepEqual(await store.getBlob(h1), data);
        await store.releaseBlob(h1);
        assert.deepEqual(await store.getBlob(h1), data);
        await store.releaseBlob(h1);
        assert.equal(await store.getBlob(h1), null);
        assert.equal(await store.getBlob('../../etc/passwd'), null);
      });

      it('releases an item blob when the item is deleted', async () => {
        const { account } = await userWithDomain();
        const inbox = await folderOf(account.id, 'inbox');
        const hash = await store.putBlob(Buffer.from(`message ${Math.random()}`));
        const item = await store.createItem({ folderId: inbox.id, name: 'm', blobHash: hash, size: 10 });
        await store.deleteItem(item.id);
        assert.equal(await store.getBlob(hash), null);
      });
    });

    describe('devices, sync state, grants, settings, lockout, audit', () => {
      it('creates a device on first contact and keeps the previous sync state', async () => {
        const { account } = await userWithDomain();
        const d = await store.touchDevice({ accountId: account.id, deviceId: 'DEV1', deviceType: 'iPhone', protocolVersion: '14.1' });
        assert.deepEqual([d.wipeState, d.access, d.policyKey], ['none', 'allowed', null]);
        const again = await store.touchDevice({ accountId: account.id, deviceId: 'DEV1', userAgent: 'Apple-iPhone/1' });
        assert.equal(again.id, d.id);
        assert.equal(again.deviceType, 'iPhone');
        assert.equal(again.userAgent, 'Apple-iPhone/1');
        const u = await store.updateDevice(d.id, { wipeState: 'requested', wipeAccountOnly: true, info: { model: 'X' }, policyKey: '123' });
        assert.deepEqual([u.wipeState, u.wipeAccountOnly, u.info, u.policyKey], ['requested', true, { model: 'X' }, '123']);
        await store.putSyncState(d.id, '5', '1', { a: 1 });
        await store.putSyncState(d.id, '5', '2', { a: 2 });
        const s = await store.getSyncState(d.id, '5');
        assert.deepEqual([s!.syncKey, s!.state, s!.previousKey, s!.previousState], ['2', { a: 2 }, '1', { a: 1 }]);
        await store.putSyncState(d.id, '5', '2', { a: 3 });
        assert.equal((await store.getSyncState(d.id, '5'))!.previousKey, '1', 'rewriting the same key keeps the previous one');
        assert.equal((await store.listDevices(account.id)).length, 1);
        await store.deleteDevice(d.id);
        assert.equal(await store.getSyncState(d.id, '5'), null);
      });

      it('keeps grants, settings, login failures and audit events', async () => {
        const { domain, account } = await userWithDomain();
        const other = await store.createAccount({ domainId: domain.id, email: `other@${domain.name}` });
        const cal = await folderOf(account.id, 'calendar');
        const g = await store.createGrant({ ownerId: account.id, folderId: cal.id, granteeId: other.id, rights: 'read', status: 'pending' });
        await store.updateGrant(g.id, { status: 'accepted', rights: 'write' });
        assert.deepEqual((await store.listGrantsForGrantee(other.id)).map((x) => [x.rights, x.status]), [['write', 'accepted']]);
        assert.equal((await store.listGrantsByOwner(account.id)).length, 1);
        await store.deleteGrant(g.id);
        assert.equal((await store.listGrantsByOwner(account.id)).length, 0);
        await store.setSetting(account.id, 'oof', { state: 1, message: 'away' });
        assert.deepEqual(await store.getSetting(account.id, 'oof'), { state: 1, message: 'away' });
        assert.equal(await store.getSetting(account.id, 'missing'), null);
        await store.recordLoginFailure(account.email, '10.0.0.1', 1000);
        await store.recordLoginFailure(account.email.toUpperCase(), '10.0.0.1', 2000);
        await store.recordLoginFailure(account.email, '10.0.0.2', 2000);
        assert.equal(await store.countLoginFailures(account.email, '10.0.0.1', 1500), 1);
        assert.equal(await store.countLoginFailures(account.email, '10.0.0.1', 0), 2);
        assert.equal(await store.clearLoginFailures(account.email), 3);
        await store.audit({ actor: 'admin', action: 'device.wipe', target: account.email, source: 'cli', detail: { device: 'D' } });
        const events = await store.listAudit({ target: account.email });
        assert.deepEqual(events.map((e) => [e.action, e.detail]), [['device.wipe', { device: 'D' }]]);
      });

      it('lists failure times newest first, counts them across sources, and purges old ones (issue 8.5)', async () => {
        const { account } = await userWithDomain();
        const other = `x-${account.email}`;
        for (const [login, source, at] of [
          [account.email, '10.0.0.1', 1000], [account.email.toUpperCase(), '10.0.0.1', 3000], [account.email, '10.0.0.1', 2000],
          [account.email, '10.0.0.2', 2500], [other, '10.0.0.1', 500],
        ] as const) await store.recordLoginFailure(login, source, at);
        assert.deepEqual(await store.loginFailureTimes(account.email, '10.0.0.1', 0, 10), [3000, 2000, 1000]);
        assert.deepEqual(await store.loginFailureTimes(account.email.toUpperCase(), '10.0.0.1', 1500, 10), [3000, 2000]);
        assert.deepEqual(await store.loginFailureTimes(account.email, '10.0.0.1', 0, 2), [3000, 2000], 'at most limit');
        assert.deepEqual(await store.loginFailureTimes(account.email, '10.0.0.9', 0, 10), []);
        assert.equal(await store.countAccountLoginFailures(account.email, 0), 4, 'every source, not other logins');
        assert.equal(await store.countAccountLoginFailures(account.email, 2000), 3);
        assert.equal(await store.purgeLoginFailures(2000), 2, 'the rows before 2000, of every login');
        assert.deepEqual(await store.loginFailureTimes(account.email, '10.0.0.1', 0, 10), [3000, 2000]);
        assert.equal(await store.countAccountLoginFailures(other, 0), 0);
        assert.equal(await store.clearLoginFailures(account.email), 3);
      });
    });

    describe('resource locks', () => {
      it('stores, lists live locks, refuses conflicts atomically, refreshes, expires and deletes', async () => {
        const space = `files:${factory.name}:${Date.now()}`;
        const lock = (token: string, path: string, expiresAt: number) => ({ token, space, path, data: { scope: 'exclusive', depth: '0' }, expiresAt });
        const exclusiveOn = (path: string) => (live: { path: string }[]) => live.some((l) => l.path === path);
        assert.equal(await store.createLock(lock('t1', '/a', 5000), 1000, exclusiveOn('/a')), true);
        assert.equal(await store.createLock(lock('t2', '/a', 5000), 1000, exclusiveOn('/a')), false);
        assert.deepEqual((await store.listLocks(space, 1000)).map((l) => [l.token, l.path, l.data]), [['t1', '/a', { scope: 'exclusive', depth: '0' }]]);
        // Ten racing lockers of one path (on two nodes for PostgreSQL): exactly one wins.
        const peer = await opened.peer();
        const race = await Promise.all(Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? peer : store).createLock(lock(`r${i}`, '/b', 5000), 1000, exclusiveOn('/b'))));
        assert.equal(race.filter(Boolean).length, 1);
        assert.equal(await store.refreshLock('t1', 9000), true);
        assert.equal(await store.refreshLock('nope', 9000), false);
        assert.deepEqual((await store.listLocks(space, 6000)).map((l) => l.token), ['t1'], 'expired locks are not live');
        // An expired lock no longer conflicts.
        assert.equal(await store.createLock(lock('t3', '/b', 9000), 6000, exclusiveOn('/b')), true);
        assert.equal(await store.deleteLocks(['t1', 't3', 'missing']), 2);
        assert.deepEqual(await store.listLocks(space, 6000), []);
      });
    });

    describe('change notifications', () => {
      it('tells subscribers of committed writes, on this node and on another', async () => {
        const { account } = await userWithDomain();
        const peer = await opened.peer();
        const cal = await folderOf(account.id, 'calendar');
        const local: ChangeEvent[] = [];
        const remote: ChangeEvent[] = [];
        const offLocal = store.subscribe(account.id, (e) => local.push(e));
        const offRemote = peer.subscribe(account.id, (e) => remote.push(e));
        await (store as { ready?: () => Promise<void> }).ready?.();
        await (peer as { ready?: () => Promise<void> }).ready?.();
        const item = await store.createItem({ folderId: cal.id, name: 'n.ics', uid: 'n', content: 'x' });
        await waitFor(() => local.some((e) => e.modseq === item.modseq));
        assert.deepEqual(local.find((e) => e.modseq === item.modseq), { accountId: account.id, folderId: cal.id, modseq: item.modseq });
        if (factory.name === 'postgres') {
          // Across nodes only PostgreSQL carries notifications (LISTEN/NOTIFY).
          await waitFor(() => remote.some((e) => e.modseq === item.modseq));
        }
        offLocal();
        await store.updateItem(item.id, { content: 'y' });
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(local.filter((e) => e.folderId === cal.id).length, 1, 'no event after unsubscribe');
        offRemote();
      });

      it('carries signals to subscribers of the account (on every node for PostgreSQL)', async () => {
        const { account } = await userWithDomain();
        const peer = await opened.peer();
        const got: ChangeEvent[] = [];
        const off = peer.subscribe(account.id, (e) => got.push(e));
        await (peer as { ready?: () => Promise<void> }).ready?.();
        await store.signal(account.id, 'ping:DEV:1 with spaces:colons');
        await waitFor(() => got.some((e) => e.signal !== undefined));
        assert.deepEqual(got.find((e) => e.signal !== undefined), { accountId: account.id, folderId: null, modseq: 0, signal: 'ping:DEV:1 with spaces:colons' });
        await rejects(store.signal(account.id, 'x'.repeat(1001)), 'Invalid');
        off();
      });

      it('does not notify for a write that rolled back', async () => {
        const { account } = await userWithDomain();
        const cal = await folderOf(account.id, 'calendar');
        const first = await store.createItem({ folderId: cal.id, name: 'a.ics', uid: 'a', content: 'x' });
        const events: ChangeEvent[] = [];
        const off = store.subscribe(account.id, (e) => events.push(e));
        await (store as { ready?: () => Promise<void> }).ready?.();
        await rejects(store.createItem({ folderId: cal.id, name: 'a.ics', uid: 'b', content: 'x' }), 'Conflict');
        await new Promise((r) => setTimeout(r, 150));
        off();
        // The first write's own notification may still arrive (NOTIFY is asynchronous).
        assert.deepEqual(events.filter((e) => e.modseq > first.modseq), []);
      });
    });
  });
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a notification');
    await new Promise((r) => setTimeout(r, 5));
  }
}
