import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { child, childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import {
  appData, AS, C, collection, commands, contactAdd, keyOf, phone, type Phone, primed, responses, serverIdOf, statusOf, sync, vcard,
} from './helpers.js';

describe('Sync: contacts over the shared store', () => {
  let h: Harness;
  let p1: Phone;
  let p2: Phone;
  let contacts: number;
  let accountId: number;
  before(async () => {
    h = await makeHarness();
    accountId = (await h.addUser('sam@example.com', 'sam-pass-1')).id;
    p1 = await phone(h, 'sam@example.com', 'sam-pass-1', 'SYNCPHONE1', '14.1');
    p2 = await phone(h, 'sam@example.com', 'sam-pass-1', 'SYNCPHONE2', '16.1');
    contacts = Number(p1.folders['9']);
  });
  after(() => h.close());

  it("one phone's contacts, step by step: keys, adds, retries, changes, conflicts, deletes, bad ids", async (t) => {
    // One story: each step builds on the state the step before left (keys, ids), so the steps
    // are subtests of one test and never run on their own or out of order.
    let k1 = '';
    let addedId = '';
    await t.test('SyncKey 0 gives a key and no items', async () => {
      await h.ctx.store.createItem({ folderId: contacts, name: 'pre.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('pre-1', 'Early')) });
      const r = await sync(p1, { key: '0', id: String(contacts) });
      const c = collection(r.doc, String(contacts));
      assert.equal(statusOf(c), '1');
      k1 = keyOf(c);
      assert.notEqual(k1, '0');
      assert.equal(commands(c).length, 0);
    });

    await t.test('a client Add with GetChanges 0 stores a vCard CardDAV can serve, with its fields', async () => {
      const r = await sync(p1, { key: k1, id: String(contacts), getChanges: false, commands: [contactAdd('c1', 'Ada', 'Lovelace')] });
      const c = collection(r.doc, String(contacts));
      assert.equal(statusOf(c), '1');
      const [add] = responses(c, 'Add');
      assert.equal(childText(add, 'ClientId', AS), 'c1');
      assert.equal(childText(add, 'Status', AS), '1');
      addedId = childText(add, 'ServerId', AS)!;
      assert.match(addedId, new RegExp(`^${contacts}:\\d+$`));
      assert.equal(commands(c).length, 0, 'GetChanges 0: no server changes');
      const item = (await h.ctx.store.getItem(Number(addedId.split(':')[1])))!;
      assert.equal(item.contentType, 'text/vcard; charset=utf-8');
      assert.equal(item.componentType, 'VCARD');
      assert.equal(item.summary, 'Ada Lovelace');
      assert.equal(item.name, `${item.uid}.vcf`);
      const card = new ICAL.Component(ICAL.parse(item.content!) as unknown[]);
      assert.equal(card.getFirstPropertyValue('fn'), 'Ada Lovelace');
      k1 = keyOf(c);
    });

    await t.test('a retried Add (lost answer, same old key) gets the same ServerId and creates nothing', async () => {
      const before = (await h.ctx.store.countItems(contacts)).count;
      // Replay the request that produced k1: its key is now the previous one.
      const prevKey = String(Number(k1) - 1);
      const r = await sync(p1, { key: prevKey, id: String(contacts), getChanges: false, commands: [contactAdd('c1', 'Ada', 'Lovelace')] });
      const c = collection(r.doc, String(contacts));
      assert.equal(statusOf(c), '1');
      assert.equal(keyOf(c), k1, 'the same new key as the lost answer');
      assert.equal(childText(responses(c, 'Add')[0], 'ServerId', AS), addedId);
      assert.equal((await h.ctx.store.countItems(contacts)).count, before);
    });

    await t.test('the phone does not get its own Add back; a second device gets both contacts', async () => {
      const r = await sync(p1, { key: k1, id: String(contacts) });
      const c = collection(r.doc, String(contacts));
      const ids = commands(c).map(serverIdOf);
      assert.ok(!ids.includes(addedId), 'no echo of the Add');
      assert.equal(commands(c, 'Add').length, 1, 'the stored contact');
      k1 = keyOf(c);
      const { items } = await primed(p2, String(contacts));
      const names = items.map((a) => childText(appData(a), 'FirstName', C)).sort();
      assert.deepEqual(names, ['Ada', 'Early']);
    });

    await t.test('a stale or unknown key is Status 3 and breaks nothing', async () => {
      const r = await sync(p1, { key: '999999', id: String(contacts) });
      assert.equal(statusOf(collection(r.doc, String(contacts))), '3');
      const ok = await sync(p1, { key: k1, id: String(contacts) });
      assert.equal(statusOf(collection(ok.doc, String(contacts))), '1');
    });

    await t.test('server changes and deletes reach the phone; its Change patches the stored vCard keeping unknown lines', async () => {
      const store = h.ctx.store;
      const x = await store.createItem({ folderId: contacts, name: 'x.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('x-1', 'Xavier', 'Stored', 'X-CUSTOM;X-P="a b":keep me\r\nTEL;TYPE=CELL:+1 555 0100\r\n')) });
      let r = await sync(p1, { key: k1, id: String(contacts) });
      let c = collection(r.doc, String(contacts));
      const add = commands(c, 'Add').find((a) => childText(appData(a), 'FirstName', C) === 'Xavier')!;
      assert.ok(add);
      const sid = serverIdOf(add);
      k1 = keyOf(c);
      // The phone renames him.
      r = await sync(p1, { key: k1, id: String(contacts), commands: [el(AS, 'Change', [el(AS, 'ServerId', sid), el(AS, 'ApplicationData', [
        el(C, 'FirstName', 'Xavi'), el(C, 'LastName', 'Stored'), el(C, 'MobilePhoneNumber', '+1 555 0100')])])] });
      c = collection(r.doc, String(contacts));
      assert.equal(responses(c).length, 0, 'a successful Change has no response');
      assert.equal(commands(c).length, 0, 'no echo');
      k1 = keyOf(c);
      const stored = (await store.getItem(x.id))!;
      assert.match(stored.content!, /\r\nX-CUSTOM;X-P="a b":keep me\r\n/);
      assert.match(stored.content!, /FN:Xavi Stored/);
      assert.equal(stored.summary, 'Xavi Stored');
      // The other device gets the change; then the server deletes him.
      await store.deleteItem(x.id);
      r = await sync(p1, { key: k1, id: String(contacts) });
      c = collection(r.doc, String(contacts));
      assert.deepEqual(commands(c).map((d) => [d.tag, serverIdOf(d)]), [['Delete', sid]]);
      k1 = keyOf(c);
    });

    await t.test('conflicts: server wins by default (Status 7, server version sent), Conflict 0 lets the client win', async () => {
      const store = h.ctx.store;
      const y = await store.createItem({ folderId: contacts, name: 'y.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('y-1', 'Yann')) });
      let r = await sync(p1, { key: k1, id: String(contacts) });
      let c = collection(r.doc, String(contacts));
      k1 = keyOf(c);
      const sid = `${contacts}:${y.id}`;
      await store.updateItem(y.id, ITEM_CLASSES.Contacts.fields(vcard('y-1', 'Yannick')));
      const change = (first: string) => el(AS, 'Change', [el(AS, 'ServerId', sid), el(AS, 'ApplicationData', [el(C, 'FirstName', first), el(C, 'LastName', 'Phone')])]);
      r = await sync(p1, { key: k1, id: String(contacts), commands: [change('Yves')] });
      c = collection(r.doc, String(contacts));
      assert.equal(childText(responses(c, 'Change')[0], 'Status', AS), '7');
      const sent = commands(c, 'Change').find((x) => serverIdOf(x) === sid)!;
      assert.equal(childText(appData(sent), 'FirstName', C), 'Yannick');
      k1 = keyOf(c);
      assert.match((await store.getItem(y.id))!.content!, /FN:Yannick/);

      await store.updateItem(y.id, ITEM_CLASSES.Contacts.fields(vcard('y-1', 'Yannis')));
      r = await sync(p1, { key: k1, id: String(contacts), options: [el(AS, 'Conflict', '0')], commands: [change('Yves')] });
      c = collection(r.doc, String(contacts));
      assert.equal(responses(c, 'Change').length, 0);
      assert.match((await store.getItem(y.id))!.content!, /FN:Yves Phone/);
      k1 = keyOf(c);
    });

    await t.test('DeleteOverServerChange: a Delete of an item changed on the server is discarded (Status 7) and the item sent again as an Add; Conflict 0 deletes', async () => {
      const store = h.ctx.store;
      const z = await store.createItem({ folderId: contacts, name: 'z.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('z-1', 'Zoe')) });
      let r = await sync(p1, { key: k1, id: String(contacts) });
      k1 = keyOf(collection(r.doc, String(contacts)));
      const sid = `${contacts}:${z.id}`;
      await store.updateItem(z.id, ITEM_CLASSES.Contacts.fields(vcard('z-1', 'Zora')));
      const del = el(AS, 'Delete', [el(AS, 'ServerId', sid)]);
      // The test above left Conflict 0 cached: back to the default (server wins).
      r = await sync(p1, { key: k1, id: String(contacts), options: [el(AS, 'Conflict', '1')], commands: [del] });
      let c = collection(r.doc, String(contacts));
      assert.equal(childText(responses(c, 'Delete')[0], 'Status', AS), '7');
      const again = commands(c).filter((x) => serverIdOf(x) === sid);
      assert.deepEqual(again.map((x) => x.tag), ['Add'], 'the server version comes back as an Add, once');
      assert.equal(childText(appData(again[0]), 'FirstName', C), 'Zora');
      assert.ok(await store.getItem(z.id), 'not deleted');
      k1 = keyOf(c);
      r = await sync(p1, { key: k1, id: String(contacts) });
      c = collection(r.doc, String(contacts));
      assert.equal(commands(c).length, 0);
      k1 = keyOf(c);

      await store.updateItem(z.id, ITEM_CLASSES.Contacts.fields(vcard('z-1', 'Zelda')));
      r = await sync(p1, { key: k1, id: String(contacts), options: [el(AS, 'Conflict', '0')], commands: [del] });
      c = collection(r.doc, String(contacts));
      assert.equal(responses(c).length, 0);
      assert.equal(commands(c).filter((x) => serverIdOf(x) === sid).length, 0);
      assert.equal(await store.getItem(z.id), null);
      k1 = keyOf(c);
    });

    await t.test('Fetch, Delete, and ServerIds of another collection or account are Status 8', async () => {
      const store = h.ctx.store;
      const other = await h.addUser('eve@example.com', 'eve-pass-1');
      const evesContacts = (await store.findFolderByRole(other.id, 'contacts'))!;
      const secret = await store.createItem({ folderId: evesContacts.id, name: 's.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('s-1', 'Secret')) });
      const mine = await store.createItem({ folderId: contacts, name: 'f.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('f-1', 'Fetchy')) });
      const tries = [`${evesContacts.id}:${secret.id}`, `${contacts}:${secret.id}`, `${contacts}:999999`, 'garbage', `${contacts}:${mine.id}`];
      const r = await sync(p1, { key: k1, id: String(contacts), getChanges: false, commands: [
        ...tries.map((s) => el(AS, 'Fetch', [el(AS, 'ServerId', s)])),
        el(AS, 'Delete', [el(AS, 'ServerId', `${contacts}:${secret.id}`)]),
        el(AS, 'Change', [el(AS, 'ServerId', `${contacts}:${secret.id}`), el(AS, 'ApplicationData', [el(C, 'FirstName', 'Pwned')])]),
      ] });
      const c = collection(r.doc, String(contacts));
      const fetched = responses(c, 'Fetch').map((f) => childText(f, 'Status', AS));
      assert.deepEqual(fetched, ['8', '8', '8', '8', '1']);
      assert.equal(childText(appData(responses(c, 'Fetch')[4]), 'FirstName', C), 'Fetchy');
      assert.equal(childText(responses(c, 'Delete')[0], 'Status', AS), '8');
      assert.equal(childText(responses(c, 'Change')[0], 'Status', AS), '8');
      assert.match((await store.getItem(secret.id))!.content!, /FN:Secret/);
      k1 = keyOf(c);
      void accountId;
    });

  });

  it('server changes come in WindowSize batches with MoreAvailable; a lost window is sent again', async () => {
    const store = h.ctx.store;
    const folder = await store.createFolder({ accountId, name: 'Bulk', kind: 'contacts' });
    await store.createItems(Array.from({ length: 250 }, (_, i) => ({ folderId: folder.id, name: `b${i}.vcf`, ...ITEM_CLASSES.Contacts.fields(vcard(`b-${i}`, `Bulk${i}`)) })));
    const id = String(folder.id);
    const r0 = await sync(p1, { key: '0', id });
    let key = keyOf(collection(r0.doc, id));
    const sizes: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await sync(p1, { key, id, windowSize: 100 });
      const c = collection(r.doc, id);
      const adds = commands(c, 'Add');
      if (i === 1) {
        // The answer to window 2 is lost: the retry of the same key gets the same items.
        const again = await sync(p1, { key, id, windowSize: 100 });
        const c2 = collection(again.doc, id);
        assert.deepEqual(commands(c2, 'Add').map(serverIdOf), adds.map(serverIdOf));
        assert.equal(keyOf(c2), keyOf(c));
      }
      sizes.push(adds.length);
      for (const a of adds) seen.add(serverIdOf(a));
      key = keyOf(c);
      if (!child(c, 'MoreAvailable', AS)) break;
    }
    assert.deepEqual(sizes, [100, 100, 50]);
    assert.equal(seen.size, 250);
  });
});
