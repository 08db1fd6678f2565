/**
 * Issue 8.2: one large field must not stall every tenant. A Sync Add with an 8 MiB contact
 * FirstName once held the event loop for 6 s; it is now refused alone with Status 6 before any
 * conversion, while the other items of the request are stored. Event-loop delay and memory are
 * measured in-process around the request, with generous bounds (never wall-clock).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { itemOverLimit } from '../../../../protocols/activesync/sync/item-limits.js';
import { DEFAULT_LIMITS } from '../../../../protocols/activesync/limits.js';
import { makeHarness, type Harness } from '../harness.js';
import { AS, C, collection, contactAdd, keyOf, phone, type Phone, responses, sync } from './helpers.js';

const MiB = 1024 * 1024;

describe('Sync: per-field and per-item limits (issue 8.2)', () => {
  let h: Harness;
  let p: Phone;
  let contacts: string;
  before(async () => {
    h = await makeHarness();
    await h.addUser('big@example.com', 'big-pass-1');
    p = await phone(h, 'big@example.com', 'big-pass-1', 'BIGPHONE1');
    contacts = p.folders['9'];
  });
  after(() => h.close());

  it('refuses an Add with an 8 MiB FirstName with Status 6, stores the others, and stays responsive', async () => {
    const r0 = await sync(p, { key: '0', id: contacts });
    const key = keyOf(collection(r0.doc, contacts));
    const before = await h.ctx.store.listItems(Number(contacts));

    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const heapBefore = process.memoryUsage().heapUsed;
    histogram.enable();
    const r = await sync(p, { key, id: contacts, commands: [contactAdd('huge', 'x'.repeat(8 * MiB)), contactAdd('small', 'Ada')] });
    histogram.disable();
    const heapGrown = process.memoryUsage().heapUsed - heapBefore;

    assert.equal(r.status, 200);
    const adds = responses(collection(r.doc, contacts), 'Add');
    const statusOf = (id: string) => childText(adds.find((a) => childText(a, 'ClientId', AS) === id)!, 'Status', AS);
    assert.equal(statusOf('huge'), '6');
    assert.equal(statusOf('small'), '1');
    const afterItems = await h.ctx.store.listItems(Number(contacts));
    assert.equal(afterItems.length, before.length + 1);
    // The old code stalled for seconds converting the field; refusing it costs a decode and a scan.
    const maxMs = histogram.max / 1e6;
    assert.ok(maxMs < 2000, `event loop blocked for ${Math.round(maxMs)} ms`);
    assert.ok(heapGrown < 200 * MiB, `heap grew by ${Math.round(heapGrown / MiB)} MiB`);
  });

  it('refuses a Change over the field limit with Status 6 and leaves the stored item alone', async () => {
    const r0 = await sync(p, { key: '0', id: contacts });
    let key = keyOf(collection(r0.doc, contacts));
    const r1 = await sync(p, { key, id: contacts, commands: [contactAdd('c1', 'Grace')] });
    key = keyOf(collection(r1.doc, contacts));
    const serverId = childText(responses(collection(r1.doc, contacts), 'Add')[0], 'ServerId', AS)!;
    const stored = (await h.ctx.store.getItem(Number(serverId.split(':')[1])))!;
    const change = el(AS, 'Change', [el(AS, 'ServerId', serverId), el(AS, 'ApplicationData', [el(C, 'LastName', 'y'.repeat(40 * 1024))])]);
    const r2 = await sync(p, { key, id: contacts, commands: [change] });
    const failed = responses(collection(r2.doc, contacts), 'Change');
    assert.equal(childText(failed[0], 'Status', AS), '6');
    const now = (await h.ctx.store.getItem(stored.id))!;
    assert.equal(now.content, stored.content);
    assert.equal(now.modseq, stored.modseq);
  });

  it('checks fields, bodies, the whole item and its element count', () => {
    const L = DEFAULT_LIMITS;
    const app = (kids: ReturnType<typeof el>[]) => el(AS, 'ApplicationData', kids);
    assert.equal(itemOverLimit(app([el(C, 'FirstName', 'a'.repeat(L.fieldBytes))]), L), null);
    assert.equal(itemOverLimit(app([el(C, 'FirstName', 'a'.repeat(L.fieldBytes + 1))]), L), 'field');
    // Multi-byte text counts in UTF-8 bytes: 'é' is two.
    assert.equal(itemOverLimit(app([el(C, 'FirstName', 'é'.repeat(L.fieldBytes / 2 + 1))]), L), 'field');
    const body = (n: number) => el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'b'.repeat(n))]);
    assert.equal(itemOverLimit(app([body(L.bodyFieldBytes)]), L), null);
    assert.equal(itemOverLimit(app([body(L.bodyFieldBytes + 1)]), L), 'body');
    assert.equal(itemOverLimit(app([el(C, 'Picture', new Uint8Array(L.bodyFieldBytes + 1))]), L), 'body');
    const many = Array.from({ length: L.itemElements + 1 }, () => el(C, 'Categories', [el(C, 'Category', 'x')]));
    assert.equal(itemOverLimit(app(many), L), 'elements');
    const fat = Array.from({ length: Math.ceil(L.itemBytes / L.fieldBytes) + 1 }, () => el(C, 'Category', 'c'.repeat(L.fieldBytes)));
    assert.equal(itemOverLimit(app(fat), { ...L, itemElements: 1e9 }), 'item');
  });
});
