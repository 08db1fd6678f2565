import { test } from 'node:test';
import assert from 'node:assert/strict';
import { el } from '../../../../protocols/activesync/wbxml/types.js';
import { easTaskToICal, icalToEasTask } from '../../../../protocols/activesync/convert/task.js';
import { easNoteToICal, icalToEasNote } from '../../../../protocols/activesync/convert/note.js';
import { extractCalendarFields } from '../../../../src/pim/extract.js';
import { PimParseError } from '../../../../src/pim/errors.js';
import { flatten } from './helpers.js';

const T = 'Tasks';
const o = { protocolVersion: '14.1', timezone: 'Europe/Berlin' };

test('task round-trips: dates, importance, completion, reminder, categories, recurrence', () => {
  const app = [
    el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '4'), el('AirSyncBase', 'Data', 'Milk')]),
    el(T, 'Subject', 'Shopping'), el(T, 'Importance', '2'),
    el(T, 'UtcStartDate', '2026-11-26T23:00:00.000Z'), el(T, 'StartDate', '2026-11-27T00:00:00.000Z'),
    el(T, 'UtcDueDate', '2026-11-29T23:00:00.000Z'), el(T, 'DueDate', '2026-11-30T00:00:00.000Z'),
    el(T, 'Categories', [el(T, 'Category', 'Home')]),
    el(T, 'Recurrence', [el(T, 'Start', '2026-11-26T23:00:00.000Z'), el(T, 'Type', '1'), el(T, 'Interval', '1'), el(T, 'DayOfWeek', '2')]),
    el(T, 'Complete', '0'), el(T, 'Sensitivity', '0'), el(T, 'ReminderSet', '1'), el(T, 'ReminderTime', '2026-11-29T08:00:00.000Z'),
  ];
  const ics = easTaskToICal(app);
  assert.match(ics, /DUE;VALUE=DATE:20261130/);
  assert.match(ics, /PRIORITY:1/);
  assert.equal(extractCalendarFields(ics).componentType, 'VTODO');
  assert.deepEqual(flatten(icalToEasTask(ics, o)), flatten(app));
});

test('completed task', () => {
  const ics = easTaskToICal([el(T, 'Subject', 'Done'), el(T, 'Complete', '1'), el(T, 'DateCompleted', '2026-11-27T10:00:00.000Z')]);
  assert.match(ics, /STATUS:COMPLETED/);
  assert.match(ics, /COMPLETED:20261127T100000Z/);
  const back = flatten(icalToEasTask(ics, o));
  assert.ok(back.includes('Tasks:Complete=1') && back.includes('Tasks:DateCompleted=2026-11-27T10:00:00.000Z'));
});

test('task edit keeps X- properties', () => {
  const stored = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iOS 17//EN\r\nBEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Old\r\nX-APPLE-SORT-ORDER:42\r\nSTATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
  const out = easTaskToICal([el(T, 'Subject', 'New'), el(T, 'Complete', '0')], stored);
  assert.match(out, /X-APPLE-SORT-ORDER:42/);
  assert.match(out, /SUMMARY:New/);
  assert.match(out, /DTSTAMP:20261101T000000Z/);
});

test('note <-> VJOURNAL', () => {
  const N = 'Notes';
  const app = [el(N, 'Subject', 'Idea'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '7'), el('AirSyncBase', 'Data', 'a\r\nb, c')]),
    el(N, 'Categories', [el(N, 'Category', 'Work')]), el(N, 'MessageClass', 'IPM.StickyNote'), el(N, 'LastModifiedDate', '20261127T100000Z')];
  const ics = easNoteToICal(app);
  assert.match(ics, /BEGIN:VJOURNAL/);
  assert.equal(extractCalendarFields(ics).componentType, 'VJOURNAL');
  assert.deepEqual(flatten(icalToEasNote(ics, o)), flatten(app));
});

test('malformed tasks and notes raise PimParseError', () => {
  assert.throws(() => easTaskToICal([el(T, 'DueDate', 'soon')]), PimParseError);
  assert.throws(() => icalToEasTask('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR', o), PimParseError);
  assert.throws(() => icalToEasNote('nope', o), PimParseError);
});
