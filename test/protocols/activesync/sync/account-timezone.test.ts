/**
 * The account's time zone (setting 'timezone', an IANA name) places floating times and all-day
 * dates; an all-day event a phone sends with its own Timezone is dated in that zone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { childText, el } from '../../../../protocols/activesync/wbxml/types.js';
import { decodeTimeZone, encodeTimeZone, timeZoneFromIana } from '../../../../protocols/activesync/convert/timezone.js';
import { ITEM_CLASSES } from '../../../../protocols/activesync/sync/classes.js';
import { makeHarness, type Harness } from '../harness.js';
import { appData, AS, collection, phone, primed, responses, serverIdOf, sync } from './helpers.js';

const CAL = 'Calendar';
const ics = (uid: string, props: string) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20250101T000000Z\r\n${props}SUMMARY:${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

describe('Sync: the account time zone', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    const a = await h.addUser('tz@example.com', 'tz-pass-1');
    await h.ctx.store.setSetting(a.id, 'timezone', 'Europe/Berlin');
  });
  after(() => h.close());

  it('floating and all-day stored events are sent in the account zone; phone all-day events are dated in their own zone, else the account zone', async () => {
    const store = h.ctx.store;
    const p = await phone(h, 'tz@example.com', 'tz-pass-1', 'TZPHONE1', '14.1');
    const cal = p.folders['8'];
    const floating = await store.createItem({ folderId: Number(cal), name: 'floating.ics', ...ITEM_CLASSES.Calendar.fields(ics('floating', 'DTSTART:20261201T100000\r\nDTEND:20261201T110000\r\n')) });
    const allDay = await store.createItem({ folderId: Number(cal), name: 'allday.ics', ...ITEM_CLASSES.Calendar.fields(ics('allday', 'DTSTART;VALUE=DATE:20261202\r\nDTEND;VALUE=DATE:20261203\r\n')) });
    const { key, items } = await primed(p, cal);
    const byId = new Map(items.map((x) => [serverIdOf(x), appData(x)]));
    const f = byId.get(`${cal}:${floating.id}`)!;
    assert.equal(childText(f, 'StartTime', CAL), '20261201T090000Z', '10:00 in Berlin (UTC+1)');
    assert.equal(decodeTimeZone(childText(f, 'Timezone', CAL)!).bias, -60);
    const d = byId.get(`${cal}:${allDay.id}`)!;
    assert.equal(childText(d, 'StartTime', CAL), '20261201T230000Z', 'local midnight in Berlin');
    assert.equal(childText(d, 'AllDayEvent', CAL), '1');

    const add = (clientId: string, start: string, end: string, tz?: string) => el(AS, 'Add', [el(AS, 'ClientId', clientId), el(AS, 'ApplicationData', [
      ...(tz ? [el(CAL, 'Timezone', tz)] : []), el(CAL, 'AllDayEvent', '1'), el(CAL, 'StartTime', start), el(CAL, 'EndTime', end), el(CAL, 'Subject', clientId),
    ])]);
    const ny = encodeTimeZone(timeZoneFromIana('America/New_York', 2026));
    const r = await sync(p, { key, id: cal, getChanges: false, commands: [
      add('in-ny', '20261205T050000Z', '20261206T050000Z', ny),
      add('no-tz', '20261206T230000Z', '20261207T230000Z'),
    ] });
    const c = collection(r.doc, cal);
    const stored = async (i: number) => (await store.getItem(Number(childText(responses(c, 'Add')[i], 'ServerId', AS)!.split(':')[1])))!.content!;
    assert.match(await stored(0), /DTSTART;VALUE=DATE:20261205\r\n/);
    assert.match(await stored(1), /DTSTART;VALUE=DATE:20261207\r\n/, 'no Timezone: the account zone dates it');
  });
});
