/** GetItemEstimate, MoveItems, empty and Partial Sync requests, malformed input. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import type { CommandHandler } from '../../../../protocols/activesync/commands/types.js';
import { makeHarness, type Harness } from '../harness.js';
import { AS, collection, commands, contactAdd, keyOf, phone, type Phone, primed, responses, serverIdOf, statusOf, sync, syncRequest, vcard } from './helpers.js';

const GIE = 'GetItemEstimate';
const MV = 'Move';

describe('GetItemEstimate, MoveItems, empty and Partial Sync', () => {
  let h: Harness;
  let p: Phone;
  let accountId: number;
  let contacts: number;
  let other: number;
  before(async () => {
    h = await makeHarness();
    accountId = (await h.addUser('max@example.com', 'max-pass-1')).id;
    p = await phone(h, 'max@example.com', 'max-pass-1', 'CMDPHONE1', '14.1');
    contacts = Number(p.folders['9']);
    other = (await h.ctx.store.createFolder({ accountId, name: 'Work contacts', kind: 'contacts' })).id;
    await p.dev.folderSync('0');
  });
  after(() => h.close());

  const estimate = (id: string, key: string) => p.dev.send('GetItemEstimate', el(GIE, 'GetItemEstimate', [el(GIE, 'Collections', [
    el(GIE, 'Collection', [el(AS, 'SyncKey', key), el(GIE, 'CollectionId', id), el(AS, 'Options', [el(AS, 'FilterType', '0')])]),
  ])]));
  const estimateOf = (doc: Parameters<typeof child>[0] | null) => {
    const r = child(doc!, 'Response', GIE)!;
    return [childText(r, 'Status', GIE), childText(child(r, 'Collection', GIE)!, 'Estimate', GIE)];
  };

  let key = '';
  it('GetItemEstimate: 3 before priming, the count of pending changes after, 4 for a bad key, 2 for a bad folder', async () => {
    const store = h.ctx.store;
    await store.createItems(Array.from({ length: 7 }, (_, i) => ({ folderId: contacts, name: `e${i}.vcf`, ...ITEM_CLASSES.Contacts.fields(vcard(`e-${i}`, `Est${i}`)) })));
    assert.equal(estimateOf((await estimate(String(contacts), '0')).doc)[0], '3');
    const r0 = await sync(p, { key: '0', id: String(contacts) });
    key = keyOf(collection(r0.doc, String(contacts)));
    assert.deepEqual(estimateOf((await estimate(String(contacts), key)).doc), ['1', '7']);
    assert.equal(estimateOf((await estimate(String(contacts), '4242')).doc)[0], '4');
    assert.equal(estimateOf((await estimate('999999', key)).doc)[0], '2');
    const r = await sync(p, { key, id: String(contacts) });
    key = keyOf(collection(r.doc, String(contacts)));
    assert.deepEqual(estimateOf((await estimate(String(contacts), key)).doc), ['1', '0']);
  });

  it('MoveItems: success with a new ServerId, per-move statuses, and no Delete/Add echoed afterwards', async () => {
    const store = h.ctx.store;
    const { key: otherKey0 } = await primed(p, String(other));
    const [first, second] = await store.listItems(contacts, { limit: 2 });
    const src = `${contacts}:${first.id}`;
    const mv = (s: string, from: string, to: string) => el(MV, 'Move', [el(MV, 'SrcMsgId', s), el(MV, 'SrcFldId', from), el(MV, 'DstFldId', to)]);
    const r = await p.dev.send('MoveItems', el(MV, 'MoveItems', [
      mv(src, String(contacts), String(other)),
      mv(src, String(contacts), String(other)), // already moved: 1
      mv(`${contacts}:${second.id}`, String(contacts), '999999'), // unknown destination: 2
      mv(`${other}:${first.id}`, String(other), String(other)), // same folder: 4
      mv(`${other}:${first.id}`, String(other), p.folders['8']), // contacts into a calendar: 5
    ]));
    const rs = children(r.doc!, 'Response', MV).map((x) => [childText(x, 'Status', MV), childText(x, 'DstMsgId', MV)]);
    assert.deepEqual(rs, [['3', `${other}:${first.id}`], ['1', undefined], ['2', undefined], ['4', undefined], ['5', undefined]]);
    assert.equal((await store.getItem(first.id))!.folderId, other);
    const s1 = await sync(p, { key, id: String(contacts) });
    assert.equal(commands(collection(s1.doc, String(contacts))).length, 0, 'no Delete for what the device moved');
    key = keyOf(collection(s1.doc, String(contacts)));
    const s2 = await sync(p, { key: otherKey0, id: String(other) });
    assert.equal(commands(collection(s2.doc, String(other))).length, 0, 'no Add for what the device moved');
    // Another account's folder is never a destination.
    const stranger = await h.addUser('zed@example.com', 'zed-pass-1');
    const theirs = (await store.findFolderByRole(stranger.id, 'contacts'))!;
    const r2 = await p.dev.send('MoveItems', el(MV, 'MoveItems', [mv(`${other}:${first.id}`, String(other), String(theirs.id))]));
    assert.equal(childText(child(r2.doc!, 'Response', MV)!, 'Status', MV), '2');
  });

  it('an empty Sync repeats the last request; Partial adds the cached collections; nothing cached is Status 13', async () => {
    const fresh = await phone(h, 'max@example.com', 'max-pass-1', 'CMDPHONE2', '14.1');
    const empty = await fresh.dev.send('Sync', null);
    assert.equal(childText(empty.doc!, 'Status', AS), '13');
    const r0 = await sync(fresh, { key: '0', id: String(contacts) }, { key: '0', id: String(other) });
    let kc = keyOf(collection(r0.doc, String(contacts)));
    const ko = keyOf(collection(r0.doc, String(other)));
    const full = await sync(fresh, { key: kc, id: String(contacts) }, { key: ko, id: String(other) });
    kc = keyOf(collection(full.doc, String(contacts)));
    await h.ctx.store.createItem({ folderId: other, name: 'late.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('late-1', 'Late')) });
    const again = await fresh.dev.send('Sync', null);
    const o = collection(again.doc, String(other));
    assert.equal(commands(o, 'Add').length, 1, 'the empty request synced the cached collections');
    await h.ctx.store.createItem({ folderId: other, name: 'later.vcf', ...ITEM_CLASSES.Contacts.fields(vcard('later-1', 'Later')) });
    const partial = await fresh.dev.send('Sync', syncRequest([{ key: kc, id: String(contacts) }], [el(AS, 'Partial')]));
    assert.equal(commands(collection(partial.doc, String(other)), 'Add').length, 1, 'Partial: the other collection came along');
  });

  it('malformed Sync requests get Status 4 or per-collection statuses, never HTTP 500', async () => {
    const bad = await p.dev.send('Sync', el(AS, 'Sync', [el(AS, 'Collections', [el(AS, 'Collection', [el(AS, 'SyncKey', '1')])])]));
    assert.equal(bad.status, 200);
    assert.equal(childText(bad.doc!, 'Status', AS), '4');
    const wrongRoot = await p.dev.send('Sync', el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]));
    assert.equal(childText(wrongRoot.doc!, 'Status', AS), '4');
    const both = await p.dev.send('Sync', el(AS, 'Sync', [el(AS, 'Wait', '5'), el(AS, 'HeartbeatInterval', '300')]));
    assert.equal(childText(both.doc!, 'Status', AS), '4');
    const wait = await p.dev.send('Sync', syncRequest([{ key, id: String(contacts) }], [el(AS, 'Wait', '90')]));
    assert.deepEqual([childText(wait.doc!, 'Status', AS), childText(wait.doc!, 'Limit', AS)], ['14', '59']);
    const unknown = await sync(p, { key: '1', id: '987654' });
    assert.equal(statusOf(collection(unknown.doc, '987654')), '12');
    // An Add without ApplicationData and garbage contact data: per-item statuses.
    const r = await sync(p, { key, id: String(contacts), getChanges: false, commands: [
      el(AS, 'Add', [el(AS, 'ClientId', 'x1')]),
      contactAdd('x2', 'Bad', 'Date', [el('Contacts', 'Birthday', 'not-a-date')]),
    ] });
    const adds = responses(collection(r.doc, String(contacts)), 'Add').map((a) => childText(a, 'Status', AS));
    assert.deepEqual(adds, ['4', '6']);
  });

  it('a command that throws answers its Status 110 (14.0+), not HTTP 500', async () => {
    const boom: CommandHandler = { name: 'Sync', needsProvisioning: true, root: { ns: AS, tag: 'Sync' }, body: 'wbxml', async handle() { throw new Error('boom'); } };
    const Fastify = (await import('fastify')).default;
    const { activesyncPlugin } = await import('../../../../protocols/activesync/plugin.js');
    const app = Fastify();
    await app.register(activesyncPlugin, { ctx: h.ctx, commands: [boom] });
    await app.ready();
    const dev = Object.assign(Object.create(Object.getPrototypeOf(p.dev)), p.dev, { app });
    const r = await dev.send('Sync', syncRequest([{ key, id: String(contacts) }]));
    assert.equal(r.status, 200);
    assert.equal(childText(r.doc!, 'Status', AS), '110');
    await app.close();
    void serverIdOf;
  });
});
