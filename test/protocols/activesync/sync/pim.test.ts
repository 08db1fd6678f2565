/**
 * Calendar, tasks and notes over Sync, FilterType, and the cross-protocol contract: what a phone
 * adds is an object CalDAV serves as is; what is written to the store (as CalDAV does) reaches the phone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { encodeTimeZone, timeZoneFromIana } from '../../../../protocols/activesync/convert/timezone.js';
import { compactUtc } from '../../../../protocols/activesync/convert/util.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import { appData, AS, collection, commands, keyOf, phone, type Phone, primed, responses, serverIdOf, statusOf, sync, vevent } from './helpers.js';

const CAL = 'Calendar';
const T = 'Tasks';
const N = 'Notes';
const DAY = 86_400_000;

describe('Sync: calendar, tasks, notes', () => {
  let h: Harness;
  let p: Phone;
  let cal: number;
  let tasks: number;
  let notes: number;
  before(async () => {
    h = await makeHarness();
    await h.addUser('cal@example.com', 'cal-pass-1');
    p = await phone(h, 'cal@example.com', 'cal-pass-1', 'CALPHONE1', '16.1');
    cal = Number(p.folders['8']);
    tasks = Number(p.folders['7']);
    notes = Number(p.folders['10']);
  });
  after(() => h.close());

  it('an event added on the phone is an iCalendar object CalDAV serves: ical.js parses it, fields are indexed', async () => {
    const { key } = await primed(p, String(cal));
    const start = Date.UTC(2026, 10, 27, 9, 0, 0);
    const r = await sync(p, { key, id: String(cal), getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'e1'), el(AS, 'ApplicationData', [
      el(CAL, 'Timezone', encodeTimeZone(timeZoneFromIana('Europe/Berlin', 2026))), el(CAL, 'AllDayEvent', '0'), el(CAL, 'BusyStatus', '2'),
      el(CAL, 'DtStamp', '20261120T080000Z'), el(CAL, 'EndTime', compactUtc(start + 3_600_000)), el(CAL, 'StartTime', compactUtc(start)),
      el(CAL, 'Subject', 'Planning / Q4'), el(CAL, 'MeetingStatus', '0'),
    ])])] });
    const c = collection(r.doc, String(cal));
    const add = responses(c, 'Add')[0];
    assert.equal(childText(add, 'Status', AS), '1');
    const item = (await h.ctx.store.getItem(Number(childText(add, 'ServerId', AS)!.split(':')[1])))!;
    const root = new ICAL.Component(ICAL.parse(item.content!) as unknown[]);
    const ev = root.getFirstSubcomponent('vevent')!;
    assert.equal(ev.getFirstPropertyValue('summary'), 'Planning / Q4');
    assert.equal(item.componentType, 'VEVENT');
    assert.equal(item.summary, 'Planning / Q4');
    assert.equal(item.startAt, start);
    assert.equal(item.endAt, start + 3_600_000);
    assert.equal(item.recurring, false);
    assert.equal(item.uid, ev.getFirstPropertyValue('uid'));
    assert.equal(item.name, `${item.uid!.replace(/[^A-Za-z0-9._@+=-]/g, '_')}.ics`);
    assert.match(item.contentType!, /^text\/calendar; charset=utf-8; component=vevent$/);
  });

  it('an event written to the store (as CalDAV does) reaches the phone; a VTODO in the calendar does not', async () => {
    const store = h.ctx.store;
    const r0 = await sync(p, { key: '0', id: String(cal) });
    let key = keyOf(collection(r0.doc, String(cal)));
    const r1 = await sync(p, { key, id: String(cal) });
    key = keyOf(collection(r1.doc, String(cal)));
    const ics = vevent('dav-1@example.com', 'From CalDAV', new Date(Date.UTC(2026, 11, 1, 10)), 2, 'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n');
    const davItem = await store.createItem({ folderId: cal, name: 'dav-1.ics', ...ITEM_CLASSES.Calendar.fields(ics) });
    const todo = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:todo-in-cal\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Not an event\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
    await store.createItem({ folderId: cal, name: 'todo.ics', ...ITEM_CLASSES.Tasks.fields(todo) });
    const r = await sync(p, { key, id: String(cal) });
    const c = collection(r.doc, String(cal));
    const adds = commands(c, 'Add');
    assert.deepEqual(adds.map(serverIdOf), [`${cal}:${davItem.id}`]);
    assert.equal(childText(appData(adds[0]), 'Subject', CAL), 'From CalDAV');
    key = keyOf(c);
    // The phone edits the time: the X- property CalDAV clients wrote survives.
    const data = appData(adds[0]).children.map((x) => (x.tag === 'Subject' ? el(CAL, 'Subject', 'Edited on phone') : x));
    const r2 = await sync(p, { key, id: String(cal), commands: [el(AS, 'Change', [el(AS, 'ServerId', serverIdOf(adds[0])), el(AS, 'ApplicationData', data)])] });
    assert.equal(statusOf(collection(r2.doc, String(cal))), '1');
    const after = (await store.getItem(davItem.id))!;
    assert.match(after.content!, /X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC/);
    assert.match(after.content!, /SUMMARY:Edited on phone/);
    assert.equal(after.summary, 'Edited on phone');
    assert.equal(after.name, 'dav-1.ics', 'the resource keeps its name');
  });

  it('calendar FilterType: two weeks back leaves old events out; widening to all sends only the old ones', async () => {
    const store = h.ctx.store;
    const f = await store.createFolder({ accountId: (await store.getAccount('cal@example.com'))!.id, name: 'Filtered', kind: 'calendar' });
    const now = Date.now();
    const old = await store.createItem({ folderId: f.id, name: 'old.ics', ...ITEM_CLASSES.Calendar.fields(vevent('old', 'Old', new Date(now - 60 * DAY))) });
    const recent = await store.createItem({ folderId: f.id, name: 'recent.ics', ...ITEM_CLASSES.Calendar.fields(vevent('recent', 'Recent', new Date(now - 3 * DAY))) });
    const id = String(f.id);
    const twoWeeks = [el(AS, 'FilterType', '4')];
    const { key, items } = await primed(p, id, twoWeeks);
    assert.deepEqual(items.map(serverIdOf), [`${f.id}:${recent.id}`]);
    const r = await sync(p, { key, id, options: [el(AS, 'FilterType', '0')] });
    const c = collection(r.doc, id);
    assert.deepEqual(commands(c).map((x) => [x.tag, serverIdOf(x)]), [['Add', `${f.id}:${old.id}`]]);
    // Narrowing again soft-deletes the old one.
    const r2 = await sync(p, { key: keyOf(c), id, options: twoWeeks });
    assert.deepEqual(commands(collection(r2.doc, id)).map((x) => [x.tag, serverIdOf(x)]), [['SoftDelete', `${f.id}:${old.id}`]]);
  });

  it('tasks: added on the phone as VTODO; FilterType 8 hides completed ones', async () => {
    const incomplete = [el(AS, 'FilterType', '8')];
    const { key } = await primed(p, String(tasks), incomplete);
    const r = await sync(p, { key, id: String(tasks), getChanges: false, options: incomplete, commands: [el(AS, 'Add', [el(AS, 'ClientId', 't1'), el(AS, 'ApplicationData', [
      el(T, 'Subject', 'Buy milk'), el(T, 'Importance', '1'), el(T, 'Complete', '0'),
      el(T, 'UtcDueDate', '2026-11-29T23:00:00.000Z'), el(T, 'DueDate', '2026-11-30T00:00:00.000Z'),
    ])])] });
    const c = collection(r.doc, String(tasks));
    const sid = childText(responses(c, 'Add')[0], 'ServerId', AS)!;
    const item = (await h.ctx.store.getItem(Number(sid.split(':')[1])))!;
    assert.equal(item.componentType, 'VTODO');
    assert.match(item.contentType!, /component=vtodo/);
    assert.ok(ICAL.parse(item.content!));
    const done = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:done-1\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Done already\r\nSTATUS:COMPLETED\r\nCOMPLETED:20250102T000000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
    const open = done.replace('done-1', 'open-1').replace('Done already', 'Still open').replace('STATUS:COMPLETED\r\nCOMPLETED:20250102T000000Z\r\n', 'STATUS:NEEDS-ACTION\r\n');
    await h.ctx.store.createItem({ folderId: tasks, name: 'done-1.ics', ...ITEM_CLASSES.Tasks.fields(done) });
    await h.ctx.store.createItem({ folderId: tasks, name: 'open-1.ics', ...ITEM_CLASSES.Tasks.fields(open) });
    const r2 = await sync(p, { key: keyOf(c), id: String(tasks), options: incomplete });
    const subjects = commands(collection(r2.doc, String(tasks)), 'Add').map((a) => childText(appData(a), 'Subject', T));
    assert.deepEqual(subjects, ['Still open']);
  });

  it('notes: added on the phone as VJOURNAL, sent back with Body honouring BodyPreference truncation', async () => {
    const bodyPref = [el('AirSyncBase', 'BodyPreference', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'TruncationSize', '5')])];
    const { key } = await primed(p, String(notes), bodyPref);
    const r = await sync(p, { key, id: String(notes), getChanges: false, commands: [el(AS, 'Add', [el(AS, 'ClientId', 'n1'), el(AS, 'ApplicationData', [
      el(N, 'Subject', 'Idea'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'A long body text')]),
    ])])] });
    const c = collection(r.doc, String(notes));
    const sid = childText(responses(c, 'Add')[0], 'ServerId', AS)!;
    const item = (await h.ctx.store.getItem(Number(sid.split(':')[1])))!;
    assert.equal(item.componentType, 'VJOURNAL');
    // A second phone sees the note with a truncated body and its real size.
    const p2 = await phone(h, 'cal@example.com', 'cal-pass-1', 'CALPHONE2', '14.1');
    const { items } = await primed(p2, String(notes), bodyPref);
    const body = appData(items[0]).children.find((x) => x.tag === 'Body')!;
    assert.equal(childText(body, 'Truncated', 'AirSyncBase'), '1');
    assert.equal(childText(body, 'EstimatedDataSize', 'AirSyncBase'), String(Buffer.byteLength('A long body text')));
    assert.equal(childText(body, 'Data', 'AirSyncBase'), 'A lon');
  });
});
