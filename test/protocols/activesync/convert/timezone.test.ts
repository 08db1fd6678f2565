import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTimeZone, encodeTimeZone, matchIanaZone, timeZoneFromIana, blobOffsetAt, vtimezoneFromBlob, sameRules } from '../../../../protocols/activesync/convert/timezone.js';
import { zoneFromBlob } from '../../../../protocols/activesync/convert/zone.js';
import { intlOffsetMinutes } from '../../../../src/pim/timezones.js';
import { PimParseError } from '../../../../src/pim/errors.js';
import { readAppData, readVector, vtzOffsets } from './helpers.js';

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Europe/London', 'America/Sao_Paulo', 'Pacific/Auckland', 'Asia/Tokyo'];
const samples = (year: number) => Array.from({ length: 24 }, (_, i) => Date.UTC(year, Math.floor(i / 2), i % 2 ? 28 : 2, 12));

for (const z of ZONES) {
  test(`TimeZone blob round-trips for ${z}`, () => {
    const tz = timeZoneFromIana(z, 2026);
    const b64 = encodeTimeZone(tz);
    assert.equal(Buffer.from(b64, 'base64').length, 172);
    const back = decodeTimeZone(b64);
    assert.deepEqual(back, { ...tz, standardName: tz.standardName.slice(0, 31), daylightName: tz.daylightName.slice(0, 31) });
    // The blob gives the zone's real offsets all year.
    for (const ms of samples(2026)) assert.equal(blobOffsetAt(back, ms), intlOffsetMinutes(z, ms), `${z} at ${new Date(ms).toISOString()}`);
    // And maps back to a zone with the same rules.
    const match = matchIanaZone(back, 2026);
    assert.ok(match);
    assert.ok(sameRules(timeZoneFromIana(match!, 2026), back));
    if (z !== 'America/Sao_Paulo') assert.equal(match, z === 'Asia/Kolkata' ? 'Asia/Kolkata' : z);
  });
}

test('Asia/Kolkata has no DST in the blob', () => {
  const tz = timeZoneFromIana('Asia/Kolkata', 2026);
  assert.equal(tz.bias, -330);
  assert.equal(tz.daylightDate.month, 0);
  assert.equal(tz.daylightBias, 0);
});

test('Australia/Sydney: southern hemisphere, DST spans the new year', () => {
  const tz = timeZoneFromIana('Australia/Sydney', 2026);
  assert.equal(tz.bias, -600);
  assert.equal(tz.daylightDate.month, 10);
  assert.equal(tz.standardDate.month, 4);
  assert.equal(blobOffsetAt(tz, Date.UTC(2026, 0, 15)), 660);
  assert.equal(blobOffsetAt(tz, Date.UTC(2026, 6, 15)), 600);
});

test('America/New_York blob uses the 2007 rules, 2006 the old ones', () => {
  assert.equal(timeZoneFromIana('America/New_York', 2026).daylightDate.month, 3);
  assert.equal(timeZoneFromIana('America/New_York', 2006).daylightDate.month, 4);
});

test('evolution timeZone vector (W. Europe rules, no names) maps to a zone with the same offsets', () => {
  const xml = readVector('Cal_Info_Translator/_Response/XML_Data/_XML_cal_info_translator_parse_response_timeZone.xml');
  const b64 = readAppData(xml, 'Calendar')[0].text!;
  const zone = zoneFromBlob(b64, Date.UTC(2011, 6, 11));
  assert.ok(zone.tzid);
  const expected = readVector('Cal_Info_Translator/_Response/VCalendar_Data/VCard_cal_info_translator_parse_response_timeZone.txt');
  const vtz = expected.slice(expected.indexOf('BEGIN:VTIMEZONE'), expected.indexOf('END:VTIMEZONE') + 13);
  const inst = samples(2011);
  assert.deepEqual(inst.map((ms) => zone.offsetAt(ms)), vtzOffsets(vtz, inst));
});

test('evolution request timeZone vector (GMT, Dublin rules, 1 AM switch) matches Europe/London or becomes its own VTIMEZONE', () => {
  const xml = readVector('Cal_Info_Translator/_Request/XML_Data/_XML_cal_info_translator_parse_request_timeZone.xml');
  const b64 = readAppData(xml, 'Calendar').find((e) => e.tag === 'Timezone')!.text!;
  const tz = decodeTimeZone(b64);
  assert.equal(tz.standardName, '(UTC) Greenwich Mean Time : Dub');
  const zone = zoneFromBlob(b64, Date.UTC(2011, 6, 1));
  for (const ms of samples(2011)) assert.equal(zone.offsetAt(ms), blobOffsetAt(tz, ms));
});

test('unmatched blob becomes a VTIMEZONE with the same offsets', () => {
  const tz = { ...timeZoneFromIana('Europe/Berlin', 2026), bias: -75, standardName: 'Odd Zone' };
  const text = vtimezoneFromBlob(tz, 'Odd Zone');
  assert.equal(matchIanaZone(tz, 2026), undefined);
  const zone = zoneFromBlob(encodeTimeZone(tz), Date.UTC(2026, 0, 1));
  assert.equal(zone.tzid, 'Odd Zone');
  const inst = samples(2026);
  assert.deepEqual(vtzOffsets(text, inst), inst.map((ms) => blobOffsetAt(tz, ms)));
});

test('malformed blobs raise PimParseError', () => {
  for (const bad of ['', 'AAAA', Buffer.alloc(171).toString('base64'), Buffer.alloc(172, 0xff).toString('base64')]) {
    assert.throws(() => decodeTimeZone(bad), PimParseError);
  }
});
