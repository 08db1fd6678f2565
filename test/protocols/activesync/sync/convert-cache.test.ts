/** The conversion cache converts and encodes each stored version once per set of options, and never serves a stale version. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applicationData as convertItem } from '../../../../protocols/activesync/sync/convert-cache.js';
import { decodeWbxml, el, encodeWbxml } from '../../../../protocols/activesync/wbxml/index.js';
import { ITEM_CLASSES, type ItemClass } from '../../../../protocols/activesync/sync/classes.js';
import type { Item } from '../../../../src/model/types.js';
import type { Store } from '../../../../src/store/store.js';
import { vcard } from './helpers.js';

test('an item version is converted once per options; a new modseq, other options or another store convert again', () => {
  let calls = 0;
  const cls: ItemClass = {
    ...ITEM_CLASSES.Contacts,
    toEas: (c, o) => {
      calls++;
      return ITEM_CLASSES.Contacts.toEas(c, o);
    },
  };
  const store = {} as Store;
  const item = { id: 7, modseq: 10, content: vcard('cache-1', 'Cached Person') } as Item;
  const opts = { protocolVersion: '14.1' };
  const first = convertItem(store, cls, item, opts);
  assert.deepEqual(convertItem(store, cls, item, opts), first);
  assert.equal(calls, 1);
  const tree = el('AirSync', 'ApplicationData', ITEM_CLASSES.Contacts.toEas(item.content!, opts));
  assert.deepEqual(encodeWbxml(el('AirSync', 'Sync', [first])), encodeWbxml(el('AirSync', 'Sync', [tree])));
  // A write: new modseq, new content, converted anew.
  const changed = { ...item, modseq: 11, content: vcard('cache-1', 'Renamed Person') };
  assert.notDeepEqual(convertItem(store, cls, changed, opts), first);
  assert.equal(calls, 2);
  convertItem(store, cls, item, { protocolVersion: '16.1' });
  convertItem(store, cls, item, { protocolVersion: '14.1', bodyPreference: { type: 1, truncationSize: 10 } });
  convertItem({} as Store, cls, item, opts);
  assert.equal(calls, 5);
  // Big objects are not kept.
  const big = { ...item, id: 8, content: vcard('cache-big', 'Big', 'Stored', `NOTE:${'x'.repeat(20_000)}\r\n`) };
  convertItem(store, cls, big, opts);
  convertItem(store, cls, big, opts);
  assert.equal(calls, 7);
});

test('a cached ApplicationData carries bytes that encode and decode as the converted tree', () => {
  const item = { id: 9, modseq: 3, content: vcard('cache-2', 'Encoded Person', 'Stored', 'NOTE:a note\r\nEMAIL:e@example.org\r\n') } as Item;
  const opts = { protocolVersion: '14.1', bodyPreference: { type: 1 } };
  const data = convertItem({} as Store, ITEM_CLASSES.Contacts, item, opts);
  assert.ok(data.encoded);
  const doc = (d: typeof data) => el('AirSync', 'Sync', [el('AirSync', 'Add', [el('AirSync', 'ServerId', '1:9'), d])]);
  const tree = el('AirSync', 'ApplicationData', ITEM_CLASSES.Contacts.toEas(item.content!, opts));
  const spliced = encodeWbxml(doc(data));
  assert.deepEqual(spliced, encodeWbxml(doc(tree)));
  assert.deepEqual(decodeWbxml(spliced), doc(tree));
});
