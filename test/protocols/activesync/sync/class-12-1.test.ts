/** Issue 14: 12.1 Sync answers name each collection's Class ([MS-ASCMD] 2.2.3.27.5); 14.x ones do not. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, type Harness } from '../harness.js';
import { AS, collection, phone, sync } from './helpers.js';
import { childText } from '../../../../protocols/activesync/wbxml/types.js';

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

test('a 12.1 Sync answer carries Class first in each Collection, a 14.1 answer none', async () => {
  await h.addUser('twelve@example.com', 'twelve-pass-1');
  for (const [version, expect] of [
    ['12.1', true],
    ['14.1', false],
  ] as const) {
    const p = await phone(h, 'twelve@example.com', 'twelve-pass-1', `DEV${version.replace('.', '')}`, version);
    // FolderSync types: 9 contacts, 8 calendar, 7 tasks.
    for (const [type, cls] of [
      ['9', 'Contacts'],
      ['8', 'Calendar'],
      ['7', 'Tasks'],
    ]) {
      const id = p.folders[type];
      const c = collection((await sync(p, { key: '0', id })).doc, id);
      assert.equal(childText(c, 'Class', AS), expect ? cls : undefined, `${version} ${cls}`);
      if (expect) assert.equal(c.children[0].tag, 'Class', 'Class precedes SyncKey');
    }
  }
});
