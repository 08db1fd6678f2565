/**
 * Issue 14: an event leaving the device's FilterType window wakes a held Ping (Status 2 with the
 * folder), and the next Sync SoftDeletes it. The context clock is set a few seconds before the
 * instant the event ages; the Ping's heartbeat (300 s) is far longer, so only the aging can end it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, SETTINGS, type Harness } from '../harness.js';
import { collection, commands, phone, primed, serverIdOf, sync, syncRequest, vevent, AS } from './helpers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const P = 'Ping';
/** Seconds between the clock's start and the aging instant: long enough for the Ping to be held first. */
const LEAD_MS = 15_000;

let h: Harness;
before(async () => {
  h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
});
after(() => h.close());

test('an event ageing out of the FilterType window wakes a held Ping, and the next Sync SoftDeletes it', async () => {
  await h.addUser('ager@example.com', 'ager-pass-1');
  const p = await phone(h, 'ager@example.com', 'ager-pass-1', 'AGEPING1', '14.1');
  const account = (await h.ctx.store.getAccount('ager@example.com'))!;
  const f = await h.ctx.store.createFolder({ accountId: account.id, name: 'Ageing', kind: 'calendar' });
  const id = String(f.id);
  const start = new Date(Math.floor((Date.now() - 10 * DAY) / HOUR) * HOUR);
  const item = await h.ctx.store.createItem({
    folderId: f.id,
    name: 'old.ics',
    ...ITEM_CLASSES.Calendar.fields(vevent('old', 'Ten days ago', start)),
  });
  const twoWeeks = [el(AS, 'FilterType', '4')];
  const { key } = await primed(p, id, twoWeeks);
  // An event on whole hours leaves the 14-day window just after its end + 14 days, when the hourly cutoff steps.
  const agesAt = item.endAt! + 14 * DAY + 1;
  const real = h.ctx.now;
  const shift = agesAt - LEAD_MS - Date.now();
  h.ctx.now = () => Date.now() + shift;
  try {
    const ping = await p.dev.send(
      'Ping',
      el(P, 'Ping', [
        el(P, 'HeartbeatInterval', '300'),
        el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Calendar')])]),
      ]),
    );
    assert.equal(childText(ping.doc!, 'Status', P), '2');
    assert.deepEqual(
      children(child(ping.doc!, 'Folders', P)!, 'Folder', P).map((x) => x.text),
      [id],
    );
    const r = await sync(p, { key, id });
    assert.deepEqual(
      commands(collection(r.doc, id)).map((x) => [x.tag, serverIdOf(x)]),
      [['SoftDelete', `${id}:${item.id}`]],
    );
  } finally {
    h.ctx.now = real;
  }
});

test('an event ageing out of the FilterType window ends a hanging Sync with its SoftDelete', async () => {
  await h.addUser('hanger@example.com', 'hanger-pass-1');
  const p = await phone(h, 'hanger@example.com', 'hanger-pass-1', 'AGEHANG1', '14.1');
  const account = (await h.ctx.store.getAccount('hanger@example.com'))!;
  const f = await h.ctx.store.createFolder({ accountId: account.id, name: 'Ageing', kind: 'calendar' });
  const id = String(f.id);
  const item = await h.ctx.store.createItem({
    folderId: f.id,
    name: 'old.ics',
    ...ITEM_CLASSES.Calendar.fields(vevent('old-hang', 'Ten days ago', new Date(Math.floor((Date.now() - 10 * DAY) / HOUR) * HOUR))),
  });
  const { key } = await primed(p, id, [el(AS, 'FilterType', '4')]);
  const agesAt = item.endAt! + 14 * DAY + 1;
  const real = h.ctx.now;
  const shift = agesAt - LEAD_MS - Date.now();
  h.ctx.now = () => Date.now() + shift;
  try {
    // [MS-ASCMD] 2.2.3.79 HeartbeatInterval: a Sync with nothing to say waits up to 300 s.
    const r = await p.dev.send('Sync', syncRequest([{ key, id }], [el(AS, 'HeartbeatInterval', '300')]));
    assert.deepEqual(
      commands(collection(r.doc, id)).map((x) => [x.tag, serverIdOf(x)]),
      [['SoftDelete', `${id}:${item.id}`]],
    );
  } finally {
    h.ctx.now = real;
  }
});
