import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { at, makeHarness, TestDevice, type Harness } from '../harness.js';
import { child, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';

const NS = 'FolderHierarchy';
const changes = (doc: WbxmlElement | null, op: string) => children(child(doc!, 'Changes') ?? el(NS, 'x'), op);
const cmd = (tag: string, fields: Record<string, string>) => el(NS, tag, Object.entries(fields).map(([k, v]) => el(NS, k, v)));

describe('FolderSync, FolderCreate, FolderUpdate, FolderDelete', () => {
  let h: Harness;
  let d: TestDevice;
  let accountId: number;
  before(async () => {
    h = await makeHarness();
    accountId = (await h.addUser('fay@example.com', 'fay-pass-1')).id;
    d = new TestDevice(h.app, 'fay@example.com', 'fay-pass-1', 'FOLDERS1', '14.1');
    await d.provision();
  });
  after(() => h.close());

  let key = '';
  it('first sync: every shown folder with its EAS type, hidden ones left out', async () => {
    const r = await d.folderSync('0');
    assert.equal(at(r.doc, 'Status'), '1');
    key = at(r.doc, 'SyncKey')!;
    const adds = changes(r.doc, 'Add');
    assert.equal(at(r.doc, 'Changes', 'Count'), String(adds.length));
    const byName = Object.fromEntries(adds.map((a) => [at(a, 'DisplayName'), at(a, 'Type')]));
    assert.deepEqual(byName, { INBOX: '2', Drafts: '3', Trash: '4', Sent: '5', Outbox: '6', Tasks: '7', Calendar: '8', Contacts: '9', Notes: '10', Junk: '12', Archive: '12' });
    for (const a of adds) assert.equal(at(a, 'ParentId'), '0');
  });

  it('a retry of the previous key gets the same answer (lost response)', async () => {
    const again = await d.folderSync('0');
    const k2 = at(again.doc, 'SyncKey')!;
    assert.notEqual(k2, key, 'a reset makes a new key');
    const first = await d.folderSync(key);
    assert.equal(at(first.doc, 'Status'), '9', 'the key before the reset is gone');
    // Change something, sync it, then replay the key as if the answer had been lost.
    const f = await h.ctx.store.createFolder({ accountId, name: 'Receipts', kind: 'mail' });
    const r1 = await d.folderSync(k2);
    const r2 = await d.folderSync(k2);
    assert.deepEqual(r2.raw, r1.raw);
    assert.equal(changes(r1.doc, 'Add').length, 1);
    assert.equal(at(changes(r1.doc, 'Add')[0], 'ServerId'), String(f.id));
    key = at(r1.doc, 'SyncKey')!;
    const quiet = await d.folderSync(key);
    assert.equal(at(quiet.doc, 'Changes', 'Count'), '0');
    assert.equal(at(quiet.doc, 'SyncKey'), key);
    assert.equal(at((await d.folderSync('77777')).doc, 'Status'), '9');
  });

  it('sends Updates and Deletes made by other clients, parents before children', async () => {
    const receipts = (await h.ctx.store.findFolderByName(accountId, null, 'Receipts'))!;
    await h.ctx.store.updateFolder(receipts.id, { name: 'Receipts 2024' });
    const cal = await h.ctx.store.createFolder({ accountId, name: 'Team', kind: 'calendar' });
    const sub = await h.ctx.store.createFolder({ accountId, parentId: cal.id, name: 'Sub', kind: 'calendar' });
    await h.ctx.store.createFolder({ accountId, name: 'Shared files', kind: 'files' });
    const r = await d.folderSync(key);
    const adds = changes(r.doc, 'Add');
    assert.deepEqual(adds.map((a) => at(a, 'ServerId')), [String(cal.id), String(sub.id)]);
    assert.deepEqual(adds.map((a) => at(a, 'Type')), ['13', '13']);
    assert.equal(at(adds[1], 'ParentId'), String(cal.id));
    assert.equal(at(changes(r.doc, 'Update')[0], 'DisplayName'), 'Receipts 2024');
    key = at(r.doc, 'SyncKey')!;
    await h.ctx.store.deleteFolder(cal.id);
    const del = await d.folderSync(key);
    assert.deepEqual(changes(del.doc, 'Delete').map((x) => at(x, 'ServerId')).sort(), [String(cal.id), String(sub.id)].sort());
    key = at(del.doc, 'SyncKey')!;
  });

  it('creates, renames, moves and deletes user folders of every class', async () => {
    const ids: string[] = [];
    for (const [name, type] of [['M', '12'], ['C', '13'], ['K', '14'], ['T', '15'], ['N', '17'], ['G', '1']]) {
      const r = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: key, ParentId: '0', DisplayName: name, Type: type }));
      assert.equal(at(r.doc, 'Status'), '1', name);
      key = at(r.doc, 'SyncKey')!;
      ids.push(at(r.doc, 'ServerId')!);
    }
    const kinds = await Promise.all(ids.map(async (id) => (await h.ctx.store.getFolder(Number(id)))!.kind));
    assert.deepEqual(kinds, ['mail', 'calendar', 'contacts', 'tasks', 'notes', 'mail']);
    // The device's own creations do not come back as Adds.
    assert.equal(at((await d.folderSync(key)).doc, 'Changes', 'Count'), '0');

    const dup = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: key, ParentId: '0', DisplayName: 'M', Type: '12' }));
    assert.equal(at(dup.doc, 'Status'), '2');
    const noParent = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: key, ParentId: '999999', DisplayName: 'X', Type: '12' }));
    assert.equal(at(noParent.doc, 'Status'), '5');
    const staleKey = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: '1', ParentId: '0', DisplayName: 'Y', Type: '12' }));
    assert.equal(at(staleKey.doc, 'Status'), '9');
    const special = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: key, ParentId: '0', DisplayName: 'Inbox2', Type: '2' }));
    assert.equal(at(special.doc, 'Status'), '10');

    const up = await d.send('FolderUpdate', cmd('FolderUpdate', { SyncKey: key, ServerId: ids[0], ParentId: ids[5], DisplayName: 'M renamed' }));
    assert.equal(at(up.doc, 'Status'), '1');
    key = at(up.doc, 'SyncKey')!;
    const moved = (await h.ctx.store.getFolder(Number(ids[0])))!;
    assert.equal(moved.name, 'M renamed');
    assert.equal(moved.parentId, Number(ids[5]));
    const loop = await d.send('FolderUpdate', cmd('FolderUpdate', { SyncKey: key, ServerId: ids[5], ParentId: ids[0], DisplayName: 'G' }));
    assert.equal(at(loop.doc, 'Status'), '5');
    const inbox = (await h.ctx.store.findFolderByRole(accountId, 'inbox'))!;
    const renameInbox = await d.send('FolderUpdate', cmd('FolderUpdate', { SyncKey: key, ServerId: String(inbox.id), ParentId: '0', DisplayName: 'Nope' }));
    assert.equal(at(renameInbox.doc, 'Status'), '2');

    const delInbox = await d.send('FolderDelete', cmd('FolderDelete', { SyncKey: key, ServerId: String(inbox.id) }));
    assert.equal(at(delInbox.doc, 'Status'), '3');
    const del = await d.send('FolderDelete', cmd('FolderDelete', { SyncKey: key, ServerId: ids[5] }));
    assert.equal(at(del.doc, 'Status'), '1');
    key = at(del.doc, 'SyncKey')!;
    assert.equal(await h.ctx.store.getFolder(Number(ids[0])), null, 'children go with their parent');
    assert.equal(at((await d.folderSync(key)).doc, 'Changes', 'Count'), '0');
    const gone = await d.send('FolderDelete', cmd('FolderDelete', { SyncKey: key, ServerId: ids[5] }));
    assert.equal(at(gone.doc, 'Status'), '4');
  });

  it("never shows or touches another account's folders", async () => {
    const other = await h.addUser('oscar@other.test', 'oscar-pass-1');
    const theirs = await h.ctx.store.createFolder({ accountId: other.id, name: 'Secret', kind: 'mail' });
    const del = await d.send('FolderDelete', cmd('FolderDelete', { SyncKey: key, ServerId: String(theirs.id) }));
    assert.equal(at(del.doc, 'Status'), '4');
    const up = await d.send('FolderUpdate', cmd('FolderUpdate', { SyncKey: key, ServerId: String(theirs.id), ParentId: '0', DisplayName: 'Mine' }));
    assert.equal(at(up.doc, 'Status'), '4');
    const cr = await d.send('FolderCreate', cmd('FolderCreate', { SyncKey: key, ParentId: String(theirs.id), DisplayName: 'In', Type: '12' }));
    assert.equal(at(cr.doc, 'Status'), '5');
    assert.equal((await h.ctx.store.getFolder(theirs.id))?.name, 'Secret');
  });
});
