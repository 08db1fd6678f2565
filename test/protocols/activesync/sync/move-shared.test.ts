/**
 * Issue 14: MoveItems between the delegate's own calendar and an owner's calendar shared with
 * 'write' moves the event across the two accounts (both ways); with 'read' it is refused and
 * nothing changes; the same UID already in the destination is refused and the source is kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { delegate } from '../../../../src/admin/delegation.js';
import { makeHarness, type Harness } from '../harness.js';
import { collection, commands, phone, primed, sync, vevent } from './helpers.js';

const MV = 'Move';
const BY = { actor: 'test', source: null };
const mv = (s: string, from: string, to: string) =>
  el(MV, 'Move', [el(MV, 'SrcMsgId', s), el(MV, 'SrcFldId', from), el(MV, 'DstFldId', to)]);

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

test('MoveItems moves an event between an own calendar and a write-shared one, both ways; read shares and UID clashes are refused', async () => {
  const store = h.ctx.store;
  const boss = await h.addUser('mboss@example.com', 'mboss-pass-1', 'Move Boss');
  const del = await h.addUser('mdel@example.com', 'mdel-pass-1', 'Move Delegate');
  const bossCal = (await store.findFolderByRole(boss.id, 'calendar'))!;
  const ownCal = (await store.findFolderByRole(del.id, 'calendar'))!;
  await delegate(store, 'mboss@example.com', 'mdel@example.com', 'write', undefined, BY);
  const p = await phone(h, 'mdel@example.com', 'mdel-pass-1', 'MOVEPHONE1', '14.1');
  const own = String(ownCal.id),
    shared = String(bossCal.id);
  const mine = await store.createItem({
    folderId: ownCal.id,
    name: 'mine.ics',
    ...ITEM_CLASSES.Calendar.fields(vevent('mine-1', 'Mine', new Date(Date.UTC(2026, 5, 2, 10)))),
  });
  const ownKey = (await primed(p, own)).key;
  const sharedKey = (await primed(p, shared)).key;
  const move = async (src: string, from: string, to: string) => {
    const r = await p.dev.send('MoveItems', el(MV, 'MoveItems', [mv(src, from, to)]));
    const resp = children(r.doc!, 'Response', MV)[0];
    return { status: childText(resp, 'Status', MV), dst: childText(resp, 'DstMsgId', MV) };
  };

  // Own -> shared: the event is now the boss's, gone from the delegate's account.
  const there = await move(`${own}:${mine.id}`, own, shared);
  assert.equal(there.status, '3');
  const inBoss = await store.getItemByUid(bossCal.id, 'mine-1');
  assert.ok(inBoss, 'created in the owner calendar');
  assert.equal(inBoss.accountId, boss.id);
  assert.equal(there.dst, `${shared}:${inBoss.id}`);
  assert.equal(await store.getItemByUid(ownCal.id, 'mine-1'), null);
  // The device already shows the move: the next Syncs echo neither a Delete nor an Add.
  assert.equal(commands(collection((await sync(p, { key: ownKey, id: own })).doc, own)).length, 0);
  assert.equal(commands(collection((await sync(p, { key: sharedKey, id: shared })).doc, shared)).length, 0);

  // Shared -> own, with the same UID already in the delegate's calendar: refused, the source stays.
  const clash = await store.createItem({
    folderId: ownCal.id,
    name: 'clash.ics',
    ...ITEM_CLASSES.Calendar.fields(vevent('mine-1', 'Copy', new Date(Date.UTC(2026, 5, 3, 10)))),
  });
  assert.equal((await move(there.dst!, shared, own)).status, '5');
  assert.ok(await store.getItemByUid(bossCal.id, 'mine-1'));
  await store.deleteItem(clash.id);
  // Now back it goes.
  const back = await move(there.dst!, shared, own);
  assert.equal(back.status, '3');
  assert.equal(await store.getItemByUid(bossCal.id, 'mine-1'), null);
  assert.equal((await store.getItemByUid(ownCal.id, 'mine-1'))?.summary, 'Mine');

  // A read share neither gives nor takes.
  await delegate(store, 'mboss@example.com', 'mdel@example.com', 'read', undefined, BY);
  const backId = (await store.getItemByUid(ownCal.id, 'mine-1'))!.id;
  assert.equal((await move(`${own}:${backId}`, own, shared)).status, '5');
  assert.ok(await store.getItemByUid(ownCal.id, 'mine-1'));
  assert.equal(await store.getItemByUid(bossCal.id, 'mine-1'), null);
});
