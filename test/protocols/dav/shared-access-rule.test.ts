/**
 * The core's folder-access rule (src/auth/folder-access.ts) over DAV, where the copies disagreed
 * before it: a calendar mounted as shared-N/ through a free-busy grant is not readable (it was
 * served as 'read'), and a disabled owner's shared calendar is hidden (it was served). A free-busy
 * grant still allows the free-busy-query on the owner's calendar (RFC 4791 §7.10), and nothing else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Account, Folder, Grant } from '../../../src/model/types.js';
import { basic, createDavHarness, type DavHarness } from './harness.js';

const OWNER = 'own@rule.test', USER = 'usr@rule.test';
const EVENT = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:rule-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260210T100000Z\r\nDTEND:20260210T110000Z\r\nSUMMARY:Private\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const FB_QUERY = '<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20260210T000000Z" end="20260211T000000Z"/></C:free-busy-query>';

describe('DAV applies the one folder-access rule', () => {
  let h: DavHarness;
  let owner: Account, user: Account;
  let work: Folder, team: Folder;
  let fbGrant: Grant, readGrant: Grant;
  const call = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(USER, 'pw-u'), ...headers } });

  before(async () => {
    h = await createDavHarness();
    owner = await h.addUser(OWNER, 'pw-o');
    user = await h.addUser(USER, 'pw-u');
    work = (await h.store.findFolderByRole(owner.id, 'calendar'))!;
    team = await h.store.createFolder({ accountId: owner.id, name: 'Team', kind: 'calendar' });
    const put = await h.app.inject({ method: 'PUT', url: `/dav/calendars/${OWNER}/${work.id}/e.ics`, payload: EVENT, headers: { authorization: basic(OWNER, 'pw-o'), 'content-type': 'text/calendar' } });
    assert.equal(put.statusCode, 201);
    fbGrant = await h.store.createGrant({ ownerId: owner.id, folderId: work.id, granteeId: user.id, rights: 'freebusy', status: 'accepted', props: { sharing: true } });
    readGrant = await h.store.createGrant({ ownerId: owner.id, folderId: team.id, granteeId: user.id, rights: 'read', status: 'accepted', props: { sharing: true } });
  });
  after(() => h.close());

  it('a free-busy grant mounts nothing and reads nothing, but answers free-busy-query', async () => {
    assert.equal((await call('PROPFIND', `/dav/calendars/${USER}/shared-${fbGrant.id}/`, undefined, { depth: '0' })).statusCode, 404);
    assert.equal((await call('GET', `/dav/calendars/${USER}/shared-${fbGrant.id}/e.ics`)).statusCode, 404);
    assert.equal((await call('GET', `/dav/calendars/${OWNER}/${work.id}/e.ics`)).statusCode, 403);
    const fb = await call('REPORT', `/dav/calendars/${OWNER}/${work.id}/`, FB_QUERY, { depth: '1', 'content-type': 'application/xml' });
    assert.equal(fb.statusCode, 200);
    assert.match(fb.body, /FREEBUSY/);
    assert.doesNotMatch(fb.body, /Private/);
  });

  it('a read grant mounts the calendar as shared-N', async () => {
    assert.equal((await call('PROPFIND', `/dav/calendars/${USER}/shared-${readGrant.id}/`, undefined, { depth: '0' })).statusCode, 207);
  });

  it("a disabled owner's shared calendar is hidden, and shown again once enabled", async () => {
    await h.store.updateAccount(owner.id, { disabled: true });
    try {
      assert.equal((await call('PROPFIND', `/dav/calendars/${USER}/shared-${readGrant.id}/`, undefined, { depth: '0' })).statusCode, 404);
      const home = await call('PROPFIND', `/dav/calendars/${USER}/`, undefined, { depth: '1' });
      assert.doesNotMatch(home.body, new RegExp(`shared-${readGrant.id}/`));
    } finally {
      await h.store.updateAccount(owner.id, { disabled: false });
    }
    assert.equal((await call('PROPFIND', `/dav/calendars/${USER}/shared-${readGrant.id}/`, undefined, { depth: '0' })).statusCode, 207);
  });
});
