/**
 * Hostile requests through the real DAV plugin and a real store (DESIGN "Bad input"): every one
 * is answered with the protocol's own error, never 500, nothing leaks across tenants, and the
 * store holds exactly what it held before: a listing taken in before() is compared at the end of
 * every hostile test, so each test stands alone (any order, or run by itself).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { itemEtag } from '../../../src/model/types.js';
import { parseXml } from '../../../protocols/dav/xml/parser.js';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'alice@one.test', B = 'bob@one.test', X = 'eve@two.test';
/** The one account whose data tests may change (well-formedness checks), left out of the listing. */
const S = 'sam@one.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw-a'), [B]: basic(B, 'pw-b'), [X]: basic(X, 'pw-x'), [S]: basic(S, 'pw-s') };
const CAL = `/dav/calendars/${A}/work/`;
const SCRATCH = `/dav/calendars/${S}/scratch/`;
const EVE_CAL = `/dav/calendars/${X}/secret/`;
const XML = { 'content-type': 'application/xml; charset=utf-8' };
const ICS = { 'content-type': 'text/calendar; charset=utf-8' };
const VCF = { 'content-type': 'text/vcard; charset=utf-8' };

const call = (user: string, method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
const ics = (uid: string, extra = '') =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\n${extra}SUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const vcard = (uid: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${uid}\r\nEND:VCARD\r\n`;

/** A well-formed multistatus (or error) body: our own parser is the strict reader here. */
function wellFormed(body: string): void {
  assert.doesNotThrow(() => parseXml(body), `ill-formed response: ${body.slice(0, 200)}`);
}

/** Every folder and item of every account but the scratch one, as the store holds them. */
async function listing(): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const a of await h.store.listAccounts()) {
    if (a.email === S) continue;
    const folders = [];
    for (const f of (await h.store.listFolders(a.id)).sort((x, y) => x.id - y.id)) {
      const items = (await h.store.listItems(f.id)).sort((x, y) => x.id - y.id)
        .map((i) => ({ name: i.name, uid: i.uid, etag: itemEtag(i), size: i.size, content: i.content, blob: i.blobHash, props: i.props }));
      folders.push({ id: f.id, name: f.name, kind: f.kind, role: f.role, parentId: f.parentId, props: f.props, contentModseq: f.contentModseq, items });
    }
    out[a.email] = folders;
  }
  return out;
}

let bookHref = '';
let e1: { body: string; etag: string };
let before0: unknown;

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw-a', { displayName: 'Alice Anders' });
  await h.addUser(B, 'pw-b');
  await h.addUser(X, 'pw-x');
  // Alice: a calendar with an event, an address book with a card, a file, a dead property.
  assert.equal((await call(A, 'MKCALENDAR', CAL)).statusCode, 201);
  const put = await call(A, 'PUT', `${CAL}e1.ics`, ics('e1'), ICS);
  assert.equal(put.statusCode, 201);
  e1 = { body: ics('e1'), etag: String(put.headers.etag) };
  const home = await call(A, 'PROPFIND', `/dav/addressbooks/${A}/`, undefined, { depth: '1' });
  bookHref = /<D:href>(\/dav\/addressbooks\/alice@one.test\/[^<]+\/)<\/D:href>/.exec(home.body)![1];
  assert.equal((await call(A, 'PUT', `${bookHref}c1.vcf`, vcard('c1'), VCF)).statusCode, 201);
  assert.equal((await call(A, 'PUT', `/dav/files/${A}/doc.txt`, 'hello', { 'content-type': 'text/plain' })).statusCode, 201);
  // Eve, in another domain: a calendar whose contents must never show up for Alice.
  assert.equal((await call(X, 'MKCALENDAR', EVE_CAL)).statusCode, 201);
  assert.equal((await call(X, 'PUT', `${EVE_CAL}plan.ics`, ics('eve-secret-uid'), ICS)).statusCode, 201);
  // Role folders are made on first sight: look at every home once so the listing is settled.
  for (const u of [A, B, X]) for (const area of ['calendars', 'addressbooks', 'files']) await call(u, 'PROPFIND', `/dav/${area}/${u}/`, undefined, { depth: '1' });
  await h.addUser(S, 'pw-s');
  assert.equal((await call(S, 'MKCALENDAR', SCRATCH)).statusCode, 201);
  before0 = await listing();
  assert.ok(JSON.stringify(before0).includes('eve-secret-uid'));
});

/** The end of every hostile test: the store holds exactly what it held in before(). */
async function unchanged(): Promise<void> {
  assert.deepEqual(await listing(), before0);
}
after(() => h.close());

test('dead properties with xml:lang come back in a well-formed PROPFIND (RFC 4918 §4.3)', async () => {
  const r = await call(S, 'PROPPATCH', SCRATCH, '<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:Author xml:lang="en">Jim &amp; Roy</Z:Author><Z:Note note="a&#10;b">x&#13;y</Z:Note></D:prop></D:set></D:propertyupdate>', XML);
  assert.equal(r.statusCode, 207);
  const pf = await call(S, 'PROPFIND', SCRATCH, '<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop><Z:Author/><Z:Note/></D:prop></D:propfind>', { depth: '0', ...XML });
  assert.equal(pf.statusCode, 207);
  wellFormed(pf.body);
  assert.match(pf.body, /xml:lang="en">Jim &amp; Roy</);
});

test('calendar data with characters XML cannot carry still gives a well-formed REPORT', async () => {
  // U+FFFF and C0 controls are valid UTF-8 in iCalendar text, but not XML 1.0 characters.
  const put = await call(S, 'PUT', `${SCRATCH}odd.ics`, ics('odd', 'DESCRIPTION:a\uFFFFb\u0001c\uFFFEd\r\n'), ICS);
  assert.equal(put.statusCode, 201);
  const r = await call(S, 'REPORT', SCRATCH, `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>${SCRATCH}odd.ics</D:href></C:calendar-multiget>`, { depth: '1', ...XML });
  assert.equal(r.statusCode, 207);
  wellFormed(r.body);
  assert.equal((await call(S, 'DELETE', `${SCRATCH}odd.ics`)).statusCode, 204);
});

const HOSTILE_XML: Record<string, string | Buffer> = {
  truncated: '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:pr',
  'billion laughs': '<?xml version="1.0"?><!DOCTYPE D:propfind [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&c;</D:displayname></D:prop></D:propfind>',
  xxe: '<!DOCTYPE D:propfind [<!ENTITY x SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&x;</D:displayname></D:prop></D:propfind>',
  '10k deep': '<D:propfind xmlns:D="DAV:">' + '<D:x>'.repeat(10_000) + '</D:x>'.repeat(10_000) + '</D:propfind>',
  'undeclared prefix': '<D:propfind><D:allprop/></D:propfind>',
  'duplicate attribute': '<D:propfind xmlns:D="DAV:" a="1" a="2"><D:allprop/></D:propfind>',
  'bad local name': '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:-x>1</D:-x></D:prop></D:set></D:propertyupdate>',
  'two roots': '<D:propfind xmlns:D="DAV:"/><D:propfind xmlns:D="DAV:"/>',
  'binary garbage': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
  'nul bytes': '<D:propfind xmlns:D="DAV:">\u0000<D:allprop/></D:propfind>',
  // UTF-16 is decoded (bodies.test.ts); broken UTF-16 and UTF-8 are not.
  'odd-length utf-16': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>', 'utf16le'), Buffer.from([0x3e])]),
  'invalid utf-8': Buffer.concat([Buffer.from('<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>'), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from('</D:displayname></D:prop></D:propfind>')]),
};

test('malformed XML on PROPFIND, PROPPATCH, REPORT, LOCK, MKCOL and MKCALENDAR answers 400, never 500', async () => {
  const targets: [string, string, Record<string, string>][] = [
    ['PROPFIND', CAL, { depth: '0' }], ['PROPPATCH', CAL, {}], ['REPORT', CAL, { depth: '1' }],
    ['LOCK', `/dav/files/${A}/doc.txt`, {}], ['MKCOL', `/dav/addressbooks/${A}/new-book/`, {}], ['MKCALENDAR', `/dav/calendars/${A}/new-cal/`, {}],
  ];
  for (const [method, url, headers] of targets) {
    for (const [name, body] of Object.entries(HOSTILE_XML)) {
      const r = await call(A, method, url, body, { ...XML, ...headers });
      assert.equal(r.statusCode, 400, `${method} ${name}: ${r.statusCode}`);
      assert.doesNotMatch(r.body, /root:|at .*\.ts|Error:/, `${method} ${name} leaks internals`);
    }
  }
  await unchanged();
});

test('well-formed XML with the wrong root element is refused with a 4xx', async () => {
  const wrong = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
  for (const [method, url, expect] of [
    ['PROPFIND', CAL, [400]], ['PROPPATCH', CAL, [400]], ['REPORT', CAL, [403]],
    ['MKCOL', `/dav/addressbooks/${A}/new-book/`, [415, 400]], ['MKCALENDAR', `/dav/calendars/${A}/new-cal/`, [400]],
  ] as [string, string, number[]][]) {
    const r = await call(A, method, url, wrong, { ...XML, depth: '0' });
    assert.ok(expect.includes(r.statusCode), `${method}: ${r.statusCode}`);
  }
  const lock = await call(A, 'LOCK', `/dav/files/${A}/doc.txt`, '<D:propfind xmlns:D="DAV:"/>', XML);
  assert.equal(lock.statusCode, 400);
  const noScope = await call(A, 'LOCK', `/dav/files/${A}/doc.txt`, '<D:lockinfo xmlns:D="DAV:"><D:locktype><D:write/></D:locktype></D:lockinfo>', XML);
  assert.equal(noScope.statusCode, 400);
  await unchanged();
});

test('an oversized XML body is refused, not parsed (413)', async () => {
  const big = `<D:propfind xmlns:D="DAV:"><D:prop>${'<D:displayname/>'.repeat(700_000)}</D:prop></D:propfind>`;
  assert.ok(big.length > 10 * 1024 * 1024);
  for (const [method, url] of [['PROPFIND', CAL], ['REPORT', CAL], ['PROPPATCH', CAL], ['LOCK', `/dav/files/${A}/doc.txt`], ['MKCOL', `/dav/addressbooks/${A}/new-book/`], ['MKCALENDAR', `/dav/calendars/${A}/new-cal/`], ['POST', CAL], ['ACL', CAL]]) {
    const r = await call(A, method, url, big, { ...XML, depth: '0' });
    assert.equal(r.statusCode, 413, `${method}: ${r.statusCode}`);
  }
  await unchanged();
});

test('PUT of invalid calendar data answers the CalDAV precondition and leaves the event as it was', async () => {
  const cases: [string, string | Buffer, Record<string, string>, RegExp][] = [
    ['garbage', 'this is not a calendar', ICS, /valid-calendar-data/],
    ['truncated', ics('e1').slice(0, 80), ICS, /valid-calendar-data/],
    ['vcard as text/calendar', vcard('e1'), ICS, /valid-calendar-data/],
    ['vcard as text/vcard', vcard('e1'), VCF, /supported-calendar-data/],
    ['binary', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)), { 'content-type': 'application/octet-stream' }, /supported-calendar-data/],
    ['binary as text/calendar', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)), ICS, /valid-calendar-data/],
    ['METHOD', ics('e1').replace('VERSION:2.0\r\n', 'VERSION:2.0\r\nMETHOD:REQUEST\r\n'), ICS, /valid-calendar-object-resource/],
    ['no UID', ics('e1').replace('UID:e1\r\n', ''), ICS, /valid-calendar-(data|object-resource)/],
  ];
  for (const [name, body, headers, cond] of cases) {
    const r = await call(A, 'PUT', `${CAL}e1.ics`, body, headers);
    assert.ok(r.statusCode === 403 || r.statusCode === 415, `${name}: ${r.statusCode}`);
    if (r.statusCode === 403) assert.match(r.body, cond, name);
    const g = await call(A, 'GET', `${CAL}e1.ics`);
    assert.equal(g.statusCode, 200);
    assert.equal(g.body, e1.body, `${name}: body unchanged`);
    assert.equal(g.headers.etag, e1.etag, `${name}: etag unchanged`);
  }
  // A new resource with a bad body is not created either.
  assert.equal((await call(A, 'PUT', `${CAL}new.ics`, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', ICS)).statusCode, 403);
  assert.equal((await call(A, 'GET', `${CAL}new.ics`)).statusCode, 404);
  await unchanged();
});

const twoUids = () => ics('e1').replace('END:VCALENDAR\r\n', 'BEGIN:VEVENT\r\nUID:other\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260106T100000Z\r\nSUMMARY:other\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');

test('PUT of a VCALENDAR with two different UIDs is refused with 403 and changes nothing', async () => {
  const r = await call(A, 'PUT', `${CAL}e1.ics`, twoUids(), ICS);
  assert.equal(r.statusCode, 403);
  assert.match(r.body, /valid-calendar-object-resource|valid-calendar-data/);
  const g = await call(A, 'GET', `${CAL}e1.ics`);
  assert.equal(g.body, e1.body);
  assert.equal(g.headers.etag, e1.etag);
  await unchanged();
});

test('PUT of a VCALENDAR with two different UIDs names valid-calendar-object-resource (RFC 4791 §4.1, §5.3.2.1)', async () => {
  const r = await call(A, 'PUT', `${CAL}e1.ics`, twoUids(), ICS);
  assert.equal(r.statusCode, 403);
  assert.match(r.body, /<C:valid-calendar-object-resource\/>/);
  await unchanged();
});

test('PUT of valid iCalendar that is not one calendar object resource is valid-calendar-object-resource; unparsable data stays valid-calendar-data', async () => {
  const todo = 'BEGIN:VTODO\r\nUID:e1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:t\r\nEND:VTODO\r\n';
  const second = 'BEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260107T100000Z\r\nSUMMARY:again\r\nEND:VEVENT\r\n';
  const cases: [string, string, RegExp][] = [
    ['two UIDs', twoUids(), /<C:valid-calendar-object-resource\/>/],
    ['mixed component types', ics('e1').replace('END:VCALENDAR', `${todo}END:VCALENDAR`), /<C:valid-calendar-object-resource\/>/],
    ['two masters with one UID', ics('e1').replace('END:VCALENDAR', `${second}END:VCALENDAR`), /<C:valid-calendar-object-resource\/>/],
    ['METHOD', ics('e1').replace('VERSION:2.0\r\n', 'VERSION:2.0\r\nMETHOD:PUBLISH\r\n'), /<C:valid-calendar-object-resource\/>/],
    ['METHOD with a parameter', ics('e1').replace('VERSION:2.0\r\n', 'VERSION:2.0\r\nMETHOD;X-A=b:PUBLISH\r\n'), /<C:valid-calendar-object-resource\/>/],
    ['two VCALENDARs', ics('e1') + ics('e1'), /<C:valid-calendar-object-resource\/>/],
    ['unparsable', 'BEGIN:VCALENDAR\r\nthis is : not ; ical\r\n', /<C:valid-calendar-data\/>/],
    ['no UID', ics('e1').replace('UID:e1\r\n', ''), /<C:valid-calendar-data\/>/],
    ['bad DTSTART', ics('e1').replace('DTSTART:20260105T100000Z', 'DTSTART:2026-13-45'), /<C:valid-calendar-data\/>/],
  ];
  for (const [name, body, cond] of cases) {
    const r = await call(A, 'PUT', `${CAL}e1.ics`, body, ICS);
    assert.equal(r.statusCode, 403, name);
    assert.match(r.body, cond, name);
    const g = await call(A, 'GET', `${CAL}e1.ics`);
    assert.equal(g.headers.etag, e1.etag, `${name}: etag unchanged`);
  }
  await unchanged();
});

test('PUT of invalid address data answers the CardDAV precondition and leaves the card as it was', async () => {
  const url = `${bookHref}c1.vcf`;
  const before1 = await call(A, 'GET', url);
  for (const [body, headers, cond] of [
    ['BEGIN:VCARD\r\nFN:x\r\n', VCF, /valid-address-data/],
    [ics('c1'), VCF, /valid-address-data/],
    [ics('c1'), ICS, /supported-address-data/],
    ['BEGIN:VCARD\r\nVERSION:3.0\r\nFN:no uid\r\nEND:VCARD\r\n', VCF, /valid-address-data/],
    // RFC 6352 §5.1: one vCard per address object resource.
    [vcard('c1') + vcard('c2'), VCF, /<CR:valid-address-data\/>/],
    [vcard('c1') + vcard('c1'), VCF, /<CR:valid-address-data\/>/],
  ] as [string, Record<string, string>, RegExp][]) {
    const r = await call(A, 'PUT', url, body, headers);
    assert.equal(r.statusCode, 403);
    assert.match(r.body, cond);
    const g = await call(A, 'GET', url);
    assert.equal(g.body, before1.body);
    assert.equal(g.headers.etag, before1.headers.etag);
  }
  await unchanged();
});

test('an oversized PUT answers max-resource-size (or 413) and stores nothing', async () => {
  const huge = ics('e1', `DESCRIPTION:${'x'.repeat(2 * 1024 * 1024)}\r\n`);
  const r = await call(A, 'PUT', `${CAL}e1.ics`, huge, ICS);
  assert.ok(r.statusCode === 413 || r.statusCode === 403, String(r.statusCode));
  if (r.statusCode === 403) assert.match(r.body, /<C:max-resource-size\/>/);
  assert.equal((await call(A, 'GET', `${CAL}e1.ics`)).headers.etag, e1.etag);
  const card = await call(A, 'PUT', `${bookHref}big.vcf`, `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big\r\nFN:${'x'.repeat(2 * 1024 * 1024)}\r\nEND:VCARD\r\n`, VCF);
  assert.ok(card.statusCode === 413 || card.statusCode === 403, String(card.statusCode));
  if (card.statusCode === 403) assert.match(card.body, /<CR:max-resource-size\/>/);
  await unchanged();
});

test('hostile paths: encoded dot-segments, NUL, encoded slash, long segments, other tenants: 400/404, nothing leaks', async () => {
  const urls = [
    `/dav/calendars/${A}/%2e%2e/%2e%2e/calendars/${X}/secret/plan.ics`,
    `/dav/calendars/${A}/work/..%2f..%2f..%2f${X}%2fsecret%2fplan.ics`,
    `/dav/calendars/${A}/work/%2e%2e%2f%2e%2e%2f${X}/secret/plan.ics`,
    `/dav/calendars/${A}/work/e1.ics%00.txt`,
    `/dav/calendars/${A}/work/%00`,
    `/dav/calendars/${A}%2fwork/e1.ics`,
    `/dav/calendars/${encodeURIComponent(X)}/secret/plan.ics`,
    `/dav/calendars/${X}/secret/plan.ics`,
    `/dav/calendars/${X.toUpperCase()}/secret/plan.ics`,
    `/dav/calendars/${X}/`,
    `/dav/files/${X}/`,
    `/dav/principals/users/${X}/`,
    '/dav/gal/two.test/',
    `/dav/calendars/${B}/`,
    `/dav/calendars/${A}/work/%zz.ics`,
    `/dav/calendars/${A}/work/%E0%A4%A.ics`,
    `/dav/calendars/${A}/${'x'.repeat(70_000)}/`,
    `/dav/calendars/${A}/work/${'%41'.repeat(30_000)}.ics`,
    `/dav/files/${A}/${'a/'.repeat(2000)}`,
  ];
  for (const url of urls) {
    for (const [method, headers] of [['GET', {}], ['PROPFIND', { depth: '1' }], ['DELETE', {}]] as [string, Record<string, string>][]) {
      const r = await call(A, method, url, undefined, headers);
      assert.ok([400, 404, 405, 409, 414].includes(r.statusCode), `${method} ${url.slice(0, 100)}: ${r.statusCode}`);
      assert.doesNotMatch(r.body, /eve-secret-uid|eve@two\.test/, `${method} ${url.slice(0, 100)} leaks`);
    }
  }
  // Writes aimed at Eve's data through COPY/MOVE destinations do not land there.
  for (const dest of [`http://dav.test/dav/calendars/${X}/secret/x.ics`, `/dav/calendars/${A}/work/%2e%2e/%2e%2e/${X}/secret/x.ics`, `/dav/calendars/${X}/secret/plan.ics`]) {
    const r = await call(A, 'COPY', `${CAL}e1.ics`, undefined, { destination: dest, overwrite: 'T' });
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, `COPY -> ${dest}: ${r.statusCode}`);
  }
  const eve = await call(X, 'GET', `${EVE_CAL}plan.ics`);
  assert.equal(eve.statusCode, 200);
  assert.match(eve.body, /eve-secret-uid/);
  await unchanged();
});

test('a Depth header of "garbage" answers 400 (RFC 4918 §10.2)', async () => {
  const lock = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
  for (const [method, url] of [['PROPFIND', CAL], ['REPORT', CAL], ['COPY', `${CAL}e1.ics`], ['MOVE', `${CAL}e1.ics`], ['LOCK', `/dav/files/${A}/doc.txt`], ['DELETE', `${CAL}e1.ics`]]) {
    const body = method === 'REPORT' ? '<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></C:calendar-query>' : method === 'LOCK' ? lock : undefined;
    const r = await call(A, method, url, body, { depth: 'garbage', ...XML, destination: `${CAL}copy.ics` });
    assert.equal(r.statusCode, 400, `${method}: ${r.statusCode}`);
  }
  // Nothing happened: no copy, the event still there and unlocked.
  assert.equal((await call(A, 'GET', `${CAL}copy.ics`)).statusCode, 404);
  assert.equal((await call(A, 'GET', `${CAL}e1.ics`)).headers.etag, e1.etag);
  const ld = await call(A, 'PROPFIND', `/dav/files/${A}/doc.txt`, '<D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>', { ...XML, depth: '0' });
  assert.equal(ld.statusCode, 207);
  assert.doesNotMatch(ld.body, /activelock/);
  await unchanged();
});

test('a Depth header other than 0, 1 or infinity is 400, never a 500 or an infinite PROPFIND', async () => {
  for (const v of ['garbage', '2', '-1', '1,1', '', 'Infinity\u0000', '0 1']) {
    const r = await call(A, 'PROPFIND', CAL, undefined, { depth: v });
    assert.equal(r.statusCode, 400, `Depth ${JSON.stringify(v)}: ${r.statusCode}`);
  }
  // No Depth header is infinity for PROPFIND, refused with propfind-finite-depth (RFC 4918 §9.1).
  assert.equal((await call(A, 'PROPFIND', CAL)).statusCode, 403);
  for (const [v, status] of [['0', 207], ['1', 207], ['infinity', 403], ['Infinity', 403], [' 1 ', 207]] as [string, number][]) {
    assert.equal((await call(A, 'PROPFIND', CAL, undefined, { depth: v })).statusCode, status, `Depth ${JSON.stringify(v)}`);
  }
  await unchanged();
});

test('a syntactically broken If header answers 400 (or 412), and nothing is written', async () => {
  const broken = ['(<urn:uuid:x>', 'garbage', '<http://dav.test/x>', '()', '([W/"x"', '(Not)', '(<>', '<' + 'x'.repeat(100_000), '('.repeat(10_000), '(Not Not <a>)'];
  for (const v of broken) {
    for (const [method, url, body, headers] of [
      ['PUT', `${CAL}e1.ics`, ics('e1', 'LOCATION:hacked\r\n'), ICS],
      ['PROPPATCH', CAL, '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>hacked</D:displayname></D:prop></D:set></D:propertyupdate>', XML],
      ['DELETE', `${CAL}e1.ics`, undefined, {}],
      ['LOCK', `/dav/files/${A}/doc.txt`, undefined, {}],
    ] as [string, string, string | undefined, Record<string, string>][]) {
      const r = await call(A, method, url, body, { ...headers, if: v });
      assert.ok(r.statusCode === 400 || r.statusCode === 412, `${method} If: ${JSON.stringify(v.slice(0, 30))}: ${r.statusCode}`);
    }
  }
  const g = await call(A, 'GET', `${CAL}e1.ics`);
  assert.equal(g.headers.etag, e1.etag);
  await unchanged();
});

test('a garbage sync-token, or one of another collection, answers 403 valid-sync-token (RFC 6578 §3.2)', async () => {
  const sync = (user: string, url: string, token: string) =>
    call(user, 'REPORT', url, `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`, XML);
  const mine = /<D:sync-token>([^<]+)</.exec((await sync(A, CAL, '')).body)![1];
  const eves = /<D:sync-token>([^<]+)</.exec((await sync(X, EVE_CAL, '')).body)![1];
  const book = /<D:sync-token>([^<]+)</.exec((await sync(A, bookHref, '')).body)![1];
  const [prefix, modseq] = [mine.slice(0, mine.lastIndexOf('-') + 1), mine.slice(mine.lastIndexOf('-') + 1)];
  const tokens = [
    'garbage', 'http://example.com/not-ours', `${prefix}99999999`, `${prefix}-1`, `${prefix}1e3`, `${prefix}${modseq}x`,
    `${prefix}${'9'.repeat(400)}`, mine.replace(/\/(\d+)-/, '/$1$1-'), `${mine}&amp;<![CDATA[x]]>`, 'x'.repeat(100_000), book, eves,
  ];
  for (const t of tokens) {
    const r = await sync(A, CAL, t);
    assert.equal(r.statusCode, 403, `${t.slice(0, 60)}: ${r.statusCode}`);
    assert.match(r.body, /<D:valid-sync-token\/>/);
  }
  // Alice's token on Eve's collection: Eve's calendar stays invisible (404), not 403.
  assert.equal((await sync(A, EVE_CAL, mine)).statusCode, 404);
  assert.equal((await sync(A, CAL, mine)).statusCode, 207);
  await unchanged();
});

test('REPORT bodies with hostile filters and limits answer 4xx or 207, never 500', async () => {
  const q = (inner: string) => `<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><D:getetag/></D:prop>${inner}</C:calendar-query>`;
  const bodies = [
    q('<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="garbage" end="20260101"/></C:comp-filter></C:comp-filter></C:filter>'),
    q('<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="99991231T000000Z" end="00010101T000000Z"/></C:comp-filter></C:comp-filter></C:filter>'),
    q('<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;nonexistent">e</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter>'),
    q('<C:filter><C:comp-filter name="VCALENDAR">' + '<C:comp-filter name="VEVENT">'.repeat(50) + '</C:comp-filter>'.repeat(50) + '</C:comp-filter></C:filter>'),
    q('<C:filter/>'), q('<C:filter><C:comp-filter/></C:filter>'),
    q('<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match>' + 'a'.repeat(1_000_000) + '</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter>'),
    '<C:calendar-multiget xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><D:getetag/></D:prop>' + `<D:href>/dav/calendars/${X}/secret/plan.ics</D:href><D:href>${CAL}%2e%2e/%2e%2e/${X}/secret/plan.ics</D:href><D:href>%zz</D:href><D:href>http://[::1</D:href><D:href></D:href></C:calendar-multiget>`,
    '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>99</D:sync-level><D:prop/></D:sync-collection>',
    '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:limit><D:nresults>-5</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>',
    '<D:expand-property xmlns:D="DAV:">' + '<D:property name="current-user-principal">'.repeat(40) + '</D:property>'.repeat(40) + '</D:expand-property>',
    '<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>.*(a+)+$</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>',
  ];
  for (const b of bodies) {
    const r = await call(A, 'REPORT', CAL, b, { depth: '1', ...XML });
    assert.ok(r.statusCode < 500, `${b.slice(0, 120)}: ${r.statusCode}`);
    assert.doesNotMatch(r.body, /eve-secret-uid/);
    if (r.statusCode === 207) wellFormed(r.body);
  }
  await unchanged();
});

test('after all of it the server answers a normal PROPFIND and the store is exactly as it was', async () => {
  const r = await call(A, 'PROPFIND', CAL, '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:displayname/></D:prop></D:propfind>', { depth: '1', ...XML });
  assert.equal(r.statusCode, 207);
  wellFormed(r.body);
  assert.match(r.body, /e1\.ics/);
  await unchanged();
});
