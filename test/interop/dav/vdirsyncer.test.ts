/**
 * vdirsyncer (Debian) two-way sync of a calendar and an address book with Hearth: changes and
 * deletions made on either side reach the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing, run, serve } from './tools.js';
import { basic } from '../../protocols/dav/harness.js';

const skip = missing('vdirsyncer');

const ics = (uid: string, summary: string) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//interop//EN\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260110T100000Z\r\nDTEND:20260110T110000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
const vcf = (uid: string, fn: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nFN:${fn}\r\nN:${fn};;;;\r\nEND:VCARD\r\n`;

test('vdirsyncer: two-way sync of a calendar and an address book', { skip, timeout: 300_000 }, async () => {
  const s = await serve();
  const dir = mkdtempSync(join(tmpdir(), 'vdirsyncer-'));
  const auth = basic(s.user, s.password);
  const http = async (method: string, path: string, body?: string, type?: string) =>
    s.h.app.inject({ method: method as 'GET', url: path, payload: body, headers: { authorization: auth, ...(type ? { 'content-type': type } : {}) } });
  const cal = `/dav/calendars/${s.user}/interop/`;
  const book = `/dav/addressbooks/${s.user}/people/`;
  try {
    assert.equal((await http('MKCALENDAR', cal)).statusCode, 201);
    assert.equal((await http('MKCOL', book, '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>People</D:displayname></D:prop></D:set></D:mkcol>', 'application/xml')).statusCode, 201);
    for (const n of ['a', 'b']) assert.equal((await http('PUT', `${cal}${n}.ics`, ics(`ev-${n}`, `Server ${n}`), 'text/calendar')).statusCode, 201);
    for (const n of ['a', 'b']) assert.equal((await http('PUT', `${book}${n}.vcf`, vcf(`card-${n}`, `Server ${n}`), 'text/vcard')).statusCode, 201);

    const conf = join(dir, 'config');
    const storage = (name: string, kind: 'caldav' | 'carddav', path: string, ext: string) => `
[pair ${name}]
a = "${name}_local"
b = "${name}_remote"
collections = [["only", "${path.split('/').at(-2)}", "${path.split('/').at(-2)}"]]
conflict_resolution = "a wins"

[storage ${name}_local]
type = "filesystem"
path = "${join(dir, name)}/"
fileext = "${ext}"

[storage ${name}_remote]
type = "${kind}"
url = "${s.url}/dav/${kind === 'caldav' ? 'calendars' : 'addressbooks'}/${s.user}/"
username = "${s.user}"
password = "${s.password}"
`;
    writeFileSync(conf, `[general]\nstatus_path = "${join(dir, 'status')}/"\n` + storage('cal', 'caldav', cal, '.ics') + storage('card', 'carddav', book, '.vcf'));
    const vds = (...args: string[]) => run('vdirsyncer', ['-c', conf, ...args], { input: 'y\ny\ny\ny\n' });
    let r = await vds('discover');
    assert.equal(r.code, 0, r.out);
    r = await vds('sync');
    assert.equal(r.code, 0, r.out);
    const localCal = join(dir, 'cal', 'interop');
    const localBook = join(dir, 'card', 'people');
    const contains = (d: string, text: string) => readdirSync(d).some((f) => readFileSync(join(d, f), 'utf8').includes(text));
    assert.equal(readdirSync(localCal).length, 2);
    assert.equal(readdirSync(localBook).length, 2);

    // Local side: change a, delete b, add c. Server side: add d.
    for (const [d, make, ext] of [[localCal, ics, '.ics'], [localBook, vcf, '.vcf']] as const) {
      const files = readdirSync(d);
      const fa = files.find((f) => readFileSync(join(d, f), 'utf8').includes('Server a'))!;
      const fb = files.find((f) => readFileSync(join(d, f), 'utf8').includes('Server b'))!;
      writeFileSync(join(d, fa), readFileSync(join(d, fa), 'utf8').replace('Server a', 'Local edit a'));
      unlinkSync(join(d, fb));
      writeFileSync(join(d, `c${ext}`), make(ext === '.ics' ? 'ev-c' : 'card-c', 'Local c'));
    }
    assert.equal((await http('PUT', `${cal}d.ics`, ics('ev-d', 'Server d'), 'text/calendar')).statusCode, 201);
    assert.equal((await http('PUT', `${book}d.vcf`, vcf('card-d', 'Server d'), 'text/vcard')).statusCode, 201);
    r = await vds('sync');
    assert.equal(r.code, 0, r.out);

    for (const [coll, local] of [[cal, localCal], [book, localBook]]) {
      const listing = (await http('PROPFIND', coll, undefined)).body;
      assert.ok(local && contains(local, 'Server d'), 'server addition reached the client');
      const propfind = await s.h.app.inject({ method: 'PROPFIND' as 'GET', url: coll, headers: { authorization: auth, depth: '1' } });
      const hrefs = [...propfind.body.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]).filter((h) => h !== coll);
      assert.equal(hrefs.length, 3, `server has a, c, d: ${hrefs.join(' ')} ${listing.length}`);
      const bodies = await Promise.all(hrefs.map(async (h) => (await http('GET', h)).body));
      assert.ok(bodies.some((b) => b.includes('Local edit a')), 'local change reached the server');
      assert.ok(bodies.some((b) => b.includes('Local c')), 'local addition reached the server');
      assert.ok(!bodies.some((b) => b.includes('Server b')), 'local deletion reached the server');
    }

    // Server side deletes d; the client follows.
    assert.equal((await http('DELETE', `${cal}d.ics`)).statusCode, 204);
    assert.equal((await http('DELETE', `${book}d.vcf`)).statusCode, 204);
    r = await vds('sync');
    assert.equal(r.code, 0, r.out);
    assert.ok(!contains(localCal, 'Server d') && !contains(localBook, 'Server d'), 'server deletion reached the client');
    assert.equal(readdirSync(localCal).length, 2);
    assert.equal(readdirSync(localBook).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.h.close();
  }
});
