/**
 * calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7) answer, byte for
 * byte, what resolving every href on its own and rendering it through the general property
 * engine answers: the one-read path for members of the request collection (reports/multiget.ts
 * memberNames, Store.listItemFields by names, props/batch.ts) must not change a byte. The hrefs
 * mix members (also spelt another way: encoded '@', a full URL, a query), missing names, members
 * of other collections, another user's calendar without access, a calendar shared for reading
 * and one shared for free-busy only; the property lists mix ETags, calendar-data with a
 * component/property selection, expand, limit-recurrence-set, address-data subsets, dead and
 * unknown properties, allprop. On SQLite and PostgreSQL.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Account, Domain, Folder } from '../../../src/model/types.js';
import type { ProtocolContext } from '../../../src/model/context.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { extractCalendarFields } from '../../../src/pim/extract.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import { basic, davApp } from './harness.js';
import type { DavRequest } from '../../../protocols/dav/request.js';
import { urlToSegments } from '../../../protocols/dav/request.js';
import { LockManager } from '../../../protocols/dav/locks.js';
import { noImip } from '../../../protocols/dav/scheduling/imip.js';
import { InstanceCache } from '../../../protocols/dav/caldav/instances.js';
import { resolve } from '../../../protocols/dav/resolve.js';
import { exists } from '../../../protocols/dav/conditions.js';
import { renderResponse, statusResponse } from '../../../protocols/dav/props/engine.js';
import { reportProps } from '../../../protocols/dav/reports/render.js';
import { memberNames } from '../../../protocols/dav/reports/multiget.js';
import { parseXml } from '../../../protocols/dav/xml/parser.js';
import { documentRoot } from '../../../protocols/dav/xml/writer.js';
import { NS } from '../../../protocols/dav/xml/names.js';

const U = 'mg@multi.test', OTHER = 'other@multi.test', SHARER = 'sharer@multi.test';
const PW = 'Multi-pass-1';
const ev = (uid: string, extra = '') => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\n${extra}SUMMARY:${uid} & <b>\r\nDESCRIPTION:text\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const RECURRING = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:rec\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:rec\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:rec\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20260107T100000Z\r\nDTSTART:20260107T120000Z\r\nDTEND:20260107T130000Z\r\nSUMMARY:moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const card = (uid: string, fn: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${fn}\r\nN:${fn};;;;\r\nEMAIL:${uid}@multi.test\r\nTEL:+1 555\r\nEND:VCARD\r\n`;

const CAL_PROPS = [
  '<D:prop><D:getetag/><C:calendar-data/></D:prop>',
  '<D:prop><D:getetag/><C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/><C:prop name="SUMMARY" novalue="yes"/></C:comp></C:comp></C:calendar-data></D:prop>',
  '<D:prop><C:calendar-data><C:expand start="20260106T000000Z" end="20260109T000000Z"/></C:calendar-data><D:getetag/></D:prop>',
  '<D:prop><C:calendar-data><C:limit-recurrence-set start="20260108T000000Z" end="20260109T000000Z"/></C:calendar-data></D:prop>',
  '<D:prop><D:getetag/><D:getcontenttype/><D:getcontentlength/><D:resourcetype/><x:tag/></D:prop>',
  '<D:prop><D:getetag/><D:displayname/><x:unknown/><D:current-user-privilege-set/></D:prop>',
  '<D:allprop/>',
];
const CARD_PROPS = [
  '<D:prop><D:getetag/><CR:address-data/></D:prop>',
  '<D:prop><D:getetag/><CR:address-data><CR:prop name="FN"/><CR:prop name="EMAIL"/></CR:address-data></D:prop>',
];

for (const factory of await storeFactories()) {
  describe(`multiget equals the href-by-href answer (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let app: FastifyInstance;
    let ctx: ProtocolContext;
    let user: Account, domain: Domain;
    let cal: Folder, book: Folder;
    const hrefs: { cal: string[]; shared: string[]; book: string[] } = { cal: [], shared: [], book: [] };
    let calBase = '', sharedBase = '', bookBase = '';

    const q = (path: string): DavRequest => ({
      svc: { ctx, locks: new LockManager(ctx.store, ctx.now), imip: noImip, instances: new InstanceCache() },
      user, domain, method: 'REPORT', segments: urlToSegments(path)!, path, trailingSlash: true, headers: {}, body: Buffer.alloc(0),
    });

    /** What the general path answers: each href resolved and rendered on its own (reports/multiget.ts `other`). */
    async function hrefByHref(path: string, report: string): Promise<string> {
      const body = parseXml(report);
      const rp = reportProps(body);
      const parts: string[] = [];
      for (const e of body.children.filter((c) => c.ns === NS.DAV && c.local === 'href')) {
        const h = e.text.trim();
        const segs = urlToSegments(h);
        const res = segs ? await resolve(q(path), segs) : null;
        parts.push(res && exists(res) && res.kind === 'member' ? await renderResponse(q(path), res, rp.req, rp.extra) : statusResponse(h, 404, 'Not Found'));
      }
      return documentRoot(NS.DAV, 'multistatus', parts.join(''));
    }

    const multiget = (root: 'C:calendar-multiget' | 'CR:addressbook-multiget', prop: string, hs: string[]) =>
      `<?xml version="1.0" encoding="utf-8"?><${root} xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:x="urn:x">${prop}${hs.map((h) => `<D:href>${h.replace(/&/g, '&amp;')}</D:href>`).join('\n')}</${root}>`;

    async function same(path: string, report: string): Promise<string> {
      const r = await app.inject({ method: 'REPORT', url: path, payload: report, headers: { authorization: basic(U, PW), depth: '1', 'content-type': 'application/xml; charset=utf-8' } });
      assert.equal(r.statusCode, 207, r.body);
      assert.equal(r.body, await hrefByHref(path, report));
      return r.body;
    }

    before(async () => {
      opened = await factory.open();
      ({ app, ctx } = await davApp(opened.store));
      const store = opened.store;
      const hasher = new AuthService(store, { lockout: { maxFailures: 1000, windowMs: 60_000 }, cacheTtlMs: 60_000 });
      domain = await store.createDomain({ name: 'multi.test' });
      const hash = await hasher.hashPassword(PW);
      user = await store.createAccount({ domainId: domain.id, email: U, passwordHash: hash });
      const other = await store.createAccount({ domainId: domain.id, email: OTHER, passwordHash: hash });
      const sharer = await store.createAccount({ domainId: domain.id, email: SHARER, passwordHash: hash });
      const put = async (folder: Folder, name: string, content: string, props: Record<string, unknown> = {}) => {
        const f = folder.kind === 'calendar' ? extractCalendarFields(content) : null;
        const uid = f?.uid ?? /UID:(.*)\r/.exec(content)![1];
        await store.createItem({ folderId: folder.id, name, uid, content, contentType: f ? 'text/calendar; charset=utf-8; component=vevent' : 'text/vcard; charset=utf-8', size: Buffer.byteLength(content),
          ...(f ? { componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring } : {}), props });
      };
      cal = await store.createFolder({ accountId: user.id, name: 'Work', kind: 'calendar', props: { davSegment: 'work' } });
      const second = await store.createFolder({ accountId: user.id, name: 'Home', kind: 'calendar', props: { davSegment: 'home' } });
      const theirs = await store.createFolder({ accountId: other.id, name: 'Private', kind: 'calendar', props: { davSegment: 'private' } });
      const readable = await store.createFolder({ accountId: sharer.id, name: 'Team', kind: 'calendar', props: { davSegment: 'team' } });
      const busyOnly = await store.createFolder({ accountId: sharer.id, name: 'Busy', kind: 'calendar', props: { davSegment: 'busy' } });
      book = await store.createFolder({ accountId: user.id, name: 'Cards', kind: 'contacts', props: { davSegment: 'cards' } });
      for (let i = 0; i < 6; i++) await put(cal, `e${i}.ics`, ev(`e${i}`));
      await put(cal, 'caf\u00e9 & co.ics', ev('cafe'));
      await put(cal, 'rec.ics', RECURRING);
      await put(cal, 'dead.ics', ev('dead'), { davDead: { '{urn:x}tag': '<tag xmlns="urn:x">kept &amp; sound</tag>' } });
      await put(second, 'h1.ics', ev('h1'));
      await put(theirs, 'p1.ics', ev('p1'));
      await put(readable, 't1.ics', ev('t1'));
      await put(busyOnly, 'b1.ics', ev('b1'));
      for (let i = 0; i < 3; i++) await put(book, `c${i}.vcf`, card(`c${i}`, `Card ${i}`));
      const readGrant = await store.createGrant({ ownerId: sharer.id, folderId: readable.id, granteeId: user.id, rights: 'read', status: 'accepted', props: { sharing: true } });
      await store.createGrant({ ownerId: sharer.id, folderId: busyOnly.id, granteeId: user.id, rights: 'freebusy', status: 'accepted', props: { sharing: true } });

      calBase = `/dav/calendars/${U}/work/`;
      sharedBase = `/dav/calendars/${U}/shared-${readGrant.id}/`;
      bookBase = `/dav/addressbooks/${U}/cards/`;
      const encodedAt = calBase.replace('@', '%40');
      hrefs.cal = [
        `${calBase}e1.ics`, `${calBase}nope.ics`, `${calBase}caf%C3%A9%20%26%20co.ics`, `${calBase}e2.ics`, `${calBase}rec.ics`,
        `${encodedAt}e3.ics`, `http://dav.test${calBase}e4.ics`, `${calBase}e5.ics?x=1`, `${calBase}e1.ics`, `${calBase}dead.ics`,
        `${calBase}%zz.ics`, calBase, `${calBase}sub/e1.ics`, `/dav/calendars/${U}/home/h1.ics`, `/dav/calendars/${OTHER}/private/p1.ics`,
        `/dav/calendars/${SHARER}/team/t1.ics`, `/dav/calendars/${SHARER}/busy/b1.ics`, `${sharedBase}t1.ics`, '/elsewhere/e1.ics', `${calBase}E1.ics`,
      ];
      hrefs.shared = [`${sharedBase}t1.ics`, `${sharedBase}t2.ics`, `/dav/calendars/${SHARER}/team/t1.ics`, `${calBase}e1.ics`];
      hrefs.book = [`${bookBase}c0.vcf`, `${bookBase}c9.vcf`, `${bookBase}c2.vcf`, `${calBase}e1.ics`, `${bookBase.replace('@', '%40')}c1.vcf`];
    });
    after(async () => {
      await app?.close();
      await opened?.dispose();
    });

    it('calendar-multiget on a calendar: found, missing, other spellings and foreign hrefs, for every property list', async () => {
      for (const prop of CAL_PROPS) {
        const body = await same(calBase, multiget('C:calendar-multiget', prop, hrefs.cal));
        assert.equal(body.match(/<D:response>/g)?.length, hrefs.cal.length, prop);
      }
      // The fast path did answer members with their data, and the others with 404.
      const body = await same(calBase, multiget('C:calendar-multiget', CAL_PROPS[0], hrefs.cal));
      assert.match(body, /caf%C3%A9%20%26%20co\.ics<\/D:href><D:propstat><D:prop><D:getetag>/);
      assert.match(body, /UID:e4/, 'a full URL to a member');
      assert.match(body, /UID:h1/, 'a member of another own calendar');
      assert.match(body, /UID:t1/, 'a member of a calendar shared for reading');
      assert.doesNotMatch(body, /UID:p1/, 'another user\'s calendar without access');
      assert.match(body, /nope\.ics<\/D:href><D:status>HTTP\/1\.1 404 Not Found/);
    });

    it('calendar-multiget on a calendar shared for reading (the delegate\'s mount)', async () => {
      for (const prop of CAL_PROPS.slice(0, 3)) await same(sharedBase, multiget('C:calendar-multiget', prop, hrefs.shared));
    });

    it('addressbook-multiget with the whole vCard and with an address-data subset', async () => {
      for (const prop of CARD_PROPS) await same(bookBase, multiget('CR:addressbook-multiget', prop, hrefs.book));
      const subset = await same(bookBase, multiget('CR:addressbook-multiget', CARD_PROPS[1], hrefs.book));
      assert.match(subset, /FN:Card 0/);
      assert.doesNotMatch(subset, /TEL:/);
    });

    it('memberNames decodes the collection\'s own spelling directly and every other one as resolve does', () => {
      const parent = { kind: 'collection', href: calBase, area: 'calendars', account: user, folder: cal, access: 'owner' } as const;
      assert.deepEqual(memberNames(parent, hrefs.cal), [
        'e1.ics', 'nope.ics', 'caf\u00e9 & co.ics', 'e2.ics', 'rec.ics', 'e3.ics', 'e4.ics', 'e5.ics', 'e1.ics', 'dead.ics',
        undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'E1.ics',
      ]);
      assert.deepEqual(memberNames(parent, [`${calBase}a%2Fb.ics`, `${calBase}x#y`]), ['a/b.ics', 'x#y']);
    });
  });
}
