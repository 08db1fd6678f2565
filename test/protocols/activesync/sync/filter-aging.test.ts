/**
 * FilterType windows that move with time ([MS-ASCMD] 2.2.3.68.2, 2.2.3.162 SoftDelete): an event
 * the phone has whose end falls out of the window is soft-deleted once, without having changed;
 * a task that becomes complete under filter 8 likewise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import { AS, collection, commands, keyOf, phone, type Phone, primed, serverIdOf, sync, vevent } from './helpers.js';

const DAY = 86_400_000;
const GIE = 'GetItemEstimate';

describe('Sync: FilterType window aging', () => {
  let h: Harness;
  let p: Phone;
  before(async () => {
    h = await makeHarness();
    await h.addUser('age@example.com', 'age-pass-1');
    p = await phone(h, 'age@example.com', 'age-pass-1', 'AGEPHONE1', '14.1');
  });
  after(() => h.close());

  it('CalendarWindowNeverAged: an event that ends before the window start is SoftDeleted once on a later Sync', async () => {
    const store = h.ctx.store;
    const account = (await store.getAccount('age@example.com'))!;
    const f = await store.createFolder({ accountId: account.id, name: 'Aging', kind: 'calendar' });
    const id = String(f.id);
    const now = Date.now();
    const aging = await store.createItem({ folderId: f.id, name: 'aging.ics', ...ITEM_CLASSES.Calendar.fields(vevent('aging', 'Ten days ago', new Date(now - 10 * DAY))) });
    const fresh = await store.createItem({ folderId: f.id, name: 'fresh.ics', ...ITEM_CLASSES.Calendar.fields(vevent('fresh', 'Yesterday', new Date(now - DAY))) });
    const twoWeeks = [el(AS, 'FilterType', '4')];
    const { key, items } = await primed(p, id, twoWeeks);
    assert.deepEqual(items.map(serverIdOf).sort(), [`${id}:${aging.id}`, `${id}:${fresh.id}`].sort());
    const real = h.ctx.now;
    try {
      // Six days on, the first event ended 16 days ago: out of the 14-day window.
      h.ctx.now = () => Date.now() + 6 * DAY;
      const est = await p.dev.send('GetItemEstimate', el(GIE, 'GetItemEstimate', [el(GIE, 'Collections', [el(GIE, 'Collection', [
        el(AS, 'SyncKey', key), el(GIE, 'CollectionId', id), el(AS, 'Options', [el(AS, 'FilterType', '4')]),
      ])])]));
      assert.equal(childText(est.doc!.children[0].children.find((x) => x.tag === 'Collection')!, 'Estimate', GIE), '1');
      const r = await sync(p, { key, id });
      const c = collection(r.doc, id);
      assert.deepEqual(commands(c).map((x) => [x.tag, serverIdOf(x)]), [['SoftDelete', `${id}:${aging.id}`]]);
      const again = await sync(p, { key: keyOf(c), id });
      assert.equal(commands(collection(again.doc, id)).length, 0, 'once');
      assert.equal(keyOf(collection(again.doc, id)), keyOf(c));
    } finally {
      h.ctx.now = real;
    }
  });

  it('a task the phone has that becomes complete under filter 8 is SoftDeleted once', async () => {
    const store = h.ctx.store;
    const tasks = p.folders['7'];
    const todo = (status: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:age-task\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Soon done\r\n${status}END:VTODO\r\nEND:VCALENDAR\r\n`;
    const t = await store.createItem({ folderId: Number(tasks), name: 'age-task.ics', ...ITEM_CLASSES.Tasks.fields(todo('STATUS:NEEDS-ACTION\r\n')) });
    const incomplete = [el(AS, 'FilterType', '8')];
    const { key, items } = await primed(p, tasks, incomplete);
    assert.deepEqual(items.map(serverIdOf), [`${tasks}:${t.id}`]);
    await store.updateItem(t.id, ITEM_CLASSES.Tasks.fields(todo('STATUS:COMPLETED\r\nCOMPLETED:20260101T000000Z\r\n')));
    const r = await sync(p, { key, id: tasks });
    const c = collection(r.doc, tasks);
    assert.deepEqual(commands(c).map((x) => [x.tag, serverIdOf(x)]), [['SoftDelete', `${tasks}:${t.id}`]]);
    const again = await sync(p, { key: keyOf(c), id: tasks });
    assert.equal(commands(collection(again.doc, tasks)).length, 0);
  });
});
