/**
 * The domain's public calendars and address books over CalDAV/CardDAV: mounted in each user's
 * own homes as public-ID/ (protocols/dav/public-folders.ts), with the privileges the one rule
 * gives (read: DAV:read only, writes 403; write: DAV:write too), never the collection's name or
 * the collection itself; another domain's user gets 404. python3-caldav discovers them from the
 * principal's calendar-home-set and reads and writes them as a client does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createDavHarness, type DavHarness } from '../../protocols/dav/harness.js';
import { basic } from '../../protocols/dav/harness.js';
import { createPublicFolder, type PublicFolderView } from '../../../src/admin/public-folders.js';
import { calendarItemFields, contactItemFields } from '../../../src/pim/item.js';
import { pythonCaldavMissing, run } from './tools.js';

const script = fileURLToPath(new URL('./scripts/public_folders.py', import.meta.url));
const BY = { actor: 'admin@interop.test', source: 'cli' };
const ALICE = 'alice@interop.test', PW = 'Interop-alice-pass';
const EVE = 'eve@else.test', EVE_PW = 'Else-eve-pass';

const event = (uid: string, summary: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260801T000000Z\r\nDTEND:20260802T000000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const CARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sup-1\r\nFN:Sam Supplier\r\nN:Supplier;Sam;;;\r\nEMAIL:sam@acme.example\r\nORG:Acme Parts\r\nEND:VCARD\r\n';
const PRIVS = '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:resourcetype/><D:current-user-privilege-set/></D:prop></D:propfind>';

describe('public folders over CalDAV/CardDAV', () => {
  let h: DavHarness;
  let holidays: PublicFolderView, rooms: PublicFolderView, board: PublicFolderView, suppliers: PublicFolderView;
  const call = (method: string, url: string, body?: string, headers: Record<string, string> = {}, who: [string, string] = [ALICE, PW]) =>
    h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(who[0], who[1]), ...headers } });
  /** The <response> of one href in a multistatus body. */
  const responseOf = (body: string, href: string) => body.split('</D:response>').find((r) => r.includes(`<D:href>${href}</D:href>`)) ?? '';

  before(async () => {
    h = await createDavHarness();
    await h.addUser(ALICE, PW, { displayName: 'Alice Interop' });
    await h.addUser(EVE, EVE_PW);
    const d = (await h.store.getDomain('interop.test'))!;
    holidays = await createPublicFolder(h.store, BY, d, { name: 'Company Holidays', kind: 'calendar', defaultAccess: 'read' });
    rooms = await createPublicFolder(h.store, BY, d, { name: 'Rooms', kind: 'calendar', defaultAccess: 'write' });
    board = await createPublicFolder(h.store, BY, d, { name: 'Board', kind: 'calendar', defaultAccess: 'none' });
    suppliers = await createPublicFolder(h.store, BY, d, { name: 'Suppliers', kind: 'contacts', defaultAccess: 'read' });
    await h.store.createItem({ folderId: holidays.id, name: 'summer.ics', ...calendarItemFields(event('summer-1', 'Summer break')) });
    await h.store.createItem({ folderId: suppliers.id, name: 'sup-1.vcf', ...contactItemFields(CARD) });
  });
  after(() => h.close());

  it("the calendar home lists the public calendars the user may read, with read or write privileges", async () => {
    const home = await call('PROPFIND', `/dav/calendars/${ALICE}/`, PRIVS, { depth: '1', 'content-type': 'application/xml' });
    assert.equal(home.statusCode, 207);
    const hol = responseOf(home.body, `/dav/calendars/${ALICE}/public-${holidays.id}/`);
    const room = responseOf(home.body, `/dav/calendars/${ALICE}/public-${rooms.id}/`);
    assert.match(hol, /<D:displayname>Company Holidays<\/D:displayname>/);
    assert.match(hol, /calendar/);
    assert.match(hol, /<D:privilege><D:read\/><\/D:privilege>/);
    assert.doesNotMatch(hol, /<D:privilege><D:write\/><\/D:privilege>/);
    assert.match(room, /<D:privilege><D:write\/><\/D:privilege>/);
    assert.doesNotMatch(home.body, new RegExp(`public-${board.id}/`), 'a folder without access is not listed');
    assert.doesNotMatch(home.body, new RegExp(`public-${suppliers.id}/`), 'an address book is not in the calendar home');
    const books = await call('PROPFIND', `/dav/addressbooks/${ALICE}/`, PRIVS, { depth: '1', 'content-type': 'application/xml' });
    assert.match(responseOf(books.body, `/dav/addressbooks/${ALICE}/public-${suppliers.id}/`), /addressbook/);
    const card = await call('GET', `/dav/addressbooks/${ALICE}/public-${suppliers.id}/sup-1.vcf`);
    assert.equal(card.statusCode, 200);
    assert.match(card.body, /FN:Sam Supplier/);
  });

  it('read: GET works, PUT and DELETE are 403; write: PUT works; the collection cannot be deleted or renamed', async () => {
    const base = `/dav/calendars/${ALICE}/public-${holidays.id}/`;
    assert.match((await call('GET', base + 'summer.ics')).body, /Summer break/);
    const put = await call('PUT', base + 'mine.ics', event('mine-1', 'Mine'), { 'content-type': 'text/calendar' });
    assert.equal(put.statusCode, 403);
    assert.match(put.body, /need-privileges/);
    assert.equal((await call('DELETE', base + 'summer.ics')).statusCode, 403);
    assert.equal((await h.store.listItems(holidays.id)).length, 1);

    const rbase = `/dav/calendars/${ALICE}/public-${rooms.id}/`;
    assert.equal((await call('PUT', rbase + 'r1.ics', event('room-a', 'Room A'), { 'content-type': 'text/calendar' })).statusCode, 201);
    const stored = (await h.store.listItems(rooms.id)).map((i) => i.summary);
    assert.deepEqual(stored, ['Room A'], 'stored in the public folder');
    assert.equal((await call('DELETE', rbase)).statusCode, 403, 'the collection is the administrator\'s');
    const rename = await call('PROPPATCH', rbase, '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Mine now</D:displayname></D:prop></D:set></D:propertyupdate>', { 'content-type': 'application/xml' });
    assert.equal(rename.statusCode, 207);
    assert.match(rename.body, /403/);
    assert.equal((await h.store.getFolder(rooms.id))!.name, 'Rooms');
    const mk = await call('MKCALENDAR', `/dav/calendars/${ALICE}/public-999999/`);
    assert.ok(mk.statusCode === 403 || mk.statusCode === 404, `public-N names are not for own collections (${mk.statusCode})`);
  });

  it('a folder without access and another domain\'s user: 404', async () => {
    assert.equal((await call('PROPFIND', `/dav/calendars/${ALICE}/public-${board.id}/`, PRIVS, { depth: '0' })).statusCode, 404);
    const eve = [EVE, EVE_PW] as [string, string];
    assert.equal((await call('PROPFIND', `/dav/calendars/${EVE}/public-${holidays.id}/`, PRIVS, { depth: '0' }, eve)).statusCode, 404);
    assert.equal((await call('GET', `/dav/calendars/${EVE}/public-${holidays.id}/summer.ics`, undefined, {}, eve)).statusCode, 404);
    assert.equal((await call('GET', `/dav/calendars/${ALICE}/public-${holidays.id}/summer.ics`, undefined, {}, eve)).statusCode, 404);
    const home = await call('PROPFIND', `/dav/calendars/${EVE}/`, PRIVS, { depth: '1' }, eve);
    assert.doesNotMatch(home.body, /public-/);
  });

  it('python3-caldav discovers the public calendars and reads and writes them', { skip: pythonCaldavMissing(), timeout: 600_000 }, async () => {
    const url = await h.listen();
    const { code, out } = await run('/usr/bin/python3', [script, url, ALICE, PW]);
    assert.equal(code, 0, out);
    assert.match(out, /^ok discovered public calendars: Company Holidays, Rooms$/m);
    assert.match(out, /^ok refused on read-only$/m);
    assert.match(out, /^done$/m);
  });
});
