import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { extractCalendarFields, extractContactFields } from '../../../src/pim/extract.js';
import { expandOccurrences, overlapsRange } from '../../../src/pim/recurrence.js';
import { patchObject } from '../../../src/pim/patch.js';
import { parseRaw, serializeRaw } from '../../../src/pim/raw.js';
import { bundledZones, ensureTimezonesRegistered, getVTimezone } from '../../../src/pim/timezones.js';
import { PimParseError } from '../../../src/pim/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/pim/${name}`, import.meta.url), 'utf8');
const cal = (body: string, extra = '') => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n${extra}${body}END:VCALENDAR\r\n`;
const ev = (props: string) => `BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20260101T000000Z\r\n${props}END:VEVENT\r\n`;

test('bundled zones: more than 100, the common ones, aliases', () => {
  assert.ok(bundledZones().length > 400);
  for (const z of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Africa/Johannesburg', 'Pacific/Auckland', 'America/Sao_Paulo', 'Asia/Calcutta']) assert.ok(getVTimezone(z), z);
  ensureTimezonesRegistered();
  const t = ICAL.Time.fromDateTimeString('2026-07-01T12:00:00');
  for (const [z, off] of [['Europe/Berlin', 2], ['America/New_York', -4], ['Australia/Sydney', 10], ['Asia/Kolkata', 5.5], ['Asia/Calcutta', 5.5]] as const) {
    const x = t.clone();
    x.zone = ICAL.TimezoneService.get(z);
    assert.equal(x.utcOffset() / 3600, off, z);
  }
});

test('extract: timed, all-day, recurring bounded and unbounded, TZID by reference', () => {
  const f = extractCalendarFields(cal(ev('DTSTART;TZID=Europe/Berlin:20260601T100000\r\nDTEND;TZID=Europe/Berlin:20260601T110000\r\nSUMMARY:x\r\n')));
  assert.deepEqual(f, { uid: 'u1', componentType: 'VEVENT', summary: 'x', startAt: Date.UTC(2026, 5, 1, 8), endAt: Date.UTC(2026, 5, 1, 9), recurring: false, allDay: false });
  const a = extractCalendarFields(cal(ev('DTSTART;VALUE=DATE:20260601\r\n')));
  assert.equal(a.allDay, true);
  assert.equal(a.endAt, Date.UTC(2026, 5, 2));
  const r = extractCalendarFields(cal(ev('DTSTART:20260601T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=3\r\n')));
  assert.equal(r.recurring, true);
  assert.equal(r.endAt, Date.UTC(2026, 5, 3, 11));
  assert.equal(extractCalendarFields(cal(ev('DTSTART:20260601T100000Z\r\nRRULE:FREQ=WEEKLY\r\n'))).endAt, null);
  const apple = extractCalendarFields(fixture('apple-recurring-berlin.ics'));
  assert.equal(apple.startAt, Date.UTC(2026, 0, 12, 8, 30));
  assert.ok(apple.endAt! > Date.UTC(2026, 4, 1));
  assert.equal(extractCalendarFields(fixture('outlook-allday-sydney.ics')).allDay, true);
  assert.equal(extractCalendarFields(fixture('google-meeting-newyork.ics')).summary, 'Monthly review');
});

test('extract: errors carry codes', () => {
  const code = (fn: () => unknown) => { try { fn(); } catch (e) { assert.ok(e instanceof PimParseError, String(e)); return e.code; } return 'none'; };
  assert.equal(code(() => extractCalendarFields('BEGIN:VCALENDAR\r\nnot ical')), 'invalid-ical');
  assert.equal(code(() => extractCalendarFields(cal(''))), 'no-component');
  assert.equal(code(() => extractCalendarFields(cal('BEGIN:VEVENT\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n'))), 'no-uid');
  assert.equal(code(() => extractCalendarFields(cal(ev('') + ev('').replace('UID:u1', 'UID:u2')))), 'multiple-uids');
  assert.equal(code(() => extractContactFields('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\r\nEND:VCARD\r\n')), 'no-uid');
  for (const junk of ['', '\u0000', 'BEGIN:VCALENDAR', 'END:VCALENDAR', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\nEND:VCALENDAR', 'x'.repeat(5 * 1024 * 1024)]) {
    assert.throws(() => extractCalendarFields(junk), PimParseError);
  }
});

test('extract contacts: 3.0 and 4.0', () => {
  assert.deepEqual(extractContactFields(fixture('apple-contact.vcf')), { uid: '5D6C2C63-2F0E-4D7F-9E9A-1F2E3D4C5B6A', fullName: 'Dr. Johnny Q. Appleseed Jr.', email: ['johnny@example.com', 'j.appleseed@work.example'], version: '3.0' });
  assert.equal(extractContactFields(fixture('google-contact-v4.vcf')).version, '4.0');
});

test('expand: EXDATE and RECURRENCE-ID overrides, moved into and out of the range', () => {
  const ics = cal(ev('DTSTART:20260601T100000Z\r\nDTEND:20260601T110000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEXDATE:20260603T100000Z\r\n')
    + ev('RECURRENCE-ID:20260604T100000Z\r\nDTSTART:20260610T100000Z\r\nDTEND:20260610T110000Z\r\n'));
  const all = expandOccurrences(ics, new Date('2026-06-01'), new Date('2026-07-01'));
  assert.deepEqual(all.map((o) => new Date(o.start).toISOString().slice(5, 10)), ['06-01', '06-02', '06-05', '06-10']);
  const june4 = expandOccurrences(ics, new Date('2026-06-04'), new Date('2026-06-05'));
  assert.equal(june4.length, 0);
  assert.equal(overlapsRange(ics, new Date('2026-06-10T10:30:00Z'), new Date('2026-06-10T10:31:00Z')), true);
  assert.equal(overlapsRange(ics, new Date('2026-06-03T00:00:00Z'), new Date('2026-06-04T00:00:00Z')), false);
});

test('RFC 4791 §9.9 rules', () => {
  const r = (s: string, e: string) => [new Date(s), new Date(e)] as const;
  // VEVENT without DTEND: an instant, [start, end) must contain it.
  const inst = cal(ev('DTSTART:20260601T100000Z\r\n'));
  assert.equal(overlapsRange(inst, ...r('2026-06-01T10:00:00Z', '2026-06-01T10:01:00Z')), true);
  assert.equal(overlapsRange(inst, ...r('2026-06-01T09:00:00Z', '2026-06-01T10:00:00Z')), false);
  // All-day without DTEND lasts one day.
  const day = cal(ev('DTSTART;VALUE=DATE:20260601\r\n'));
  assert.equal(overlapsRange(day, ...r('2026-06-01T23:00:00Z', '2026-06-02T00:00:00Z')), true);
  assert.equal(overlapsRange(day, ...r('2026-06-02T00:00:00Z', '2026-06-03T00:00:00Z')), false);
  // End is exclusive.
  const timed = cal(ev('DTSTART:20260601T100000Z\r\nDTEND:20260601T110000Z\r\n'));
  assert.equal(overlapsRange(timed, ...r('2026-06-01T11:00:00Z', '2026-06-01T12:00:00Z')), false);
  // VTODO: DUE only, none, COMPLETED only.
  const todo = (p: string) => cal(`BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\n${p}END:VTODO\r\n`);
  assert.equal(overlapsRange(todo('DUE:20260601T100000Z\r\n'), ...r('2026-06-01T09:00:00Z', '2026-06-01T10:00:00Z')), true);
  assert.equal(overlapsRange(todo('DUE:20260601T100000Z\r\n'), ...r('2026-06-01T10:00:00Z', '2026-06-01T11:00:00Z')), false);
  assert.equal(overlapsRange(todo(''), ...r('2000-01-01', '2000-01-02')), true);
  assert.equal(overlapsRange(todo('COMPLETED:20260601T100000Z\r\n'), ...r('2026-06-01T10:00:00Z', '2026-06-01T10:00:01Z')), true);
});

test('raw tree is lossless', () => {
  for (const f of ['apple-recurring-berlin.ics', 'google-meeting-newyork.ics', 'outlook-allday-sydney.ics', 'apple-contact.vcf', 'google-contact-v4.vcf']) {
    const text = fixture(f);
    assert.equal(serializeRaw(parseRaw(text)), text);
    const crlf = text.replace(/\n/g, '\r\n');
    assert.equal(serializeRaw(parseRaw(crlf)), crlf);
  }
});

test('patch keeps unknown params on a changed known param, replaces values, adds and removes', () => {
  const stored = cal(ev('SUMMARY;X-FOO=bar:Old\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;X-NUM-GUESTS=0;SCHEDULE-STATUS=1.1:mailto:a@x.org\r\nLOCATION:Gone\r\nX-KEEP;X-P="a:b":value\r\n'));
  const desired = cal(ev('SUMMARY:New\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:A@x.org\r\nDESCRIPTION:added\r\n'));
  const out = patchObject(stored, desired, { managed: { VEVENT: ['SUMMARY', 'ATTENDEE', 'LOCATION', 'DESCRIPTION'] } }).replace(/\r\n[ \t]/g, '');
  assert.match(out, /\r\nSUMMARY:New\r\n/);
  assert.match(out, /ATTENDEE;PARTSTAT=ACCEPTED;X-NUM-GUESTS=0;SCHEDULE-STATUS=1\.1:mailto:a@x\.org/);
  assert.ok(!out.includes('LOCATION'));
  assert.match(out, /DESCRIPTION:added/);
  assert.match(out, /X-KEEP;X-P="a:b":value/);
  // Unchanged desired = byte-identical output.
  assert.equal(patchObject(stored, stored, { managed: { VEVENT: ['SUMMARY', 'ATTENDEE', 'LOCATION'] } }), stored);
});
