/** The engine's pure parts: the id set, ServerIds, and the time-bounded enumeration (maxSyncSeconds). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { IdSet, parseItemServerId, serverIdOf } from '../../../../protocols/activesync/sync/ids.js';
import { enumerateChanges } from '../../../../protocols/activesync/sync/changes.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import { vcard } from './helpers.js';

test('IdSet keeps ranges and survives a round trip', () => {
  const s = new IdSet();
  for (let i = 1; i <= 5000; i++) s.add(i);
  assert.equal(s.toString(), '1-5000');
  s.delete(2500);
  s.add(7000);
  s.add(6999);
  assert.equal(s.toString(), '1-2499,2501-5000,6999-7000');
  assert.equal(s.size, 5001);
  assert.ok(s.has(1) && s.has(5000) && !s.has(2500) && s.has(6999) && !s.has(6998));
  s.add(2500);
  assert.equal(IdSet.parse(s.toString()).toString(), '1-5000,6999-7000');
  const rnd = new IdSet();
  const ref = new Set<number>();
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(Math.random() * 500);
    if (Math.random() < 0.6) { rnd.add(n); ref.add(n); } else { rnd.delete(n); ref.delete(n); }
  }
  for (let n = 1; n <= 500; n++) assert.equal(rnd.has(n), ref.has(n), String(n));
  assert.throws(() => IdSet.parse('5-3'));
  assert.throws(() => IdSet.parse('1-3,2'));
});

test('ServerIds name their collection', () => {
  assert.equal(parseItemServerId(serverIdOf(12, 345), 12), 345);
  for (const bad of ['13:345', '12:0', '12:', ':1', '12:1:2', '12:1e3', '012:5', 'x'.repeat(100)]) assert.equal(parseItemServerId(bad, 12), null, bad);
});

let h: Harness;
before(async () => { h = await makeHarness(); });
after(() => h.close());

test('a deadline cuts the enumeration at a window boundary with more = true, and the rest follows', async () => {
  const acc = await h.addUser('deadline@example.com', 'dl-pass-1');
  const f = (await h.ctx.store.findFolderByRole(acc.id, 'contacts'))!;
  // Objects of another class first: the first store read of a window yields nothing to send.
  await h.ctx.store.createItems(Array.from({ length: 10 }, (_, i) => ({ folderId: f.id, name: `x${i}.ics`, content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', componentType: 'VEVENT' })));
  await h.ctx.store.createItems(Array.from({ length: 30 }, (_, i) => ({ folderId: f.id, name: `d${i}.vcf`, ...ITEM_CLASSES.Contacts.fields(vcard(`d-${i}`, `D${i}`)) })));
  const point = { modseq: 0, have: new IdSet(), echo: {}, filterType: 0 };
  const cut = await enumerateChanges(h.ctx.store, ITEM_CLASSES.Contacts, f.id, point, { max: 10, deadline: 0, now: Date.now(), clock: () => 1_000 });
  assert.deepEqual([cut.entries.length, cut.more], [0, true], 'past the deadline after one read: MoreAvailable, no items');
  assert.ok(cut.modseq > 0, 'but progress');
  const first = await enumerateChanges(h.ctx.store, ITEM_CLASSES.Contacts, f.id, cut, { max: 10, deadline: 0, now: Date.now(), clock: () => 1_000 });
  assert.equal(first.entries.length, 10);
  assert.equal(first.more, true);
  const rest = await enumerateChanges(h.ctx.store, ITEM_CLASSES.Contacts, f.id, first, { max: 100, deadline: 2_000, now: Date.now(), clock: () => 1_000 });
  assert.equal(rest.entries.length, 20);
  assert.equal(rest.more, false);
  assert.equal(rest.have.size, 30);
});
