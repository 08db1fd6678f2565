/** Ghosted properties in the converters' patch path (convert/ghost.ts) and a contact Change of a phone number. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { el } from '../../../../protocols/activesync/wbxml/types.js';
import { easContactToVCard } from '../../../../protocols/activesync/convert/contact.js';
import { easEventToICal } from '../../../../protocols/activesync/convert/calendar.js';
import { CONTACT_GHOSTS } from '../../../../protocols/activesync/convert/contact.js';
import { ghostPlan } from '../../../../protocols/activesync/convert/ghost.js';

const C = 'Contacts';
const CARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:g-1\r\nFN:Ann Lee\r\nN:Lee;Ann;;Dr.;\r\nTEL;TYPE=CELL:+1 555 0001\r\nTEL;TYPE=HOME:+1 555 0002\r\nEMAIL;TYPE=INTERNET:ann@example.org\r\nEND:VCARD\r\n';

test('ContactChangeDuplicatedTel: a changed or dropped number replaces the stored line instead of adding beside it', () => {
  const out = easContactToVCard([el(C, 'FirstName', 'Ann'), el(C, 'LastName', 'Lee'), el(C, 'Title', 'Dr.'), el(C, 'MobilePhoneNumber', '+1 555 0009')], CARD);
  assert.deepEqual(out.match(/^TEL.*$/gm), ['TEL;TYPE=CELL:+1 555 0009']);
  assert.doesNotMatch(out, /EMAIL/);
});

test('no Supported: nothing ghosted; empty Supported: everything ghosted; partly ghosted groups take stored values', () => {
  const change = [el(C, 'FirstName', 'Ann')];
  assert.equal(ghostPlan(CONTACT_GHOSTS, change, undefined), null);
  const all = ghostPlan(CONTACT_GHOSTS, change, [])!;
  assert.ok(all.keepProps.has('TEL') && all.keepProps.has('EMAIL') && !all.keepProps.has('N'));
  assert.deepEqual([...all.inject].sort(), ['LastName', 'MiddleName', 'Suffix', 'Title']);
  // Empty Supported: only the first name changes; Title and LastName come from the stored N, the rest stays.
  const out = easContactToVCard(change, CARD, { supported: [] });
  assert.match(out, /\r\nN:Lee;Ann;;Dr\.;\r\n/);
  assert.match(out, /\r\nTEL;TYPE=CELL:\+1 555 0001\r\nTEL;TYPE=HOME:\+1 555 0002\r\nEMAIL;TYPE=INTERNET:ann@example.org\r\n/);
});

test('calendar: a ghosted Reminder keeps the stored VALARM; a managed one left out removes it', () => {
  const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:e-1\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:A\r\n' +
    'BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
  const change = [el('Calendar', 'Subject', 'B'), el('Calendar', 'StartTime', '20261201T100000Z'), el('Calendar', 'EndTime', '20261201T110000Z')];
  assert.match(easEventToICal(change, ics, { protocolVersion: '14.1', supported: ['Subject'] }), /BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT10M\r\nEND:VALARM/);
  assert.doesNotMatch(easEventToICal(change, ics, { protocolVersion: '14.1', supported: ['Subject', 'Reminder'] }), /VALARM/);
  assert.doesNotMatch(easEventToICal(change, ics, { protocolVersion: '14.1' }), /VALARM/);
});
