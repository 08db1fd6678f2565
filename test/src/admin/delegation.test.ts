import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { delegate, delegationLines, undelegate } from '../../../src/admin/delegation.js';
import { isStoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import { buildServer } from '../../../src/server/app.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import { createTestContext } from '../../helpers/context.js';

const BY = { actor: 'admin@example.test', source: 'cli' };
const rejects = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code);

for (const factory of await storeFactories()) {
  describe(`delegation administration (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    it('delegates everything or one folder, changes rights, lists and removes, audited', async () => {
      const d = await store.createDomain({ name: 'deleg.example' });
      await store.createAccount({ domainId: d.id, email: 'boss@deleg.example' });
      await store.createAccount({ domainId: d.id, email: 'pa@deleg.example' });
      await delegate(store, 'boss@deleg.example', 'pa@deleg.example', 'read', undefined, BY);
      await delegate(store, 'boss@deleg.example', 'pa@deleg.example', 'write', undefined, BY);
      await delegate(store, 'boss@deleg.example', 'pa@deleg.example', 'read', 'contacts', BY);
      assert.deepEqual((await delegationLines(store, 'boss@deleg.example')).sort(),
        ['pa@deleg.example\tread\tContacts\taccepted', 'pa@deleg.example\twrite\tall\taccepted']);
      await undelegate(store, 'boss@deleg.example', 'pa@deleg.example', undefined, BY);
      assert.deepEqual(await delegationLines(store, 'boss@deleg.example'), ['pa@deleg.example\tread\tContacts\taccepted']);
      await rejects(undelegate(store, 'boss@deleg.example', 'pa@deleg.example', undefined, BY), 'NotFound');
      await rejects(delegate(store, 'boss@deleg.example', 'pa@deleg.example', 'read', 'INBOX', BY), 'NotFound');
      const audit = await store.listAudit({ target: 'account:boss@deleg.example' });
      assert.deepEqual(audit.map((e) => e.action), ['delegation.removed', 'delegation.set', 'delegation.set', 'delegation.set']);
    });

    it('never crosses domains', async () => {
      const a = await store.createDomain({ name: 'one.example' });
      const b = await store.createDomain({ name: 'two.example' });
      await store.createAccount({ domainId: a.id, email: 'x@one.example' });
      await store.createAccount({ domainId: b.id, email: 'y@two.example' });
      await rejects(delegate(store, 'x@one.example', 'y@two.example', 'write', undefined, BY), 'Invalid');
      await rejects(delegate(store, 'x@one.example', 'x@one.example', 'write', undefined, BY), 'Invalid');
      await rejects(delegate(store, 'x@one.example', 'nobody@one.example', 'write', undefined, BY), 'NotFound');
    });
  });
}

describe('a delegation reaches CalDAV', () => {
  it("lets the delegate read the owner's calendar, and write only with --write", async () => {
    const t = await createTestContext();
    const app = await buildServer(t.ctx);
    try {
      const boss = await t.addUser('boss@office.example', 'boss-password-1');
      await t.addUser('pa@office.example', 'pa-password-12');
      const cal = (await t.store.findFolderByRole(boss.id, 'calendar'))!;
      await t.store.createItem({ folderId: cal.id, name: 'meeting.ics', uid: 'meeting', componentType: 'VEVENT',
        content: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:meeting\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nSUMMARY:Board\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' });
      const auth = { authorization: `Basic ${Buffer.from('pa@office.example:pa-password-12').toString('base64')}` };
      // Find the calendar's URL the way a client does: the owner's calendar home, Depth 1.
      const home = await app.inject({ method: 'PROPFIND', url: '/dav/calendars/boss@office.example/', headers: { ...auth, depth: '1' } });
      assert.equal(home.statusCode, 404, 'nothing is visible before a delegation');
      await delegate(t.store, 'boss@office.example', 'pa@office.example', 'read', undefined, BY);
      const listed = await app.inject({ method: 'PROPFIND', url: '/dav/calendars/boss@office.example/', headers: { ...auth, depth: '1' } });
      assert.equal(listed.statusCode, 207);
      const calHref = [...listed.body.matchAll(/<[^>]*href>([^<]+)<\/[^>]*href>/g)].map((m) => m[1])
        .find((h) => h !== '/dav/calendars/boss@office.example/' && /\/dav\/calendars\/boss@office\.example\/[^/]+\/$/.test(h) && !/inbox|outbox|notifications/.test(h));
      assert.ok(calHref, listed.body);
      const get = await app.inject({ method: 'GET', url: `${calHref}meeting.ics`, headers: auth });
      assert.equal(get.statusCode, 200);
      assert.match(get.body, /SUMMARY:Board/);
      const put = { method: 'PUT' as const, url: `${calHref}new.ics`, headers: { ...auth, 'content-type': 'text/calendar' },
        payload: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:new\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260106T090000Z\r\nSUMMARY:By PA\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' };
      assert.equal((await app.inject(put)).statusCode, 403, 'read delegation refuses writes');
      await delegate(t.store, 'boss@office.example', 'pa@office.example', 'write', undefined, BY);
      assert.equal((await app.inject(put)).statusCode, 201);
    } finally {
      await app.close();
      await t.close();
    }
  });
});
