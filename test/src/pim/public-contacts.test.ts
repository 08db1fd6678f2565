import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { contactEntries, contactMatches, publicContacts } from '../../../src/pim/public-contacts.js';
import { contactItemFields } from '../../../src/pim/item.js';
import { createPublicFolder, setPublicFolderGrant } from '../../../src/admin/public-folders.js';
import type { Store } from '../../../src/store/store.js';
import type { Account } from '../../../src/model/types.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const BY = { actor: 'admin@pc.example', source: 'cli' };
const V4 = [
  'BEGIN:VCARD', 'VERSION:4.0', 'UID:v4', 'FN:Dana Dispatch', 'N:Dispatch;Dana;;;', 'ORG:Freight Co',
  'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-555-0123', 'TEL;VALUE=uri;TYPE=home:tel:+1-555-0999',
  'EMAIL;TYPE=work:dana@freight.example', 'EMAIL:dispatch@freight.example', 'END:VCARD', '',
].join('\r\n');

const factories = await storeFactories();

describe('public contacts as directory entries', () => {
  it('reads vCard 4 and 3 fields: one entry per address, tel: URIs, a card without an address', () => {
    const e = contactEntries(V4, 1, 2);
    assert.deepEqual(e.map((x) => x.email), ['dana@freight.example', 'dispatch@freight.example']);
    assert.deepEqual([e[0].displayName, e[0].firstName, e[0].lastName, e[0].company, e[0].mobilePhone, e[0].homePhone, e[0].phone],
      ['Dana Dispatch', 'Dana', 'Dispatch', 'Freight Co', '+1-555-0123', '+1-555-0999', undefined]);
    const noMail = contactEntries('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nN:Desk;Front;;;\r\nTEL:+1 555 0000\r\nEND:VCARD\r\n', 1, 3);
    assert.deepEqual(noMail.map((x) => [x.displayName, x.email, x.phone]), [['Front Desk', undefined, '+1 555 0000']]);
    assert.deepEqual(contactEntries('not a card', 1, 4), []);
    assert.ok(contactMatches(e[0], 'disp'));
    assert.ok(contactMatches(e[0], 'dana@'));
    assert.ok(!contactMatches(e[0], 'freight co'));
  });

  for (const factory of factories) {
    describe(`who reads them (${factory.name})`, { skip: factory.skip ?? false }, () => {
      let opened: OpenedStore;
      let store: Store;
      let ann: Account, bob: Account, eve: Account;
      before(async () => {
        opened = await factory.open();
        store = opened.store;
        const d = await store.createDomain({ name: 'pc.example' });
        const other = await store.createDomain({ name: 'else.example' });
        ann = await store.createAccount({ domainId: d.id, email: 'ann@pc.example' });
        bob = await store.createAccount({ domainId: d.id, email: 'bob@pc.example' });
        eve = await store.createAccount({ domainId: other.id, email: 'eve@else.example' });
        const open = await createPublicFolder(store, BY, d, { name: 'Suppliers', kind: 'contacts', defaultAccess: 'read' });
        const closed = await createPublicFolder(store, BY, d, { name: 'Board', kind: 'contacts', defaultAccess: 'none' });
        await setPublicFolderGrant(store, BY, d, closed.id, 'ann@pc.example', 'read');
        await store.createItem({ folderId: open.id, name: 'v4.vcf', ...contactItemFields(V4) });
        await store.createItem({ folderId: closed.id, name: 'b.vcf', ...contactItemFields('BEGIN:VCARD\r\nVERSION:3.0\r\nUID:b\r\nFN:Bea Board\r\nEMAIL:bea@board.example\r\nEND:VCARD\r\n') });
      });
      after(async () => { await opened?.dispose(); });

      it('the default access, a grant, and nothing for another domain', async () => {
        assert.deepEqual((await publicContacts(store, ann)).map((c) => c.email), ['bea@board.example', 'dana@freight.example', 'dispatch@freight.example']);
        assert.deepEqual((await publicContacts(store, bob)).map((c) => c.email), ['dana@freight.example', 'dispatch@freight.example']);
        assert.deepEqual(await publicContacts(store, eve), []);
      });
    });
  }
});
