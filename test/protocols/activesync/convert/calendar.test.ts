import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { easEventToICal, icalToEasEvent } from '../../../../protocols/activesync/convert/calendar.js';
import { encodeTimeZone, timeZoneFromIana } from '../../../../protocols/activesync/convert/timezone.js';
import { PimParseError } from '../../../../src/pim/errors.js';
import { extractCalendarFields } from '../../../../src/pim/extract.js';
import { expandOccurrences } from '../../../../src/pim/recurrence.js';
import { flatten, parseIcs } from './helpers.js';

const C = 'Calendar';
const fixture = (name: string) => readFileSync(new URL(`../../../../fixtures/pim/${name}`, import.meta.url), 'utf8');
const opts = { protocolVersion: '14.1', userEmail: 'me@example.com' };

function event(extra: WbxmlElement[], zone = 'Europe/Berlin', start = '20261127T100000Z', end = '20261127T110000Z'): WbxmlElement[] {
  return [
    el(C, 'Timezone', encodeTimeZone(timeZoneFromIana(zone, 2026))), el(C, 'AllDayEvent', '0'), el(C, 'BusyStatus', '2'),
    el(C, 'DtStamp', '20261120T080000Z'), el(C, 'EndTime', end), el(C, 'Subject', 'Planning'), el(C, 'StartTime', start), el(C, 'UID', 'uid-1'),
    el(C, 'MeetingStatus', '0'), ...extra,
  ];
}

/** EAS -> iCal -> EAS gives the same elements. */
function roundTrip(app: WbxmlElement[], o = opts): void {
  const ics = easEventToICal(app, undefined, o);
  const back = icalToEasEvent(ics, o);
  assert.deepEqual(flatten(back), flatten(app), ics);
}

test('simple timed event round-trips', () => roundTrip(event([el(C, 'Location', 'Room 1'), el(C, 'Reminder', '15'), el(C, 'Sensitivity', '2')])));

test('busy status values round-trip', () => {
  for (const b of ['0', '1', '2', '3', '4']) roundTrip(event([]).map((e) => (e.tag === 'BusyStatus' ? el(C, 'BusyStatus', b) : e)));
});

test('sensitivity values round-trip', () => {
  for (const s of ['0', '1', '2', '3']) roundTrip(event([el(C, 'Sensitivity', s)]));
});

test('meeting with attendees round-trips (organizer is the user)', () => {
  roundTrip(event([
    el(C, 'OrganizerName', 'Me'), el(C, 'OrganizerEmail', 'me@example.com'),
    el(C, 'Attendees', [
      el(C, 'Attendee', [el(C, 'Email', 'bob@example.org'), el(C, 'Name', 'Bob'), el(C, 'AttendeeStatus', '3'), el(C, 'AttendeeType', '1')]),
      el(C, 'Attendee', [el(C, 'Email', 'room@example.org'), el(C, 'Name', 'Room'), el(C, 'AttendeeStatus', '0'), el(C, 'AttendeeType', '3')]),
      el(C, 'Attendee', [el(C, 'Email', 'carol@example.net'), el(C, 'Name', 'Carol'), el(C, 'AttendeeStatus', '4'), el(C, 'AttendeeType', '2')]),
    ]),
    el(C, 'Categories', [el(C, 'Category', 'Work'), el(C, 'Category', 'a, b')]),
  ]).map((e) => (e.tag === 'MeetingStatus' ? el(C, 'MeetingStatus', '1') : e)).concat([el(C, 'ResponseType', '1')]));
});

test('all-day event: DATE values in the event zone, midnight-to-midnight in EAS', () => {
  const app = event([], 'America/New_York', '20261127T050000Z', '20261128T050000Z').map((e) => (e.tag === 'AllDayEvent' ? el(C, 'AllDayEvent', '1') : e));
  const ics = easEventToICal(app);
  const ev = parseIcs(ics).getFirstSubcomponent('vevent')!;
  assert.equal(ev.getFirstProperty('dtstart')!.toICALString(), 'DTSTART;VALUE=DATE:20261127');
  assert.equal(ev.getFirstProperty('dtend')!.toICALString(), 'DTEND;VALUE=DATE:20261128');
  assert.equal(extractCalendarFields(ics).allDay, true);
  roundTrip(app, { ...opts, timezone: 'America/New_York' } as typeof opts);
});

const RECURRENCES: [string, WbxmlElement[], string][] = [
  ['daily', [el(C, 'Type', '0'), el(C, 'Occurrences', '5'), el(C, 'Interval', '2')], 'FREQ=DAILY;INTERVAL=2;COUNT=5'],
  ['daily on weekdays', [el(C, 'Type', '0'), el(C, 'Interval', '1'), el(C, 'DayOfWeek', '62')], 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR'],
  ['weekly', [el(C, 'Type', '1'), el(C, 'Interval', '1'), el(C, 'DayOfWeek', '42'), el(C, 'Until', '20270301T100000Z')], 'FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20270301T100000Z'],
  ['monthly by date', [el(C, 'Type', '2'), el(C, 'Occurrences', '10'), el(C, 'Interval', '1'), el(C, 'DayOfMonth', '27')], 'FREQ=MONTHLY;BYMONTHDAY=27;COUNT=10'],
  ['monthly nth weekday', [el(C, 'Type', '3'), el(C, 'Interval', '1'), el(C, 'WeekOfMonth', '4'), el(C, 'DayOfWeek', '32')], 'FREQ=MONTHLY;BYDAY=4FR'],
  ['monthly last weekday', [el(C, 'Type', '3'), el(C, 'Interval', '1'), el(C, 'WeekOfMonth', '5'), el(C, 'DayOfWeek', '62')], 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1'],
  ['monthly last day', [el(C, 'Type', '3'), el(C, 'Interval', '1'), el(C, 'WeekOfMonth', '5'), el(C, 'DayOfWeek', '127')], 'FREQ=MONTHLY;BYMONTHDAY=-1'],
  ['yearly by date', [el(C, 'Type', '5'), el(C, 'Interval', '1'), el(C, 'MonthOfYear', '11'), el(C, 'DayOfMonth', '27')], 'FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=27'],
  ['yearly nth weekday', [el(C, 'Type', '6'), el(C, 'Interval', '1'), el(C, 'WeekOfMonth', '4'), el(C, 'DayOfWeek', '16'), el(C, 'MonthOfYear', '11')], 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH'],
  ['weekly with first day of week', [el(C, 'Type', '1'), el(C, 'Interval', '2'), el(C, 'DayOfWeek', '32'), el(C, 'FirstDayOfWeek', '0')], 'FREQ=WEEKLY;BYDAY=FR;INTERVAL=2;WKST=SU'],
];

for (const [name, rec, rrule] of RECURRENCES) {
  test(`recurrence ${name}: EAS -> RRULE -> EAS`, () => {
    const app = event([el(C, 'Recurrence', rec)]);
    const ics = easEventToICal(app);
    const got = (parseIcs(ics).getFirstSubcomponent('vevent')!.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur>).toString();
    assert.deepEqual(got.split(';').sort(), rrule.split(';').sort());
    roundTrip(app);
  });
}

// WKST=MO is RFC 5545's default and ical.js drops it, so FirstDayOfWeek=1 comes back absent (same meaning).

test('exceptions both ways: deleted -> EXDATE, modified -> RECURRENCE-ID override', () => {
  const app = event([
    el(C, 'Recurrence', [el(C, 'Type', '1'), el(C, 'Occurrences', '10'), el(C, 'Interval', '1'), el(C, 'DayOfWeek', '32')]),
    el(C, 'Exceptions', [
      el(C, 'Exception', [el(C, 'Deleted', '1'), el(C, 'ExceptionStartTime', '20261204T100000Z')]),
      el(C, 'Exception', [el(C, 'ExceptionStartTime', '20261211T100000Z'), el(C, 'Subject', 'Moved'), el(C, 'StartTime', '20261211T130000Z'), el(C, 'EndTime', '20261211T140000Z'), el(C, 'Location', 'Elsewhere')]),
    ]),
  ]);
  const ics = easEventToICal(app);
  const cal = parseIcs(ics);
  const [master, override] = cal.getAllSubcomponents('vevent');
  assert.equal(master.getFirstProperty('exdate')!.toICALString(), 'EXDATE;TZID=Europe/Berlin:20261204T110000');
  assert.equal(override.getFirstProperty('recurrence-id')!.toICALString(), 'RECURRENCE-ID;TZID=Europe/Berlin:20261211T110000');
  assert.equal(override.getFirstPropertyValue('summary'), 'Moved');
  const occ = expandOccurrences(ics, new Date('2026-11-01'), new Date('2027-03-01'));
  assert.equal(occ.length, 9);
  assert.equal(occ.filter((o) => o.overridden).length, 1);
  roundTrip(app);
  // 16.x identifies exceptions by AirSyncBase:InstanceId and puts Location in AirSyncBase.
  const v16 = flatten(icalToEasEvent(ics, { ...opts, protocolVersion: '16.1' }));
  assert.ok(v16.some((e) => e.includes('AirSyncBase:InstanceId=20261211T100000Z')));
  assert.ok(v16.some((e) => e.includes('AirSyncBase:Location{AirSyncBase:DisplayName=Elsewhere}')));
});

test('16.x: AirSyncBase Location and ClientUid are read', () => {
  const app = event([el('AirSyncBase', 'Location', [el('AirSyncBase', 'DisplayName', 'Hall')]), el(C, 'ClientUid', 'client-1')]).filter((e) => e.tag !== 'UID');
  const ev = parseIcs(easEventToICal(app, undefined, { protocolVersion: '16.1' })).getFirstSubcomponent('vevent')!;
  assert.equal(ev.getFirstPropertyValue('location'), 'Hall');
  assert.equal(ev.getFirstPropertyValue('uid'), 'client-1');
});

test('an EAS edit keeps unknown X- properties and parameters byte for byte', () => {
  const stored = fixture('google-meeting-newyork.ics');
  const eas = icalToEasEvent(stored, { protocolVersion: '14.1', userEmail: 'alice@example.com' });
  const edited = eas.map((e) => (e.tag === 'Subject' ? el(C, 'Subject', 'Monthly review (new name)') : e));
  const out = easEventToICal(edited, stored, { protocolVersion: '14.1', userEmail: 'alice@example.com' });
  const crlfLines = (s: string) => s.split(/\r?\n/);
  for (const line of crlfLines(stored)) {
    if (line.startsWith('SUMMARY:')) continue;
    assert.ok(out.includes(line), `lost: ${line}`);
  }
  assert.ok(out.includes('SUMMARY:Monthly review (new name)'));
  // Nothing else changed: only SUMMARY differs.
  const diff = crlfLines(out).filter((l) => !crlfLines(stored).includes(l));
  assert.deepEqual(diff, ['SUMMARY:Monthly review (new name)']);
});

test('an EAS edit of an Apple event keeps X-APPLE properties, alarms and overrides', () => {
  const stored = fixture('apple-recurring-berlin.ics');
  const eas = icalToEasEvent(stored, opts);
  const edited = eas.map((e) => (e.tag === 'Reminder' ? el(C, 'Reminder', '10') : e.tag === 'Subject' ? el(C, 'Subject', 'Team sync!') : e));
  const out = easEventToICal(edited, stored, opts);
  for (const must of ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS="Alexanderplatz 1, 10178 Be', 'X-APPLE-DEFAULT-ALARM:TRUE', 'ATTACH;VALUE=URI:Chord', 'SEQUENCE:2', 'TZNAME:CEST', 'SUMMARY:Team sync (moved)']) {
    assert.ok(out.includes(must), `lost ${must}`);
  }
  assert.ok(out.includes('SUMMARY:Team sync!'));
  assert.equal(extractCalendarFields(out).recurring, true);
});

test('real-world fixtures convert to EAS', () => {
  const apple = flatten(icalToEasEvent(fixture('apple-recurring-berlin.ics'), opts));
  assert.ok(apple.includes('Calendar:Reminder=10'));
  assert.ok(apple.includes('Calendar:StartTime=20260112T083000Z'));
  assert.ok(apple.some((e) => e.startsWith('Calendar:Exceptions{') && e.includes('Deleted=1') && e.includes('Subject=Team sync (moved)')));
  const google = flatten(icalToEasEvent(fixture('google-meeting-newyork.ics'), { protocolVersion: '14.1', userEmail: 'bob@example.org' }));
  assert.ok(google.includes('Calendar:MeetingStatus=3'));
  assert.ok(google.includes('Calendar:ResponseType=5'));
  assert.ok(google.includes('Calendar:StartTime=20260310T180000Z'));
  assert.ok(google.some((e) => e.startsWith('Calendar:Recurrence{') && e.includes('Calendar:Type=3') && e.includes('WeekOfMonth=2') && e.includes('DayOfWeek=4')));
  const outlook = flatten(icalToEasEvent(fixture('outlook-allday-sydney.ics'), { ...opts, timezone: 'Australia/Sydney' }));
  assert.ok(outlook.includes('Calendar:AllDayEvent=1'));
  assert.ok(outlook.includes('Calendar:StartTime=20270125T130000Z'), outlook.join('\n'));
  assert.ok(outlook.includes('Calendar:BusyStatus=0'));
  assert.ok(outlook.includes('Calendar:Reminder=1080'));
});

test('malformed EAS input raises PimParseError, never anything else', () => {
  const bad: WbxmlElement[][] = [
    [el(C, 'StartTime', 'tomorrow')],
    [el(C, 'Timezone', 'not base64 at all!'), el(C, 'StartTime', '20261127T100000Z')],
    [el(C, 'StartTime', '20261127T100000Z'), el(C, 'Recurrence', [el(C, 'Type', 'x')])],
    [el(C, 'StartTime', '20261399T100000Z')],
  ];
  for (const app of bad) assert.throws(() => easEventToICal(app), PimParseError);
  for (const ics of ['', 'garbage', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n']) {
    assert.throws(() => icalToEasEvent(ics, opts), PimParseError);
  }
  assert.throws(() => easEventToICal([el(C, 'Subject', 'x')], 'BEGIN:VCARD\r\nEND:VCARD'), PimParseError);
});
