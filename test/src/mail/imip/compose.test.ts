/**
 * The iMIP message as it leaves (RFC 6047 §2.4), read back by mailparser and by Hearth's own MIME
 * parser: the alternative text/calendar part with the method parameter, the application/ics
 * attachment, From the sender, a Message-ID, a subject that says what happened.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { composeImip } from '../../../../src/mail/imip/compose.js';
import { parseMessage } from '../../../../src/mail/parse.js';
import { allParts } from '../../../../src/mail/mime-parts.js';

const ics = (method: string, partstat = 'NEEDS-ACTION') =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//t//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    'UID:u-1@hearth.test',
    'DTSTAMP:20261201T090000Z',
    'DTSTART:20261215T140000Z',
    'DTEND:20261215T150000Z',
    'SUMMARY:Réunion budget',
    'LOCATION:Room 4',
    'ORGANIZER:mailto:org@hearth.test',
    `ATTENDEE;PARTSTAT=${partstat}:mailto:ext@remote.example`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

for (const [method, from, partstat, subject] of [
  ['REQUEST', 'org@hearth.test', 'NEEDS-ACTION', 'Invitation: Réunion budget'],
  ['REPLY', 'ext@remote.example', 'DECLINED', 'Declined: Réunion budget'],
  ['CANCEL', 'org@hearth.test', 'NEEDS-ACTION', 'Cancelled: Réunion budget'],
] as const) {
  test(`${method}: multipart/alternative text + text/calendar;method=${method}, plus application/ics`, async () => {
    const to = method === 'REPLY' ? 'org@hearth.test' : 'ext@remote.example';
    const raw = await composeImip({ from, to: [to], method, ics: ics(method, partstat) }, 'mail.hearth.test');
    const mail = await simpleParser(raw);
    assert.equal(mail.from?.value[0].address, from);
    assert.equal(mail.subject, subject);
    assert.match(mail.messageId ?? '', /^<imip-[0-9a-f-]{36}@mail\.hearth\.test>$/);
    assert.match(mail.text ?? '', /Réunion budget/);
    assert.match(mail.text ?? '', /Where: Room 4/);
    const cal = mail.attachments.find((a) => a.contentType === 'text/calendar')!;
    assert.equal(cal.content.toString('utf8'), ics(method, partstat), 'the iTIP object byte for byte');
    const ics2 = mail.attachments.find((a) => a.contentType === 'application/ics')!;
    assert.equal(ics2.content.toString('utf8'), ics(method, partstat));
    // The tree Hearth stores for it: the calendar part is an alternative with charset and method.
    const tree = (await parseMessage(raw)).mime;
    const parts = allParts(tree);
    const alt = parts.find((p) => p.type === 'multipart' && p.subtype === 'alternative')!;
    const calPart = alt.children!.find((p) => p.subtype === 'calendar')!;
    assert.equal(calPart.params.method, method);
    assert.equal(calPart.params.charset.toLowerCase(), 'utf-8');
    assert.equal(alt.children![0].subtype, 'plain');
  });
}
