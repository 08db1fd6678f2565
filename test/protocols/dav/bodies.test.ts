/**
 * Request bodies (DESIGN "Bad input", protocols/dav/body.ts): per-method size bounds enforced
 * before the body is read (a declared Content-Length) and while it arrives (chunked), over a
 * real socket; XML bodies in UTF-16 decoded, unknown charsets refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createDavHarness, basic, type DavHarness } from './harness.js';
import { decodeXml, XML_BODY_LIMIT } from '../../../protocols/dav/body.js';

let h: DavHarness;
let base = '';
const A = 'alice@one.test', Q = 'quota@one.test';
const auth: Record<string, string> = { [A]: basic(A, 'pw-a'), [Q]: basic(Q, 'pw-q') };
const CAL = `/dav/calendars/${A}/work/`;
const XML = { 'content-type': 'application/xml; charset=utf-8' };
const ICS = { 'content-type': 'text/calendar; charset=utf-8' };
let bookHref = '';

const call = (user: string, method: string, url: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
const ics = (uid: string, extra = '') =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\n${extra}SUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

before(async () => {
  h = await createDavHarness({ maxResourceSize: 64 * 1024 });
  await h.addUser(A, 'pw-a');
  await h.addUser(Q, 'pw-q', { quotaBytes: 200 * 1024 });
  assert.equal((await call(A, 'MKCALENDAR', CAL)).statusCode, 201);
  const home = await call(A, 'PROPFIND', `/dav/addressbooks/${A}/`, undefined, { depth: '1' });
  bookHref = /<D:href>(\/dav\/addressbooks\/alice@one.test\/[^<]+\/)<\/D:href>/.exec(home.body)![1];
  assert.equal((await call(Q, 'PUT', `/dav/files/${Q}/small.txt`, 'x'.repeat(1000), { 'content-type': 'text/plain' })).statusCode, 201);
  base = await h.listen();
});
after(() => h.close());

interface RawResult { status: number; head: string; body: string; sent: number; closed: boolean }

/**
 * One request over a raw socket. With `declared`, only the headers are sent (Content-Length says
 * `declared` bytes that never come): an answer proves the server did not wait for the body. With
 * `chunked`, chunks of `chunk` bytes are sent until the server answers (or `max` bytes went out).
 */
function raw(method: string, path: string, user: string, headers: Record<string, string>, body: { declared: number } | { chunked: number; max: number }): Promise<RawResult> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect({ host: url.hostname, port: Number(url.port) });
    let data = '';
    let sent = 0;
    let answered = false;
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no answer to ${method} ${path} after ${sent} bytes`)); }, 60_000);
    const hdrs: Record<string, string> = { host: url.host, authorization: auth[user], ...headers };
    if ('declared' in body) hdrs['content-length'] = String(body.declared);
    else hdrs['transfer-encoding'] = 'chunked';
    s.on('connect', async () => {
      s.write(`${method} ${path} HTTP/1.1\r\n${Object.entries(hdrs).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      if (!('chunked' in body)) return;
      const piece = Buffer.alloc(body.chunked, 'a');
      while (!answered && sent < body.max && !s.destroyed) {
        const ok = s.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
        sent += piece.length;
        if (!ok) await new Promise<void>((r) => { const t = setTimeout(r, 50); s.once('drain', () => { clearTimeout(t); r(); }); });
        else await new Promise((r) => setImmediate(r));
      }
    });
    s.on('data', (d) => { data += d.toString('latin1'); answered = true; });
    s.on('error', () => { /* the server may reset a connection whose body it stopped reading */ });
    s.on('close', () => {
      clearTimeout(timer);
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: rest.join('\r\n\r\n'), sent, closed: true });
    });
  });
}

test('a declared Content-Length over the limit is refused before the body is sent', async () => {
  const cases: [string, string, string, Record<string, string>, number, RegExp | null][] = [
    ['PROPFIND', CAL, A, { ...XML, depth: '0' }, 413, null],
    ['REPORT', CAL, A, XML, 413, null],
    ['PROPPATCH', CAL, A, XML, 413, null],
    ['LOCK', `/dav/files/${A}/x.txt`, A, XML, 413, null],
    ['MKCALENDAR', `/dav/calendars/${A}/big/`, A, XML, 413, null],
    ['PUT', `${CAL}big.ics`, A, ICS, 403, /<C:max-resource-size\/>/],
    ['PUT', `/dav/addressbooks/${A}/contacts/big.vcf`, A, { 'content-type': 'text/vcard' }, 403, /<CR:max-resource-size\/>/],
    ['PUT', `/dav/files/${Q}/big.bin`, Q, { 'content-type': 'application/octet-stream' }, 507, /<D:quota-not-exceeded\/>/],
  ];
  for (const [method, path, user, headers, status, cond] of cases) {
    const r = await raw(method, path, user, headers, { declared: 50 * 1024 * 1024 });
    assert.equal(r.status, status, `${method} ${path}: ${r.head}`);
    assert.match(r.head, /connection: close/i);
    if (cond) assert.match(r.body, cond);
  }
  // No quota: the hard cap of the file space.
  const r = await raw('PUT', `/dav/files/${A}/huge.bin`, A, { 'content-type': 'application/octet-stream' }, { declared: 2 * 1024 * 1024 * 1024 });
  assert.equal(r.status, 413);
  // Unauthenticated: 401 before the body too, whatever its size.
  const anon = await raw('PUT', `/dav/files/${A}/anon.bin`, 'nobody', {}, { declared: 100 * 1024 * 1024 });
  assert.equal(anon.status, 401);
});

test('a chunked body is cut off at the limit, and nothing is stored', async () => {
  const px = await raw('PROPFIND', CAL, A, { ...XML, depth: '0' }, { chunked: 64 * 1024, max: 256 * 1024 * 1024 });
  assert.equal(px.status, 413);
  assert.ok(px.sent < 16 * 1024 * 1024, `sent ${px.sent}`);
  const cal = await raw('PUT', `${CAL}chunked.ics`, A, ICS, { chunked: 16 * 1024, max: 256 * 1024 * 1024 });
  assert.equal(cal.status, 403);
  assert.match(cal.body, /<C:max-resource-size\/>/);
  const file = await raw('PUT', `/dav/files/${Q}/chunked.bin`, Q, { 'content-type': 'application/octet-stream' }, { chunked: 64 * 1024, max: 256 * 1024 * 1024 });
  // A file body streams to storage (issue 8.3), so the refusal comes once the handler has read
  // past the quota; this in-process client may have filled the socket buffers by then, and the
  // close on unread bytes can reset the connection before the answer is read. Either way the
  // server stopped reading early and stored nothing.
  assert.ok(file.status === 507 || file.status === 0, `status ${file.status}`);
  if (file.status === 507) assert.match(file.body, /<D:quota-not-exceeded\/>/);
  assert.ok(file.sent < 64 * 1024 * 1024, `sent ${file.sent}`);
  assert.equal((await call(A, 'GET', `${CAL}chunked.ics`)).statusCode, 404);
  assert.equal((await call(Q, 'GET', `/dav/files/${Q}/chunked.bin`)).statusCode, 404);
  // The server still answers, on a new connection.
  assert.equal((await call(A, 'PROPFIND', CAL, undefined, { depth: '0' })).statusCode, 207);
});

test('bodies within their limits still go through', async () => {
  // An XML body just under 1 MiB, a calendar object just under max-resource-size, a file within quota.
  const pad = 'a'.repeat(XML_BODY_LIMIT - 300);
  const pp = await call(A, 'PROPPATCH', CAL, `<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:pad>${pad}</Z:pad></D:prop></D:set></D:propertyupdate>`, XML);
  assert.equal(pp.statusCode, 207);
  const put = await call(A, 'PUT', `${CAL}near.ics`, ics('near', `DESCRIPTION:${'d'.repeat(60 * 1024)}\r\n`), ICS);
  assert.equal(put.statusCode, 201);
  const file = await call(Q, 'PUT', `/dav/files/${Q}/ok.bin`, Buffer.alloc(150 * 1024, 1), { 'content-type': 'application/octet-stream' });
  assert.equal(file.statusCode, 201);
  // Replacing a file counts the bytes it frees: the same 150 KiB again fits a 200 KiB quota.
  assert.equal((await call(Q, 'PUT', `/dav/files/${Q}/ok.bin`, Buffer.alloc(150 * 1024, 2), { 'content-type': 'application/octet-stream' })).statusCode, 204);
  // The advertised max-resource-size is the one enforced.
  const pf = await call(A, 'PROPFIND', CAL, '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:max-resource-size/></D:prop></D:propfind>', { ...XML, depth: '0' });
  assert.match(pf.body, /<C:max-resource-size>65536<\/C:max-resource-size>/);
});

test('an XML document that is over the limit once decoded answers 413 (XmlError too-large)', async () => {
  // 400k CJK characters: 800 KB as UTF-16 (under the body limit), 1.2 MB as UTF-8 (over the document limit).
  const doc = `<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set><D:prop><Z:n>${'\u6f22'.repeat(400_000)}</Z:n></D:prop></D:set></D:propertyupdate>`;
  const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
  assert.ok(body.length < XML_BODY_LIMIT);
  const r = await call(A, 'PROPPATCH', CAL, body, { 'content-type': 'application/xml' });
  assert.equal(r.statusCode, 413);
});

const PROPFIND = '<?xml version="1.0" encoding="UTF-16"?><D:propfind xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:propfind>';
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

test('UTF-16 XML bodies are decoded (XML 1.0 §4.3.3): BOM either way, or charset=utf-16', async () => {
  const name = 'Kalender \u00e9\u6f22 \u{1F4C5}';
  const set = `<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>${name}</D:displayname></D:prop></D:set></D:propertyupdate>`;
  const pp = await call(A, 'PROPPATCH', CAL, Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(set)]), { 'content-type': 'application/xml' });
  assert.equal(pp.statusCode, 207, pp.body);
  const bodies: [string, Buffer, string][] = [
    ['LE BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PROPFIND, 'utf16le')]), 'application/xml'],
    ['BE BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(PROPFIND)]), 'text/xml'],
    ['charset=utf-16, BE, no BOM', utf16be(PROPFIND), 'application/xml; charset=utf-16'],
    ['charset=utf-16, LE, no BOM', Buffer.from(PROPFIND, 'utf16le'), 'application/xml; charset="UTF-16"'],
    ['charset=utf-16le', Buffer.from(PROPFIND, 'utf16le'), 'application/xml; charset=utf-16le'],
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PROPFIND.replace('UTF-16', 'UTF-8'))]), 'application/xml'],
    ['charset=iso-8859-1', Buffer.from(PROPFIND.replace('UTF-16', 'ISO-8859-1'), 'latin1'), 'application/xml; charset=ISO-8859-1'],
  ];
  for (const [label, body, type] of bodies) {
    const r = await call(A, 'PROPFIND', CAL, body, { 'content-type': type, depth: '0' });
    assert.equal(r.statusCode, 207, `${label}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    assert.ok(r.body.includes(`<D:displayname>${name}</D:displayname>`), label);
  }
  // REPORT, LOCK and MKCALENDAR read the same way.
  const rep = `<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`;
  assert.equal((await call(A, 'REPORT', CAL, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rep, 'utf16le')]), { 'content-type': 'application/xml', depth: '1' })).statusCode, 207);
  const mk = `<C:mkcalendar xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:"><D:set><D:prop><D:displayname>${name}</D:displayname></D:prop></D:set></C:mkcalendar>`;
  assert.equal((await call(A, 'MKCALENDAR', `/dav/calendars/${A}/u16/`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(mk, 'utf16le')]), { 'content-type': 'application/xml' })).statusCode, 201);
  const lk = '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>';
  const lock = await call(A, 'LOCK', `/dav/files/${A}/u16.txt`, Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(lk)]), { 'content-type': 'application/xml' });
  assert.equal(lock.statusCode, 201);
});

test('unsupported charsets are 415; bytes invalid in their encoding are 400', async () => {
  const pf = '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>';
  for (const type of ['application/xml; charset=shift_jis', 'application/xml; charset=ebcdic', 'text/xml; charset=constructor', 'application/xml; charset=__proto__']) {
    const r = await call(A, 'PROPFIND', CAL, pf, { 'content-type': type, depth: '0' });
    assert.equal(r.statusCode, 415, type);
  }
  const declared = await call(A, 'PROPFIND', CAL, `<?xml version="1.0" encoding="KOI8-R"?>${pf}`, { 'content-type': 'application/xml', depth: '0' });
  assert.equal(declared.statusCode, 415);
  const bad: [string, Buffer, string][] = [
    ['odd UTF-16 length', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pf, 'utf16le'), Buffer.from([0x20])]), 'application/xml'],
    ['lone surrogate', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pf.slice(0, -1), 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('>', 'utf16le')]), 'application/xml'],
    ['invalid UTF-8', Buffer.concat([Buffer.from('<D:propfind xmlns:D="DAV:"><D:prop><D:'), Buffer.from([0xc3, 0x28]), Buffer.from('/></D:prop></D:propfind>')]), 'application/xml; charset=utf-8'],
    ['UTF-16 declared, no BOM', Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>${pf}`), 'application/xml'],
  ];
  for (const [label, body, type] of bad) {
    const r = await call(A, 'PROPFIND', CAL, body, { 'content-type': type, depth: '0' });
    assert.equal(r.statusCode, 400, `${label}: ${r.statusCode}`);
  }
});

test('decodeXml: BOM wins over charset, charset over the declaration', () => {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]);
  assert.equal(decodeXml(le, 'application/xml; charset=utf-8'), '<a/>');
  assert.equal(decodeXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e9</a>', 'latin1'), undefined), '<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e9</a>');
  assert.equal(decodeXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e9</a>', 'utf8'), 'text/xml; charset=utf-8'), '<?xml version="1.0" encoding="ISO-8859-1"?><a>\u00e9</a>');
  assert.equal(decodeXml(Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]), undefined), '<a/>');
});

test('PUT of a bare book path keeps the CardDAV bound', async () => {
  const r = await call(A, 'PUT', `${bookHref}big.vcf`, `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big\r\nFN:${'x'.repeat(70 * 1024)}\r\nEND:VCARD\r\n`, { 'content-type': 'text/vcard' });
  assert.equal(r.statusCode, 403);
  assert.match(r.body, /<CR:max-resource-size\/>/);
});
