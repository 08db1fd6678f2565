/**
 * Meetings on PostgreSQL: an outside invitation over SMTP becomes a tentative event and a
 * MeetingRequest; accepting it replies through the queue to the remote MX; an organizer inside
 * Hearth (CalDAV) sees a phone's decline on its copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { child, childText, children, el } from '../../../../protocols/activesync/wbxml/types.js';
import { appData, primed, serverIdOf } from '../sync/helpers.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/stores.js';
import { meetingHarness } from './harness.js';

const PW = 'Secret-pass-1';
const MR = 'MeetingResponse';
const ics = (uid: string, organizer: string, attendee: string) => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T090000Z',
  'DTSTART:20261215T140000Z', 'DTEND:20261215T150000Z', 'SUMMARY:PG meeting', `ORGANIZER:mailto:${organizer}`,
  `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${attendee}`, 'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n');

test('meetings over ActiveSync on PostgreSQL', { skip: (await postgresSkipReason()) ?? false }, async () => {
  const db = await freshPostgresUrl();
  const m = await meetingHarness(db.url);
  try {
    await m.h.addUser('ann@example.test', PW);
    await m.h.addUser('org@example.test', PW);
    await m.smtp({ from: 'boss@remote.example', to: 'ann@example.test', subject: 'Invitation: PG', text: 'x', icalEvent: { method: 'REQUEST', content: ics('pg-1@remote.example', 'boss@remote.example', 'ann@example.test') } });
    const p = await m.phone('ann@example.test', PW, 'PGMEET1', '16.1');
    const { items } = await primed(p, p.folders['2']);
    const add = items.find((i) => childText(appData(i), 'Subject', 'Email') === 'Invitation: PG')!;
    assert.ok(child(appData(add), 'MeetingRequest', 'Email'));
    const r = await p.dev.send('MeetingResponse', el(MR, 'MeetingResponse', [el(MR, 'Request', [
      el(MR, 'UserResponse', '1'), el(MR, 'CollectionId', p.folders['2']), el(MR, 'RequestId', serverIdOf(add)), el(MR, 'SendResponse'),
    ])]));
    assert.equal(childText(children(r.doc!, 'Result', MR)[0], 'Status', MR), '1');
    await m.flush();
    assert.equal(m.remote.received.filter((x) => x.bytes.includes('pg-1@remote.example') && x.bytes.includes('method=REPLY')).length, 1);

    const org = (await m.h.store.getAccount('org@example.test'))!;
    const orgCal = (await m.h.store.findFolderByRole(org.id, 'calendar'))!;
    const put = await m.dav('org@example.test', PW, 'PUT', `/dav/calendars/org@example.test/${orgCal.id}/pg.ics`,
      ics('pg-2@example.test', 'org@example.test', 'ann@example.test').replace('METHOD:REQUEST\r\n', ''), { 'content-type': 'text/calendar' });
    assert.equal(put.status, 201);
    const calId = p.folders['8'];
    const { items: events } = await primed(p, calId);
    const ev = events.find((e) => childText(appData(e), 'Subject', 'Calendar') === 'PG meeting' && childText(appData(e), 'OrganizerEmail', 'Calendar') === 'org@example.test')!;
    const d = await p.dev.send('MeetingResponse', el(MR, 'MeetingResponse', [el(MR, 'Request', [
      el(MR, 'UserResponse', '3'), el(MR, 'CollectionId', calId), el(MR, 'RequestId', serverIdOf(ev)), el(MR, 'SendResponse'),
    ])]));
    assert.equal(childText(children(d.doc!, 'Result', MR)[0], 'Status', MR), '1');
    const copy = await m.dav('org@example.test', PW, 'GET', `/dav/calendars/org@example.test/${orgCal.id}/pg.ics`);
    assert.match(copy.body.replace(/\r\n /g, ''), /PARTSTAT=DECLINED[^\r\n]*:mailto:ann@example\.test/);
  } finally {
    await m.close();
    await db.drop();
  }
});
