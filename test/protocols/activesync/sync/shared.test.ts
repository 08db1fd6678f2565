/**
 * Shared and delegated folders over the wire: a delegate's phone sees the boss's calendar, address
 * book, tasks and notes in FolderSync, syncs them, is woken by the boss's changes, cannot write
 * with 'read', writes into the boss's folder with 'write', loses them on revocation; groups count;
 * grant rows that cross domains are ignored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { compactUtc } from '../../../../protocols/activesync/convert/util.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { pushHubFor } from '../../../../protocols/activesync/sync/push.js';
import { delegate, undelegate } from '../../../../src/admin/delegation.js';
import type { Account, Folder } from '../../../../src/model/types.js';
import { makeHarness, SETTINGS, type Harness } from '../harness.js';
import { appData, AS, collection, commands, keyOf, phone, type Phone, primed, responses, serverIdOf, statusOf, sync, vevent } from './helpers.js';

const FH = 'FolderHierarchy';
const CAL = 'Calendar';
const P = 'Ping';
const GIE = 'GetItemEstimate';
const BY = { actor: 'test', source: null };

const changesOf = (doc: WbxmlElement | null, op: string) => children(child(doc!, 'Changes', FH) ?? el(FH, 'x'), op, FH);
const entry = (a: WbxmlElement) => ({ id: childText(a, 'ServerId', FH)!, parent: childText(a, 'ParentId', FH), name: childText(a, 'DisplayName', FH), type: childText(a, 'Type', FH) });
const pingBody = (hb: number, folders: string[]) => el(P, 'Ping', [
  el(P, 'HeartbeatInterval', String(hb)), el(P, 'Folders', folders.map((id) => el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Calendar')]))),
]);
const eventAdd = (clientId: string, subject: string, start = Date.UTC(2026, 5, 1, 9)) => el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [
  el(CAL, 'AllDayEvent', '0'), el(CAL, 'DtStamp', '20260501T080000Z'), el(CAL, 'StartTime', compactUtc(start)),
  el(CAL, 'EndTime', compactUtc(start + 3_600_000)), el(CAL, 'Subject', subject), el(CAL, 'BusyStatus', '2'),
])]);
const storeEvent = (h: Harness, folderId: number, uid: string, summary: string) =>
  h.ctx.store.createItem({ folderId, name: `${uid}.ics`, ...ITEM_CLASSES.Calendar.fields(vevent(uid, summary, new Date(Date.UTC(2026, 5, 2, 10)))) });

describe('Shared and delegated folders', () => {
  let h: Harness;
  let boss: Account;
  let del: Account;
  let p: Phone;
  let hkey: string;
  let bossCal: Folder;
  let sub: Folder;
  let shared: Record<string, ReturnType<typeof entry>>;

  before(async () => {
    h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
    boss = await h.addUser('boss@example.com', 'boss-pass-1', 'Boss Name');
    del = await h.addUser('del@example.com', 'del-pass-1', 'Del Egate');
    bossCal = (await h.ctx.store.findFolderByRole(boss.id, 'calendar'))!;
    // A second calendar named "Calendar" elsewhere in the boss's tree: its shared name must differ.
    const projects = await h.ctx.store.createFolder({ accountId: boss.id, name: 'Projects', kind: 'calendar' });
    sub = await h.ctx.store.createFolder({ accountId: boss.id, parentId: projects.id, name: 'Calendar', kind: 'calendar' });
    await storeEvent(h, bossCal.id, 'boss-1', 'Board meeting');
    p = await phone(h, 'del@example.com', 'del-pass-1', 'DELPHONE1', '16.1');
    hkey = at0((await p.dev.folderSync('0')).doc);
  });
  after(() => h.close());

  function at0(doc: WbxmlElement | null): string { return childText(doc!, 'SyncKey', FH)!; }

  it("one delegate's phone, step by step: the grant appears, renames, syncs, read-only and write rules, revocation", async (t) => {
    // One story: each step builds on the state the step before left (sync keys, folders), so the
    // steps are subtests of one test and never run on their own or out of order.
    await t.test('a read delegation appears in the next FolderSync as top-level user folders named after the owner', async () => {
      assert.equal(changesOf((await p.dev.folderSync(hkey)).doc, 'Add').length, 0, 'nothing shared yet');
      await delegate(h.ctx.store, 'boss@example.com', 'del@example.com', 'read', undefined, BY);
      const r = await p.dev.folderSync(hkey);
      assert.equal(childText(r.doc!, 'Status', FH), '1');
      hkey = at0(r.doc);
      const adds = changesOf(r.doc, 'Add').map(entry);
      shared = Object.fromEntries(adds.map((a) => [a.name, a]));
      assert.deepEqual(Object.keys(shared).sort(), [
        'Calendar (Boss Name)', 'Calendar (Boss Name) 2', 'Contacts (Boss Name)', 'Notes (Boss Name)', 'Projects (Boss Name)', 'Tasks (Boss Name)',
      ]);
      assert.deepEqual(shared['Calendar (Boss Name)'], { id: String(bossCal.id), parent: '0', name: 'Calendar (Boss Name)', type: '13' });
      assert.equal(shared['Calendar (Boss Name) 2'].id, String(sub.id));
      assert.equal(shared['Contacts (Boss Name)'].type, '14');
      assert.equal(shared['Tasks (Boss Name)'].type, '15');
      assert.equal(shared['Notes (Boss Name)'].type, '17');
      for (const a of adds) assert.equal(a.parent, '0');
      // Nothing new: same key, nothing written.
      const quiet = await p.dev.folderSync(hkey);
      assert.deepEqual([at0(quiet.doc), changesOf(quiet.doc, 'Add').length], [hkey, 0]);
    });

    await t.test("the owner renaming a shared folder is an Update", async () => {
      await h.ctx.store.updateFolder(sub.id, { name: 'Launch' });
      const r = await p.dev.folderSync(hkey);
      hkey = at0(r.doc);
      assert.deepEqual(changesOf(r.doc, 'Update').map(entry), [{ id: String(sub.id), parent: '0', name: 'Launch (Boss Name)', type: '13' }]);
    });

    let calKey = '';
    await t.test("Sync serves the owner's events; the owner's new event wakes the delegate's Ping and comes with the next Sync", async () => {
      const cal = String(bossCal.id);
      const first = await primed(p, cal);
      calKey = first.key;
      assert.deepEqual(first.items.map((c) => childText(appData(c), 'Subject', CAL)), ['Board meeting']);
      const own = p.folders['9'];
      await primed(p, own);
      const held = p.dev.send('Ping', pingBody(60, [own, cal]));
      while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
      await storeEvent(h, bossCal.id, 'boss-2', 'Budget review');
      const woke = await held;
      assert.equal(childText(woke.doc!, 'Status', P), '2');
      assert.deepEqual(children(child(woke.doc!, 'Folders', P)!, 'Folder', P).map((f) => f.text), [cal]);
      const r = await sync(p, { key: calKey, id: cal });
      const c = collection(r.doc, cal);
      calKey = keyOf(c);
      assert.deepEqual(commands(c, 'Add').map((x) => childText(appData(x), 'Subject', CAL)), ['Budget review']);
    });

    await t.test('read-only: an Add is refused (Status 6), a Change or Delete loses to the stored version (Status 7); nothing is written', async () => {
      const cal = String(bossCal.id);
      const before = await h.ctx.store.listItems(bossCal.id);
      const target = before.find((i) => i.uid === 'boss-1')!;
      const sid = `${bossCal.id}:${target.id}`;
      const r = await sync(p, { key: calKey, id: cal, commands: [
        eventAdd('c1', 'Sneaky'),
        el(AS, 'Change', [el(AS, 'ServerId', sid), el(AS, 'ApplicationData', [el(CAL, 'Subject', 'Cancelled!')])]),
      ] });
      const c = collection(r.doc, cal);
      calKey = keyOf(c);
      assert.equal(statusOf(c), '1');
      assert.deepEqual(responses(c, 'Add').map((a) => [childText(a, 'Status', AS), childText(a, 'ServerId', AS)]), [['6', undefined]]);
      assert.deepEqual(responses(c, 'Change').map((a) => [serverIdOf(a), childText(a, 'Status', AS)]), [[sid, '7']]);
      // The stored version comes back so the phone shows it again.
      assert.deepEqual(commands(c, 'Change').map((x) => [serverIdOf(x), childText(appData(x), 'Subject', CAL)]), [[sid, 'Board meeting']]);
      const del1 = await sync(p, { key: calKey, id: cal, commands: [el(AS, 'Delete', [el(AS, 'ServerId', sid)])] });
      const d = collection(del1.doc, cal);
      calKey = keyOf(d);
      assert.deepEqual(responses(d, 'Delete').map((a) => childText(a, 'Status', AS)), ['7']);
      assert.deepEqual(commands(d, 'Add').map(serverIdOf), [sid], 'the item the phone dropped is sent again');
      const after = await h.ctx.store.listItems(bossCal.id);
      assert.deepEqual(after.map((i) => [i.id, i.modseq, i.summary]), before.map((i) => [i.id, i.modseq, i.summary]));
    });

    await t.test("write: the delegate's Add is stored in the owner's folder, owned by the owner", async () => {
      await delegate(h.ctx.store, 'boss@example.com', 'del@example.com', 'write', undefined, BY);
      const quiet = await p.dev.folderSync(hkey);
      assert.equal(at0(quiet.doc), hkey, 'rights are not in the hierarchy');
      const cal = String(bossCal.id);
      // The delegate's own write (in the boss's account) does not wake the delegate's Ping.
      const held = p.dev.send('Ping', pingBody(1, [cal]));
      while (pushHubFor(h.ctx.store).size === 0) await new Promise((r) => setTimeout(r, 2));
      const r = await sync(p, { key: calKey, id: cal, getChanges: false, commands: [eventAdd('w1', 'Booked by assistant')] });
      assert.equal(childText((await held).doc!, 'Status', P), '1', 'expired, not woken by its own Add');
      const c = collection(r.doc, cal);
      calKey = keyOf(c);
      const add = responses(c, 'Add')[0];
      assert.equal(childText(add, 'Status', AS), '1');
      const item = (await h.ctx.store.getItem(Number(childText(add, 'ServerId', AS)!.split(':')[1])))!;
      assert.deepEqual([item.folderId, item.accountId, item.summary], [bossCal.id, boss.id, 'Booked by assistant']);
      // The boss's own phone gets it.
      const bp = await phone(h, 'boss@example.com', 'boss-pass-1', 'BOSSPHONE1', '16.1');
      const got = await primed(bp, bp.folders['8']);
      assert.ok(got.items.some((x) => childText(appData(x), 'Subject', CAL) === 'Booked by assistant'));
      // Not echoed to the delegate.
      const again = await sync(p, { key: calKey, id: cal });
      assert.equal(commands(collection(again.doc, cal)).length, 0);
    });

    await t.test('revocation: FolderSync deletes the folders; Sync answers Status 12, GetItemEstimate 2, Ping 7', async () => {
      await undelegate(h.ctx.store, 'boss@example.com', 'del@example.com', undefined, BY);
      const r = await p.dev.folderSync(hkey);
      hkey = at0(r.doc);
      const gone = changesOf(r.doc, 'Delete').map((d) => childText(d, 'ServerId', FH)).sort();
      assert.deepEqual(gone, Object.values(shared).map((s) => s.id).sort());
      const cal = String(bossCal.id);
      const s = await sync(p, { key: calKey, id: cal });
      const c = collection(s.doc, cal);
      assert.equal(statusOf(c), '12');
      assert.equal(commands(c).length, 0);
      const est = await p.dev.send('GetItemEstimate', el(GIE, 'GetItemEstimate', [el(GIE, 'Collections', [
        el(GIE, 'Collection', [el(AS, 'SyncKey', calKey), el(GIE, 'CollectionId', cal)]),
      ])]));
      assert.equal(childText(child(est.doc!, 'Response', GIE)!, 'Status', GIE), '2');
      assert.equal(childText((await p.dev.send('Ping', pingBody(1, [cal]))).doc!, 'Status', P), '7');
    });
  });

  it('a grant to a group reaches its members (one folder only)', async () => {
    const d = await h.domain('example.com');
    const team = await h.ctx.store.createAccount({ domainId: d.id, email: 'team@example.com', kind: 'group', displayName: 'Team' });
    const member = await h.addUser('mem@example.com', 'mem-pass-1');
    await h.ctx.store.addGroupMember(team.id, member.id);
    await delegate(h.ctx.store, 'boss@example.com', 'team@example.com', 'read', 'Calendar', BY);
    const mp = await phone(h, 'mem@example.com', 'mem-pass-1', 'MEMPHONE1', '14.1');
    assert.equal(mp.folders['13'], String(bossCal.id));
    assert.equal(mp.folders['14'], undefined);
    const got = await primed(mp, String(bossCal.id));
    assert.ok(got.items.some((x) => childText(appData(x), 'Subject', CAL) === 'Board meeting'));
  });

  it('a grant row from another domain is ignored; its ServerIds are Status 12 / 8', async () => {
    const evil = await h.addUser('evil@other.test', 'evil-pass-1', 'Evil');
    const evilCal = (await h.ctx.store.findFolderByRole(evil.id, 'calendar'))!;
    const secret = await storeEvent(h, evilCal.id, 'evil-1', 'Secret');
    await h.ctx.store.createGrant({ ownerId: evil.id, granteeId: del.id, folderId: null, rights: 'write', status: 'accepted' });
    const r = await p.dev.folderSync(hkey);
    assert.equal(changesOf(r.doc, 'Add').length, 0);
    assert.equal(at0(r.doc), hkey);
    const s = await sync(p, { key: '0', id: String(evilCal.id) });
    assert.equal(statusOf(collection(s.doc, String(evilCal.id))), '12');
    // Its item through one of the user's own collections.
    const own = p.folders['8'];
    const { key } = await primed(p, own);
    const f = await sync(p, { key, id: own, commands: [el(AS, 'Fetch', [el(AS, 'ServerId', `${own}:${secret.id}`)]), el(AS, 'Fetch', [el(AS, 'ServerId', `${evilCal.id}:${secret.id}`)])] });
    assert.deepEqual(responses(collection(f.doc, own), 'Fetch').map((x) => childText(x, 'Status', AS)), ['8', '8']);
  });
});
