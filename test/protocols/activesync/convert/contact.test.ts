import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';
import { easContactToVCard, easDateOnly, vcardToEasContact } from '../../../../protocols/activesync/convert/contact.js';
import { extractContactFields } from '../../../../src/pim/extract.js';
import { PimParseError } from '../../../../src/pim/errors.js';
import { flatten } from './helpers.js';

const C = 'Contacts';
const C2 = 'Contacts2';
const fixture = (name: string) => readFileSync(new URL(`../../../../fixtures/pim/${name}`, import.meta.url), 'utf8');
const o = { protocolVersion: '14.1' };

const FULL: WbxmlElement[] = [
  el(C, 'FileAs', 'Doe, Jane'), el(C, 'FirstName', 'Jane'), el(C, 'LastName', 'Doe'), el(C, 'MiddleName', 'Q'), el(C, 'Suffix', 'PhD'), el(C, 'Title', 'Dr.'),
  ...['BusinessPhoneNumber', 'Business2PhoneNumber', 'HomePhoneNumber', 'Home2PhoneNumber', 'MobilePhoneNumber', 'CarPhoneNumber', 'PagerNumber', 'RadioPhoneNumber',
    'BusinessFaxNumber', 'HomeFaxNumber', 'AssistantPhoneNumber'].map((t, i) => el(C, t, `+49 30 ${1000 + i}`)),
  el(C2, 'CompanyMainPhone', '+49 30 2000'), el(C2, 'MMS', '+49 30 2001'),
  el(C, 'Email1Address', '"Jane Doe" <jane@example.com>'), el(C, 'Email2Address', 'jd@work.example'), el(C, 'Email3Address', 'j@three.example'),
  el(C, 'BusinessAddressStreet', 'Unter den Linden 1'), el(C, 'BusinessAddressCity', 'Berlin'), el(C, 'BusinessAddressPostalCode', '10117'), el(C, 'BusinessAddressCountry', 'Germany'),
  el(C, 'HomeAddressStreet', 'Home St 2\nFlat 3'), el(C, 'HomeAddressCity', 'Potsdam'), el(C, 'HomeAddressState', 'BB'),
  el(C, 'OtherAddressCity', 'Hamburg'),
  el(C, 'CompanyName', 'ACME; Inc'), el(C, 'Department', 'R&D'), el(C, 'JobTitle', 'Engineer'), el(C, 'OfficeLocation', '4.12'),
  el(C, 'Birthday', '1985-03-14T00:00:00.000Z'), el(C, 'Anniversary', '2010-06-11T22:00:00.000Z'),
  el(C, 'Categories', [el(C, 'Category', 'Friends'), el(C, 'Category', 'VIP, gold')]), el(C, 'Children', [el(C, 'Child', 'Tim'), el(C, 'Child', 'Ann')]),
  el(C, 'Spouse', 'John'), el(C, 'WebPage', 'https://jane.example'), el(C, 'AssistantName', 'Max'),
  el(C2, 'NickName', 'JD'), el(C2, 'IMAddress', 'xmpp:jane@chat.example'), el(C2, 'IMAddress2', 'jane.skype'), el(C2, 'ManagerName', 'Boss'),
  el(C2, 'CustomerId', 'C-1'), el(C2, 'GovernmentId', 'G-2'), el(C2, 'AccountName', 'A-3'),
  el(C, 'Picture', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]).toString('base64')),
  el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'Line 1\r\nLine 2')]),
];

/** What a server sends back: normalised address form, Body with size, the birthday as midnight UTC. */
function expectedBack(items: WbxmlElement[]): string[] {
  return flatten(items.map((e) => {
    if (e.tag === 'Email1Address') return el(C, 'Email1Address', 'jane@example.com');
    if (e.tag === 'Anniversary') return el(C, 'Anniversary', '2010-06-12T00:00:00.000Z');
    if (e.tag === 'Body') return el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '14'), el('AirSyncBase', 'Data', 'Line 1\r\nLine 2')]);
    return e;
  }));
}

for (const version of ['3.0', '4.0'] as const) {
  test(`every contact field round-trips through vCard ${version}`, () => {
    const vcf = easContactToVCard(FULL, undefined, { version });
    assert.match(vcf, new RegExp(`VERSION:${version}`));
    const f = extractContactFields(vcf);
    assert.equal(f.version, version);
    assert.deepEqual(f.email, ['jane@example.com', 'jd@work.example', 'j@three.example']);
    assert.deepEqual(flatten(vcardToEasContact(vcf, o)), expectedBack(FULL));
  });
}

test('new contacts are vCard 3.0; dates are VALUE=DATE', () => {
  const vcf = easContactToVCard(FULL);
  assert.match(vcf, /VERSION:3\.0/);
  assert.match(vcf, /BDAY;VALUE=date:1985-03-14/);
  assert.match(vcf, /X-ANNIVERSARY;VALUE=date:2010-06-12/);
});

test('date-only: UTC midnight and local-midnight-shifted instants give the same date', () => {
  for (const s of ['1985-03-14T00:00:00.000Z', '1985-03-13T22:00:00.000Z', '1985-03-14T05:00:00.000Z', '1985-03-13T23:00:00Z', '19850314T000000Z']) {
    assert.deepEqual(easDateOnly(s), { y: 1985, m: 3, d: 14 }, s);
  }
});

test('an EAS edit of an Apple vCard keeps its 3.0 form, groups, X- properties and unmapped phones', () => {
  const stored = fixture('apple-contact.vcf');
  const eas = vcardToEasContact(stored, o);
  const edited = eas.map((e) => (e.tag === 'JobTitle' ? el(C, 'JobTitle', 'Distinguished Engineer') : e));
  const out = easContactToVCard(edited, stored);
  const lines = (s: string) => s.split(/\r?\n/);
  const added = lines(out).filter((l) => !lines(stored).includes(l));
  const removed = lines(stored).filter((l) => !lines(out).includes(l));
  assert.deepEqual(added, ['TITLE:Distinguished Engineer']);
  assert.deepEqual(removed, ['TITLE:Principal Engineer']);
});

test('vCard 4.0 from Google converts and keeps 4.0 on edit', () => {
  const stored = fixture('google-contact-v4.vcf');
  const eas = flatten(vcardToEasContact(stored, o));
  assert.ok(eas.includes('Contacts:Birthday=1990-07-04T00:00:00.000Z'));
  assert.ok(eas.includes('Contacts:Anniversary=2010-06-12T00:00:00.000Z'));
  assert.ok(eas.includes('Contacts:MobilePhoneNumber=+34-600-123-456'));
  const out = easContactToVCard(vcardToEasContact(stored, o).concat([el(C, 'JobTitle', 'Chef')]), stored);
  assert.match(out, /VERSION:4\.0/);
  assert.match(out, /X-GOOGLE-LABEL:Friends/);
  assert.match(out, /TITLE:Chef/);
});

test('body preference truncates notes', () => {
  const vcf = easContactToVCard([el(C, 'FirstName', 'A'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'äöü long note')])]);
  const body = vcardToEasContact(vcf, { protocolVersion: '14.1', bodyPreference: { type: 1, truncationSize: 5 } }).find((e) => e.tag === 'Body')!;
  assert.deepEqual(flatten(body.children), ['AirSyncBase:Data=äö', 'AirSyncBase:EstimatedDataSize=16', 'AirSyncBase:Truncated=1', 'AirSyncBase:Type=1']);
});

test('malformed contacts raise PimParseError', () => {
  assert.throws(() => easContactToVCard([el(C, 'Birthday', '14.03.1985')]), PimParseError);
  for (const bad of ['', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR', '\u0000\u0001']) {
    assert.throws(() => vcardToEasContact(bad, o), PimParseError, JSON.stringify(bad));
    assert.throws(() => extractContactFields(bad), PimParseError);
  }
});
