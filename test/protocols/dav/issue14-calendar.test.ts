/**
 * Issue 14 regressions: expand keeps one DUE and the original RECURRENCE-ID (RFC 4791 §9.6.5,
 * RFC 5545 §3.8.4.4); VALARM time-range by when the alarm fires (RFC 4791 §9.9); a plain new
 * calendar takes journals (RFC 4791 §5.3.1); the scheduling inbox answers sync-collection.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDavHarness, basic, type DavHarness } from './harness.js';

let h: DavHarness;
const A = 'iris@issue14.test';
const XML = { 'content-type': 'application/xml' };
const CAL = { 'content-type': 'text/calendar' };
const call = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(A, 'pw'), ...headers } });
const vcal = (body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${body}END:VCALENDAR\r\n`;
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const dataOf = (body: string) => [...body.matchAll(/<C:calendar-data>([\s\S]*?)<\/C:calendar-data>/g)].map((m) => unescape(m[1]));
const components = (ics: string, name: string) =>
  [...ics.matchAll(new RegExp(`BEGIN:${name}\\r\\n([\\s\\S]*?)END:${name}`, 'g'))].map((m) => m[1]);

const expandQuery = (comp: string, start: string, end: string) =>
  `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data><C:expand start="${start}" end="${end}"/></C:calendar-data></D:prop>` +
  `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="${comp}"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;

before(async () => {
  h = await createDavHarness();
  await h.addUser(A, 'pw');
});
after(() => h.close());

test('expanded recurring VTODO carries exactly one DUE per instance, shifted with it', async () => {
  const cal = `/dav/calendars/${A}/todo-expand/`;
  assert.equal((await call('MKCALENDAR', cal)).statusCode, 201);
  const todo = vcal(
    'BEGIN:VTODO\r\nUID:t-due\r\nDTSTAMP:20000101T000000Z\r\nDTSTART:20000110T090000Z\r\nDUE:20000110T170000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Report\r\nEND:VTODO\r\n',
  );
  assert.equal((await call('PUT', `${cal}t.ics`, todo, CAL)).statusCode, 201);
  const r = await call('REPORT', cal, expandQuery('VTODO', '20000101T000000Z', '20000201T000000Z'), { depth: '1', ...XML });
  assert.equal(r.statusCode, 207, r.body);
  const todos = components(dataOf(r.body)[0], 'VTODO');
  assert.equal(todos.length, 3);
  todos.forEach((t, i) => {
    assert.deepEqual(t.match(/^DUE[:;].*$/gm), [`DUE:2000011${i}T170000Z`], t);
    assert.deepEqual(t.match(/^DTSTART[:;].*$/gm), [`DTSTART:2000011${i}T090000Z`], t);
    assert.deepEqual(t.match(/^RECURRENCE-ID[:;].*$/gm), [`RECURRENCE-ID:2000011${i}T090000Z`], t);
  });
});

test('expanded moved occurrence keeps its original RECURRENCE-ID, not its new start', async () => {
  const cal = `/dav/calendars/${A}/moved/`;
  assert.equal((await call('MKCALENDAR', cal)).statusCode, 201);
  // RFC 4791 §9.6.5's own example: the 20000213 instance moved to 20000214T150000Z.
  const ev = vcal(
    'BEGIN:VEVENT\r\nUID:moved-1\r\nDTSTAMP:20000101T000000Z\r\nDTSTART:20000206T120000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Weekly\r\nEND:VEVENT\r\n' +
      'BEGIN:VEVENT\r\nUID:moved-1\r\nDTSTAMP:20000101T000000Z\r\nRECURRENCE-ID:20000213T120000Z\r\nDTSTART:20000214T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n',
  );
  assert.equal((await call('PUT', `${cal}m.ics`, ev, CAL)).statusCode, 201);
  const r = await call('REPORT', cal, expandQuery('VEVENT', '20000201T000000Z', '20000301T000000Z'), { depth: '1', ...XML });
  assert.equal(r.statusCode, 207, r.body);
  const events = components(dataOf(r.body)[0], 'VEVENT');
  assert.equal(events.length, 3);
  const moved = events.find((e) => e.includes('SUMMARY:Moved'));
  assert.ok(moved, r.body);
  assert.deepEqual(moved.match(/^RECURRENCE-ID[:;].*$/gm), ['RECURRENCE-ID:20000213T120000Z']);
  assert.deepEqual(moved.match(/^DTSTART[:;].*$/gm), ['DTSTART:20000214T150000Z']);
  assert.deepEqual(moved.match(/^DTEND[:;].*$/gm), ['DTEND:20000214T160000Z']);
  const rids = events.map((e) => /^RECURRENCE-ID:(.*)$/m.exec(e)?.[1]).sort();
  assert.deepEqual(rids, ['20000206T120000Z', '20000213T120000Z', '20000220T120000Z']);
});

test('VALARM time-range matches only when a relative, END-related, repeated or absolute alarm fires in the range', async () => {
  const cal = `/dav/calendars/${A}/alarms/`;
  assert.equal((await call('MKCALENDAR', cal)).statusCode, 201);
  const alarmEvent = (uid: string, start: string, alarm: string, extra = '') =>
    vcal(
      `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:${start}\r\nDURATION:PT2H\r\n${extra}BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\n${alarm}END:VALARM\r\nEND:VEVENT\r\n`,
    );
  const put = async (name: string, text: string) => assert.equal((await call('PUT', `${cal}${name}.ics`, text, CAL)).statusCode, 201);
  await put('rel', alarmEvent('rel', '20260310T100000Z', 'TRIGGER:-PT15M\r\n')); // fires 09:45
  await put('end', alarmEvent('end', '20260311T100000Z', 'TRIGGER;RELATED=END:PT5M\r\n')); // fires 12:05
  await put('rep', alarmEvent('rep', '20260312T100000Z', 'TRIGGER:-PT1H\r\nREPEAT:2\r\nDURATION:PT20M\r\n')); // 09:00, 09:20, 09:40
  await put('abs', alarmEvent('abs', '20260320T100000Z', 'TRIGGER;VALUE=DATE-TIME:20260313T080000Z\r\n'));
  await put('daily', alarmEvent('daily', '20260401T100000Z', 'TRIGGER:-P1D\r\n', 'RRULE:FREQ=DAILY;COUNT=5\r\n')); // 03-31 .. 04-04 at 10:00
  const hits = async (start: string, end: string) => {
    const body = `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:time-range start="${start}" end="${end}"/></C:comp-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`;
    const r = await call('REPORT', cal, body, { depth: '1', ...XML });
    assert.equal(r.statusCode, 207, r.body);
    return [...r.body.matchAll(/alarms\/([a-z]+)\.ics/g)].map((m) => m[1]).sort();
  };
  assert.deepEqual(await hits('20260310T094000Z', '20260310T095000Z'), ['rel']);
  assert.deepEqual(await hits('20260310T095000Z', '20260310T110000Z'), []); // the event itself, not its alarm
  assert.deepEqual(await hits('20260311T120000Z', '20260311T121000Z'), ['end']);
  assert.deepEqual(await hits('20260311T094000Z', '20260311T100000Z'), []); // START-related would be here
  assert.deepEqual(await hits('20260312T093000Z', '20260312T093500Z'), []); // between repetitions
  assert.deepEqual(await hits('20260312T093500Z', '20260312T094500Z'), ['rep']); // the second repetition
  assert.deepEqual(await hits('20260313T075900Z', '20260313T080100Z'), ['abs']);
  assert.deepEqual(await hits('20260403T095900Z', '20260403T100100Z'), ['daily']); // the alarm of the 4th instance
  assert.deepEqual(await hits('20260405T095900Z', '20260405T100100Z'), []); // after the last instance's alarm
});

test('a plain MKCALENDAR or extended MKCOL calendar takes events, tasks and journals; an explicit set is honoured', async () => {
  const journal = vcal(
    'BEGIN:VJOURNAL\r\nUID:j-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260101\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n',
  );
  const todo = vcal('BEGIN:VTODO\r\nUID:t-1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Do\r\nEND:VTODO\r\n');
  const plain = `/dav/calendars/${A}/plain/`;
  assert.equal((await call('MKCALENDAR', plain)).statusCode, 201);
  assert.equal((await call('PUT', `${plain}j.ics`, journal, CAL)).statusCode, 201);
  assert.equal((await call('PUT', `${plain}t.ics`, todo, CAL)).statusCode, 201);
  const set = await call(
    'PROPFIND',
    plain,
    '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:supported-calendar-component-set/></D:prop></D:propfind>',
    { depth: '0', ...XML },
  );
  for (const c of ['VEVENT', 'VTODO', 'VJOURNAL']) assert.match(set.body, new RegExp(`<C:comp name="${c}"/>`));
  const mkcol = `/dav/calendars/${A}/plain-mkcol/`;
  const ext = await call(
    'MKCOL',
    mkcol,
    '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype></D:prop></D:set></D:mkcol>',
    XML,
  );
  assert.equal(ext.statusCode, 201);
  assert.equal((await call('PUT', `${mkcol}j.ics`, journal, CAL)).statusCode, 201);
  const events = `/dav/calendars/${A}/events-only/`;
  assert.equal(
    (
      await call(
        'MKCALENDAR',
        events,
        '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>',
        XML,
      )
    ).statusCode,
    201,
  );
  const refused = await call('PUT', `${events}j.ics`, journal, CAL);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /supported-calendar-component/);
});

test('the scheduling inbox answers sync-collection: the invitation, then its deletion as 404', async () => {
  const B = 'invitee@issue14.test';
  await h.addUser(B, 'pw');
  const asB = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basic(B, 'pw'), ...headers } });
  const inbox = `/dav/calendars/${B}/inbox/`;
  const sync = (token: string) =>
    asB(
      'REPORT',
      inbox,
      `<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>`,
      XML,
    );
  const empty = await sync('');
  assert.equal(empty.statusCode, 207, empty.body);
  const token0 = /<D:sync-token>([^<]+)</.exec(empty.body)![1];
  const reports = await asB(
    'PROPFIND',
    inbox,
    '<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/><D:sync-token/></D:prop></D:propfind>',
    { depth: '0', ...XML },
  );
  assert.match(reports.body, /<D:sync-collection\/>/);
  assert.match(reports.body, /<D:sync-token>/);
  const cal = `/dav/calendars/${A}/invites/`;
  assert.equal((await call('MKCALENDAR', cal)).statusCode, 201);
  const invite = vcal(
    `BEGIN:VEVENT\r\nUID:inv-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260210T100000Z\r\nDTEND:20260210T110000Z\r\nSUMMARY:Sync me\r\nORGANIZER:mailto:${A}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:${A}\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:${B}\r\nEND:VEVENT\r\n`,
  );
  assert.equal((await call('PUT', `${cal}inv.ics`, invite, CAL)).statusCode, 201);
  const delta = await sync(token0);
  assert.equal(delta.statusCode, 207, delta.body);
  const hrefs = [...delta.body.matchAll(/<D:href>([^<]+)<\/D:href>/g)].map((m) => m[1]);
  assert.equal(hrefs.length, 1, delta.body);
  assert.ok(hrefs[0].startsWith(inbox));
  const token1 = /<D:sync-token>([^<]+)</.exec(delta.body)![1];
  const multiget = await asB(
    'REPORT',
    inbox,
    `<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop><D:href>${hrefs[0]}</D:href></C:calendar-multiget>`,
    XML,
  );
  assert.match(multiget.body, /METHOD:REQUEST/);
  assert.equal((await asB('DELETE', hrefs[0])).statusCode, 204);
  const gone = await sync(token1);
  assert.match(gone.body, /HTTP\/1.1 404 Not Found/);
});
