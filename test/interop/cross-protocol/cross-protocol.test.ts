/**
 * One store, two kinds of client: what a phone writes over ActiveSync is what a DAV client reads,
 * and the other way round, within one change notification. Everything goes through the real
 * HTTP app (buildServer over createTestContext, SQLite) listening on 127.0.0.1:
 *   - the phone is our codec-based ActiveSync 16.1 client (TestDevice), its requests sent over
 *     real HTTP instead of inject();
 *   - the calendar client is python3-caldav (Debian), a client we did not write
 *     (scripts/caldav_cross.py); python3-caldav has no CardDAV API, so the address book is read
 *     with a plain CardDAV REPORT from node and its vCards parsed with ical.js;
 *   - GET and sync-collection are plain HTTP from node, to compare bytes and see 404 members.
 * Skips with one line when /usr/bin/python3 cannot import caldav.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import ICAL from 'ical.js';
import { SaxesParser } from 'saxes';
import { buildServer } from '../../../src/server/app.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { child, childText, children, el, type WbxmlElement } from '../../../protocols/activesync/wbxml/types.js';
import { pushHubFor } from '../../../protocols/activesync/sync/push.js';
import type { Harness } from '../../protocols/activesync/harness.js';
import { appData, AS, collection, commands, keyOf, phone, type Phone, responses, serverIdOf, statusOf, sync } from '../../protocols/activesync/sync/helpers.js';
import { pythonCaldavMissing, run } from '../dav/tools.js';

const script = fileURLToPath(new URL('./scripts/caldav_cross.py', import.meta.url));
const CAL = 'Calendar';
const CON = 'Contacts';
const P = 'Ping';
const USER = 'cross@example.test';
const PASSWORD = 'Cross-protocol-pass-1';
const DAV_NS = 'DAV:';

/** A fastify-inject look-alike that sends the request over real HTTP, so TestDevice talks to the listener. */
function httpInjector(base: string, inFlight: Set<AbortController>): FastifyInstance {
  const inject = async (o: { method: string; url: string; headers: Record<string, string>; payload?: Buffer }) => {
    const abort = new AbortController();
    inFlight.add(abort);
    const r = await fetch(base + o.url, { method: o.method, headers: o.headers, body: o.payload ? new Uint8Array(o.payload) : undefined, signal: abort.signal }).finally(() => inFlight.delete(abort));
    const rawPayload = Buffer.from(await r.arrayBuffer());
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => { headers[k] = v; });
    return { statusCode: r.status, headers, rawPayload };
  };
  return { inject } as unknown as FastifyInstance;
}

/**
 * A TIME_ZONE_INFORMATION blob ([MS-ASDTYPE] 2.7) written by hand, as an iPhone sends it for
 * Europe/Berlin: bias -60, standard time from the last Sunday of October 03:00, daylight time
 * (bias -60) from the last Sunday of March 02:00. Not made with the product's encoder.
 */
function berlinBlob(): string {
  const b = Buffer.alloc(172);
  const systemTime = (off: number, month: number, dow: number, week: number, hour: number) => {
    [0, month, dow, week, hour, 0, 0, 0].forEach((v, i) => b.writeUInt16LE(v, off + i * 2));
  };
  b.writeInt32LE(-60, 0);
  b.write('W. Europe Standard Time', 4, 'utf16le');
  systemTime(68, 10, 0, 5, 3);
  b.writeInt32LE(0, 84);
  b.write('W. Europe Daylight Time', 88, 'utf16le');
  systemTime(152, 3, 0, 5, 2);
  b.writeInt32LE(-60, 168);
  return b.toString('base64');
}

interface DavResponse { href: string; status: string; props: Map<string, string> }

/** A multistatus, namespace-aware: each response's href, status (its own or its first propstat's) and DAV:/CALDAV:/CARDDAV: props by local name. */
function parseMultistatus(xml: string): { responses: DavResponse[]; syncToken?: string } {
  const parser = new SaxesParser({ xmlns: true });
  const out: DavResponse[] = [];
  const stack: string[] = [];
  let cur: DavResponse | null = null;
  let text = '';
  let syncToken: string | undefined;
  parser.on('opentag', (t) => {
    stack.push(`${t.uri}|${t.local}`);
    text = '';
    if (t.uri === DAV_NS && t.local === 'response') cur = { href: '', status: '', props: new Map() };
  });
  parser.on('text', (s) => { text += s; });
  parser.on('cdata', (s) => { text += s; });
  parser.on('closetag', (t) => {
    const parent = stack[stack.length - 2];
    stack.pop();
    if (t.uri === DAV_NS && t.local === 'response' && cur) { out.push(cur); cur = null; return; }
    if (t.uri === DAV_NS && t.local === 'sync-token' && !cur) syncToken = text.trim();
    if (!cur) return;
    if (t.uri === DAV_NS && t.local === 'href' && parent === `${DAV_NS}|response`) cur.href = decodeURIComponent(text.trim());
    else if (t.uri === DAV_NS && t.local === 'status' && !cur.status) cur.status = text.trim();
    else if (parent === `${DAV_NS}|prop`) cur.props.set(t.local, text);
  });
  parser.write(xml).close();
  return { responses: out, syncToken };
}

const lines = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');
const propName = (line: string) => line.split(/[;:]/, 1)[0].toUpperCase();

describe('cross-protocol: a phone over ActiveSync and DAV clients see the same data', { skip: pythonCaldavMissing() }, () => {
  let t: TestContext;
  let app: FastifyInstance;
  let url: string;
  let p: Phone;
  let calId: string;
  let calPath: string;
  let bookPath: string;
  let calKey: string;
  const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
  const putAnsweredAt: number[] = [];
  const inFlight = new Set<AbortController>();

  const dav = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const r = await fetch(url + path, { method, body, headers: { ...auth, ...(body ? { 'content-type': 'application/xml; charset=utf-8' } : {}), ...headers } });
    return { status: r.status, etag: r.headers.get('etag'), text: await r.text() };
  };
  const syncCollection = async (token: string) => {
    const r = await dav('REPORT', calPath, `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`);
    assert.equal(r.status, 207, r.text);
    return parseMultistatus(r.text);
  };
  const caldav = async (args: string[], input?: string) => {
    const { code, out } = await run('/usr/bin/python3', [script, args[0], url, USER, PASSWORD, calPath, ...args.slice(1)], { input, timeoutMs: 120_000 });
    assert.equal(code, 0, out);
    return JSON.parse(out.trim().split('\n').pop()!);
  };
  /** Sync with the current key until nothing more comes; returns the commands. */
  const drain = async (): Promise<WbxmlElement[]> => {
    const got: WbxmlElement[] = [];
    for (let i = 0; i < 10; i++) {
      const c = collection((await sync(p, { key: calKey, id: calId, windowSize: 100 })).doc, calId);
      assert.equal(statusOf(c), '1');
      calKey = keyOf(c);
      got.push(...commands(c));
      if (!child(c, 'MoreAvailable', AS)) break;
    }
    return got;
  };

  before(async () => {
    t = await createTestContext();
    await t.addUser(USER, PASSWORD, { displayName: 'Cross Protocol' });
    app = await buildServer(t.ctx);
    app.addHook('onResponse', async (req) => { if (req.method === 'PUT') putAnsweredAt.push(performance.timeOrigin + performance.now()); });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    if (!a || typeof a === 'string') throw new Error('no address');
    url = `http://127.0.0.1:${a.port}`;
    p = await phone({ app: httpInjector(url, inFlight) } as Harness, USER, PASSWORD, 'CROSSPHONE1', '16.1');
    calId = p.folders['8'];
    assert.ok(calId && p.folders['9'], `FolderSync gave a calendar and contacts: ${JSON.stringify(p.folders)}`);
    // The DAV homes list the same folders the phone got: each at its folder's DAV segment.
    const seg = async (area: string, id: string) => {
      const r = await dav('PROPFIND', `/dav/${area}/${USER}/`, '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>', { depth: '1' });
      assert.equal(r.status, 207, r.text);
      const folder = (await t.store.getFolder(Number(id)))!;
      const seg = typeof folder.props['davSegment'] === 'string' && folder.props['davSegment'] ? folder.props['davSegment'] : String(folder.id);
      const href = `/dav/${area}/${USER}/${seg}/`;
      assert.ok(parseMultistatus(r.text).responses.some((x) => x.href === href), `${href} listed in ${r.text}`);
      return href;
    };
    calPath = await seg('calendars', calId);
    bookPath = await seg('addressbooks', p.folders['9']);
  });
  after(async () => {
    // A Ping still held after a failure would keep close() waiting for its heartbeat: hang up.
    for (const a of inFlight) a.abort();
    await app?.close();
    await t?.close();
  });

  it('1. a contact and a recurring, zoned event added on the phone are found by CardDAV and by python3-caldav', async () => {
    // The contact.
    const conId = p.folders['9'];
    const c0 = collection((await sync(p, { key: '0', id: conId })).doc, conId);
    const cr = await sync(p, { key: keyOf(c0), id: conId, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'c1'), el(AS, 'ApplicationData', [
      el(CON, 'FirstName', 'Zoë'), el(CON, 'LastName', 'Müller-Lüdenscheidt'), el(CON, 'MobilePhoneNumber', '+49 171 5550123'),
      el(CON, 'Email1Address', '"Zoë Müller" <zoe.mueller@example.org>'), el(CON, 'CompanyName', 'Hearth GmbH'),
    ])])] });
    const cadd = responses(collection(cr.doc, conId), 'Add')[0];
    assert.equal(childText(cadd, 'Status', AS), '1');

    // The event: weekly on Mondays at 10:00 Berlin time, 15 times from 12 January 2026 (CET, 09:00Z);
    // the DST switch on 29 March moves later instances to 08:00Z.
    const k0 = collection((await sync(p, { key: '0', id: calId })).doc, calId);
    calKey = keyOf(k0);
    await drain();
    const er = await sync(p, { key: calKey, id: calId, getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'e1'), el(AS, 'ApplicationData', [
      el(CAL, 'Timezone', berlinBlob()), el(CAL, 'AllDayEvent', '0'), el(CAL, 'BusyStatus', '2'), el(CAL, 'DtStamp', '20260101T120000Z'),
      el(CAL, 'StartTime', '20260112T090000Z'), el(CAL, 'EndTime', '20260112T100000Z'), el(CAL, 'Subject', 'Stand-up (Berlin)'),
      el(CAL, 'Recurrence', [el(CAL, 'Type', '1'), el(CAL, 'Interval', '1'), el(CAL, 'DayOfWeek', '2'), el(CAL, 'Occurrences', '15')]),
      el(CAL, 'MeetingStatus', '0'),
    ])])] });
    const ec = collection(er.doc, calId);
    calKey = keyOf(ec);
    const eadd = responses(ec, 'Add')[0];
    assert.equal(childText(eadd, 'Status', AS), '1', 'event Add accepted');
    const item = (await t.store.getItem(Number(childText(eadd, 'ServerId', AS)!.split(':')[1])))!;
    const uid = item.uid!;

    // python3-caldav: discovery, date search expanding the recurrence, the master by UID.
    const found = await caldav(['find', uid, '2026-03-23T00:00:00+00:00', '2026-04-06T00:00:00+00:00']);
    const inst = (found.instances as { uid: string; summary: string; dtstart: { iso: string } }[])
      .filter((i) => i.uid === uid).map((i) => [i.summary, new Date(i.dtstart.iso).toISOString()]);
    assert.deepEqual(inst, [['Stand-up (Berlin)', '2026-03-23T09:00:00.000Z'], ['Stand-up (Berlin)', '2026-03-30T08:00:00.000Z']],
      `two instances, 10:00 Berlin on both sides of the DST switch: ${JSON.stringify(found.instances)}`);
    assert.equal(found.master.summary, 'Stand-up (Berlin)');
    assert.equal(found.master.tzid, 'Europe/Berlin', `DTSTART carries the zone: ${JSON.stringify(found.master)}`);
    assert.match(found.master.dtstart.iso, /^2026-01-12T10:00:00\+01:00$/);
    assert.match(found.master.rrule, /FREQ=WEEKLY/);
    assert.match(found.master.rrule, /COUNT=15/);
    assert.match(found.master.rrule, /BYDAY=MO/);

    // CardDAV: an addressbook-query REPORT with address-data, parsed with ical.js.
    const r = await dav('REPORT', bookPath, '<?xml version="1.0" encoding="utf-8"?><c:addressbook-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop></c:addressbook-query>', { depth: '1' });
    assert.equal(r.status, 207, r.text);
    const cards = parseMultistatus(r.text).responses.filter((x) => x.props.has('address-data'));
    assert.equal(cards.length, 1, r.text);
    const vc = new ICAL.Component(ICAL.parse(cards[0].props.get('address-data')!) as unknown[]);
    assert.equal(vc.getFirstPropertyValue('fn'), 'Zoë Müller-Lüdenscheidt');
    assert.deepEqual((vc.getFirstPropertyValue('n') as unknown as string[]).slice(0, 2), ['Müller-Lüdenscheidt', 'Zoë']);
    const tel = vc.getFirstProperty('tel')!;
    assert.equal(tel.getFirstValue(), '+49 171 5550123');
    assert.match(String(tel.getParameter('type')).toLowerCase(), /cell/);
    assert.equal(vc.getFirstPropertyValue('email'), 'zoe.mueller@example.org');
    const org = vc.getFirstPropertyValue('org') as unknown;
    assert.equal(Array.isArray(org) ? org[0] : org, 'Hearth GmbH');
    // A plain GET of the member gives the same card.
    const g = await dav('GET', cards[0].href);
    assert.equal(g.status, 200);
    // (an XML reader turns the CRLFs inside address-data into LFs, XML 1.0 §2.11)
    assert.equal(g.text.replace(/\r\n/g, '\n'), cards[0].props.get('address-data')!.replace(/\r\n/g, '\n'));
  });

  // State handed from test to test (the steps are one story).
  let eventPath = '';
  let davBaseline = '';
  let etagBefore = '';
  let tokenBeforeEdit = '';
  let eventServerId = '';
  let addData: WbxmlElement | null = null;
  const DAV_UID = 'cross-dav-1@hearth.test';
  const DAV_ICS = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Apple Inc.//macOS 14.5//EN', 'CALSCALE:GREGORIAN',
    'BEGIN:VTIMEZONE', 'TZID:America/New_York',
    'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'DTSTART:20070311T020000', 'TZNAME:EDT', 'TZOFFSETTO:-0400', 'END:DAYLIGHT',
    'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'DTSTART:20071104T020000', 'TZNAME:EST', 'TZOFFSETTO:-0500', 'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT', 'CREATED:20260301T120000Z', 'DTEND;TZID=America/New_York:20260415T100000', 'DTSTAMP:20260301T120000Z',
    'DTSTART;TZID=America/New_York:20260415T090000', 'LAST-MODIFIED:20260301T120000Z', 'LOCATION:Room 4\\, 2nd floor',
    'DESCRIPTION:Agenda:\\n1. numbers\\n2. plans', 'SEQUENCE:0', 'SUMMARY:Quarterly review', 'TRANSP:OPAQUE', `UID:${DAV_UID}`,
    'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'X-HEARTH-INTEROP;X-ORIGIN=caldav:kept byte for byte; really',
    'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'UID:alarm-1@hearth.test', 'X-WR-ALARMUID:alarm-1@hearth.test', 'END:VALARM',
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');

  it('2. an event PUT by python3-caldav wakes the phone\'s Ping (Status 2, the calendar) and reaches its next Sync', async () => {
    assert.deepEqual(await drain(), [], 'the phone is up to date before it pings');
    const hub = pushHubFor(t.store);
    const before = hub.size;
    let pingAnsweredAt = 0;
    const held = p.dev.send('Ping', el(P, 'Ping', [el(P, 'HeartbeatInterval', '300'),
      el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', calId), el(P, 'Class', 'Calendar')])])]))
      .then((r) => { pingAnsweredAt = performance.timeOrigin + performance.now(); return r; });
    const deadline = Date.now() + 60_000;
    while (hub.size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(hub.size > before, 'the Ping is held');
    assert.equal(pingAnsweredAt, 0, 'the Ping did not answer before the PUT');
    putAnsweredAt.length = 0;
    const put = await caldav(['put'], DAV_ICS);
    const wait = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no Ping answer within 60 s of the PUT')), 60_000).unref());
    const r = await Promise.race([held, wait]);
    assert.equal(putAnsweredAt.length, 1, 'one PUT');
    console.log(`# Ping answered ${(pingAnsweredAt - putAnsweredAt[0]).toFixed(1)} ms after the server sent the PUT's response; ` +
      `${(pingAnsweredAt - put.putAnsweredAt).toFixed(1)} ms after python3-caldav's save_event returned (negative: before)`);
    assert.equal(childText(r.doc!, 'Status', P), '2', 'Status 2: changes');
    assert.deepEqual(children(child(r.doc!, 'Folders', P)!, 'Folder', P).map((f) => f.text), [calId]);
    eventPath = decodeURIComponent(put.path);
    assert.ok(eventPath.startsWith(calPath), eventPath);

    // python3-caldav re-serialises what it is given (its icalendar library reorders properties,
    // bumps SEQUENCE, escapes ';'): what it PUT is the baseline for step 3. A GET gives it back as sent.
    const g = await dav('GET', eventPath);
    assert.equal(g.status, 200);
    const sent = String(put.sent).replace(/\r?\n/g, '\r\n');
    assert.equal(g.text, sent, 'stored as the DAV client sent it');
    davBaseline = g.text;
    etagBefore = g.etag!;
    assert.ok(etagBefore);
    for (const name of ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR', 'X-HEARTH-INTEROP', 'X-WR-ALARMUID', 'LOCATION', 'DESCRIPTION', 'TRIGGER'])
      assert.ok(lines(davBaseline).some((l) => propName(l) === name), `${name} in what was PUT:\n${davBaseline}`);

    // The phone's next Sync: an Add with the subject and the start as an instant (09:00 EDT = 13:00Z).
    const cmds = await drain();
    assert.deepEqual(cmds.map((c) => c.tag), ['Add']);
    addData = appData(cmds[0]);
    eventServerId = serverIdOf(cmds[0]);
    assert.equal(childText(addData, 'Subject', CAL), 'Quarterly review');
    assert.equal(childText(addData, 'StartTime', CAL), '20260415T130000Z');
    assert.equal(childText(addData, 'EndTime', CAL), '20260415T140000Z');
  });

  it('3. the phone changes the Subject: DAV GET has the new SUMMARY, every other property as written, a new ETag; sync-collection reports it', async () => {
    assert.ok(addData, 'step 2 ran');
    tokenBeforeEdit = (await syncCollection('')).syncToken!;
    assert.ok(tokenBeforeEdit);
    // As phones do, the Change carries the item as the phone has it, with the new Subject.
    const data = addData!.children.map((x) => (x.tag === 'Subject' ? el(CAL, 'Subject', 'Quarterly review (moved to Zoom)') : x));
    const r = await sync(p, { key: calKey, id: calId, getChanges: false, commands: [el(AS, 'Change', [el(AS, 'ServerId', eventServerId), el(AS, 'ApplicationData', data)])] });
    const c = collection(r.doc, calId);
    assert.equal(statusOf(c), '1');
    calKey = keyOf(c);
    assert.deepEqual(responses(c).map((x) => childText(x, 'Status', AS)).filter((s) => s !== '1'), [], 'no failed Change');

    const g = await dav('GET', eventPath);
    assert.equal(g.status, 200);
    const ev = new ICAL.Component(ICAL.parse(g.text) as unknown[]).getFirstSubcomponent('vevent')!;
    assert.equal(ev.getFirstPropertyValue('summary'), 'Quarterly review (moved to Zoom)');
    assert.notEqual(g.etag, etagBefore, 'the ETag changed');
    // Every content line the DAV client wrote is still there, byte for byte and in order, except
    // SUMMARY and the bookkeeping an edit may bump (DTSTAMP, LAST-MODIFIED, SEQUENCE).
    const bookkeeping = new Set(['SUMMARY', 'DTSTAMP', 'LAST-MODIFIED', 'SEQUENCE']);
    const keep = (ls: string[]) => ls.filter((l) => !bookkeeping.has(propName(l)));
    const wasLines = keep(lines(davBaseline));
    const nowLines = keep(lines(g.text));
    const lost = wasLines.filter((l) => !nowLines.includes(l));
    const added = nowLines.filter((l) => !wasLines.includes(l));
    assert.deepEqual({ lost, added }, { lost: [], added: [] }, `the phone's edit rewrote the DAV client's object:\n--- before\n${davBaseline}\n--- after\n${g.text}`);
    assert.deepEqual(nowLines, wasLines, 'same order');
    const bumped = lines(g.text).filter((l) => bookkeeping.has(propName(l)) && propName(l) !== 'SUMMARY' && !lines(davBaseline).includes(l));
    if (bumped.length) console.log(`# the edit updated: ${bumped.join(' | ')}`);

    // sync-collection with the token from before the edit reports the member with its new ETag.
    const s = await syncCollection(tokenBeforeEdit);
    assert.notEqual(s.syncToken, tokenBeforeEdit);
    const m = s.responses.filter((x) => x.href === eventPath);
    assert.equal(m.length, 1, JSON.stringify(s.responses.map((x) => [x.href, x.status])));
    assert.match(m[0].status, / 200 /);
    assert.equal(m[0].props.get('getetag'), g.etag);
    tokenBeforeEdit = s.syncToken!;
  });

  it('4. the phone deletes it: sync-collection reports a 404 member, GET answers 404', async () => {
    assert.ok(eventServerId, 'step 2 ran');
    const r = await sync(p, { key: calKey, id: calId, getChanges: false, commands: [el(AS, 'Delete', [el(AS, 'ServerId', eventServerId)])] });
    const c = collection(r.doc, calId);
    assert.equal(statusOf(c), '1');
    calKey = keyOf(c);
    const s = await syncCollection(tokenBeforeEdit);
    const m = s.responses.filter((x) => x.href === eventPath);
    assert.deepEqual(m.map((x) => x.status.replace(/^HTTP\/1\.[01] /, '')), ['404 Not Found'], JSON.stringify(s.responses.map((x) => [x.href, x.status])));
    assert.equal((await dav('GET', eventPath)).status, 404);
  });
});
