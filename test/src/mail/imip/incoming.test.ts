/**
 * Incoming iMIP at local delivery (src/mail/imip/incoming.ts through deliver()), on both store
 * backends: a REPLY from an outside attendee moves only that attendee's PARTSTAT on the
 * organizer's event (seen by change tracking), forged replies change nothing, REQUEST and CANCEL
 * land in the schedule inbox as well as the mail inbox, and hostile calendar parts never fail
 * delivery.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../../src/store/store.js';
import type { Account } from '../../../../src/model/types.js';
import { deliver } from '../../../../src/mail/deliver.js';
import { composeImip } from '../../../../src/mail/imip/compose.js';
import { calendarItemFields } from '../../../../src/pim/item.js';
import { storeFactories, type OpenedStore } from '../../../helpers/stores.js';

const env = { envelope: { mailFrom: 'ext@remote.example' } };
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, '');

/** The organizer's stored event: two outside attendees, neither has answered. */
const organizerEvent = (org: string, uid: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hearth test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261201T090000Z',
    'DTSTART:20261210T100000Z',
    'DTEND:20261210T110000Z',
    'SUMMARY:Planning',
    'X-KEEP-ME;X-PARAM=1:kept byte for byte',
    `ORGANIZER;CN=Org:mailto:${org}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${org}`,
    'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ext@remote.example',
    'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:other@remote.example',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** An attendee's REPLY (RFC 5546 §3.2.3): the organizer and the one replying attendee. */
const replyIcs = (org: string, uid: string, attendee: string, partstat: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261202T090000Z',
    'DTSTART:20261210T100000Z',
    'DTEND:20261210T110000Z',
    'SUMMARY:Planning',
    `ORGANIZER:mailto:${org}`,
    `ATTENDEE;PARTSTAT=${partstat}:mailto:${attendee}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

const requestIcs = (org: string, uid: string, attendee: string, method = 'REQUEST') =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261202T090000Z',
    'DTSTART:20261211T100000Z',
    'DTEND:20261211T110000Z',
    'SUMMARY:Outside meeting',
    `ORGANIZER:mailto:${org}`,
    `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${attendee}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** A hand-made message with one text/calendar part (for shapes MailComposer would not produce). */
const rawWithCalendar = (from: string, to: string, contentType: string, body: string, encoding = '7bit') =>
  Buffer.from(
    [
      `From: <${from}>`,
      `To: <${to}>`,
      'Subject: calendar',
      `Message-ID: <${Math.random().toString(36).slice(2)}@remote.example>`,
      'MIME-Version: 1.0',
      `Content-Type: ${contentType}`,
      `Content-Transfer-Encoding: ${encoding}`,
      '',
      body,
      '',
    ].join('\r\n'),
  );

for (const factory of await storeFactories()) {
  describe(`incoming iMIP (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });
    after(async () => {
      await opened?.dispose();
    });

    /** A fresh domain with an organizer whose calendar holds one scheduled event. */
    async function organizerWithEvent(): Promise<{ org: Account; uid: string; itemId: number; calId: number }> {
      const d = await store.createDomain({ name: `imip${++seq}.example` });
      const org = await store.createAccount({ domainId: d.id, email: `org@${d.name}` });
      const cal = (await store.findFolderByRole(org.id, 'calendar'))!;
      const uid = `planning-${seq}@${d.name}`;
      const text = organizerEvent(org.email, uid);
      const item = await store.createItem({
        folderId: cal.id,
        name: 'planning.ics',
        ...calendarItemFields(text),
        props: { scheduleTag: '"tag-1"' },
      });
      return { org, uid, itemId: item.id, calId: cal.id };
    }
    const eventText = async (id: number) => unfold((await store.getItem(id))!.content!);
    const scheduleInbox = async (a: Account) => {
      const f = await store.findFolderByRole(a.id, 'schedule-inbox');
      return f ? await store.listItems(f.id) : [];
    };
    const mailInbox = async (a: Account) => store.listMessages((await store.findFolderByRole(a.id, 'inbox'))!.id);

    it('a REPLY from an outside attendee sets that PARTSTAT only, keeps every other byte, and is seen by change tracking', async () => {
      const { org, uid, itemId, calId } = await organizerWithEvent();
      const before = (await store.getItem(itemId))!;
      const mark = await store.accountModseq(org.id);
      const bytes = await composeImip(
        { from: 'ext@remote.example', to: [org.email], method: 'REPLY', ics: replyIcs(org.email, uid, 'ext@remote.example', 'ACCEPTED') },
        'remote.example',
      );
      const r = await deliver(store, [org.email], bytes, env);
      assert.deepEqual(r.imip, [{ address: org.email, method: 'REPLY', result: 'applied' }]);
      const text = await eventText(itemId);
      assert.match(text, /ATTENDEE;RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:ext@remote\.example/);
      assert.match(text, /ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:other@remote\.example/);
      assert.equal(
        text,
        unfold(before.content!).replace('PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ext@', 'RSVP=TRUE;PARTSTAT=ACCEPTED:mailto:ext@'),
      );
      const after = (await store.getItem(itemId))!;
      assert.equal(after.props['scheduleTag'], '"tag-1"', 'a merged reply keeps the Schedule-Tag (RFC 6638 §3.2.10)');
      const changes = await store.changesSince(calId, mark);
      assert.deepEqual(
        changes.changed.map((i) => i.id),
        [itemId],
        'the calendar folder reports the change (Ping, sync-collection)',
      );
      assert.equal((await mailInbox(org)).length, 1, 'the reply stays in the mail inbox');
      assert.equal((await scheduleInbox(org)).length, 1, 'and waits in the schedule inbox');
    });

    it('an Outlook-shaped REPLY (base64 text/calendar, quoted charset, mixed-case mailto, display name in From) is applied', async () => {
      const { org, uid, itemId } = await organizerWithEvent();
      const ics = replyIcs(org.email, uid, 'Ext@Remote.Example', 'TENTATIVE').replace('mailto:Ext@', 'MAILTO:Ext@');
      const b64 = Buffer.from(ics).toString('base64').replace(/.{76}/g, '$&\r\n');
      const raw = Buffer.from(
        [
          'From: "Ext Person" <Ext@Remote.Example>',
          `To: <${org.email}>`,
          'Subject: Tentative: Planning',
          'Message-ID: <outlook-1@remote.example>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/alternative; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain; charset="utf-8"',
          '',
          'Tentative',
          '--b1',
          'Content-Type: text/calendar; charset="utf-8"; method=REPLY',
          'Content-Transfer-Encoding: base64',
          '',
          b64,
          '--b1--',
          '',
        ].join('\r\n'),
      );
      const r = await deliver(store, [org.email], raw, env);
      assert.deepEqual(r.imip, [{ address: org.email, method: 'REPLY', result: 'applied' }]);
      assert.match(await eventText(itemId), /ATTENDEE;RSVP=TRUE;PARTSTAT=TENTATIVE:mailto:ext@remote\.example/);
    });

    it('a forged REPLY changes nothing: From not an attendee, From answering for someone else, bad PARTSTAT', async () => {
      const { org, uid, itemId } = await organizerWithEvent();
      const before = (await store.getItem(itemId))!;
      const cases: [string, string, string, string][] = [
        ['mallory@evil.example', 'mallory@evil.example', 'ACCEPTED', 'sender is not an attendee'],
        ['mallory@evil.example', 'other@remote.example', 'DECLINED', 'sender is not the replying attendee'],
        ['ext@remote.example', 'other@remote.example', 'DECLINED', 'sender is not the replying attendee'],
        ['ext@remote.example', 'ext@remote.example', '"ACCEPTED;ROLE=CHAIR"', 'no valid PARTSTAT'],
      ];
      for (const [from, attendee, partstat, reason] of cases) {
        const bytes = await composeImip(
          { from, to: [org.email], method: 'REPLY', ics: replyIcs(org.email, uid, attendee, partstat) },
          'evil.example',
        );
        const r = await deliver(store, [org.email], bytes, { envelope: { mailFrom: from } });
        assert.equal(r.delivered.length, 1, 'the mail itself is delivered');
        assert.deepEqual(r.imip, [{ address: org.email, method: 'REPLY', result: 'ignored', reason }], `${from} for ${attendee}`);
      }
      const after = (await store.getItem(itemId))!;
      assert.equal(after.content, before.content);
      assert.equal(after.modseq, before.modseq);
      assert.equal((await scheduleInbox(org)).length, 0);
    });

    it('a REPLY to someone who is not the organizer, or for an unknown UID, changes nothing', async () => {
      const { org, uid, itemId } = await organizerWithEvent();
      const other = await store.createAccount({ domainId: org.domainId, email: `other@${org.email.split('@')[1]}` });
      const before = (await store.getItem(itemId))!;
      const toOther = await composeImip(
        { from: 'ext@remote.example', to: [other.email], method: 'REPLY', ics: replyIcs(org.email, uid, 'ext@remote.example', 'ACCEPTED') },
        'remote.example',
      );
      assert.equal((await deliver(store, [other.email], toOther, env)).imip[0].reason, 'recipient is not the organizer');
      const unknown = await composeImip(
        {
          from: 'ext@remote.example',
          to: [org.email],
          method: 'REPLY',
          ics: replyIcs(org.email, 'no-such-uid', 'ext@remote.example', 'ACCEPTED'),
        },
        'remote.example',
      );
      assert.equal((await deliver(store, [org.email], unknown, env)).imip[0].reason, 'no such event');
      assert.equal((await store.getItem(itemId))!.modseq, before.modseq);
    });

    it('a REQUEST and a CANCEL from outside land in the schedule inbox and stay in the mail inbox; the event is tentative until cancelled', async () => {
      const d = await store.createDomain({ name: `imip${++seq}.example` });
      const bob = await store.createAccount({ domainId: d.id, email: `bob@${d.name}` });
      const cal = (await store.findFolderByRole(bob.id, 'calendar'))!;
      for (const method of ['REQUEST', 'CANCEL']) {
        const ics = requestIcs('boss@remote.example', 'outside-1@remote.example', bob.email, method);
        const bytes = await composeImip({ from: 'boss@remote.example', to: [bob.email], method, ics }, 'remote.example');
        const r = await deliver(store, [bob.email], bytes, { envelope: { mailFrom: 'boss@remote.example' } });
        assert.deepEqual(r.imip, [{ address: bob.email, method, result: 'filed' }]);
        const events = await store.listItems(cal.id);
        if (method === 'REQUEST') {
          // Exchange's behaviour: a tentative copy waits in the calendar (src/pim/invitation.ts).
          assert.equal(events.length, 1);
          assert.match(events[0].content!, /PARTSTAT=NEEDS-ACTION/);
          assert.match(events[0].content!, /X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE/);
          assert.doesNotMatch(events[0].content!, /^METHOD:/m);
        } else assert.equal(events.length, 0, 'the CANCEL removed the tentative copy');
      }
      const filed = await scheduleInbox(bob);
      assert.equal(filed.length, 2);
      const methods = filed.map((i) => /^METHOD:(\w+)/m.exec(i.content!)?.[1]).sort();
      assert.deepEqual(methods, ['CANCEL', 'REQUEST']);
      assert.ok(filed.every((i) => /UID:outside-1@remote\.example/.test(i.content!)));
      assert.deepEqual((await mailInbox(bob)).map((m) => m.parsed.subject).sort(), [
        'Cancelled: Outside meeting',
        'Invitation: Outside meeting',
      ]);
      assert.equal((await store.listItems(cal.id)).length, 0);
    });

    it("the organizer's own copy of its REQUEST (in Cc) is not filed as an invitation", async () => {
      const { org, uid } = await organizerWithEvent();
      const ics = requestIcs(org.email, uid, 'ext@remote.example');
      const bytes = await composeImip({ from: org.email, to: ['ext@remote.example', org.email], method: 'REQUEST', ics }, 'hearth.test');
      const r = await deliver(store, [org.email], bytes, { envelope: { mailFrom: org.email } });
      assert.deepEqual(r.imip, [{ address: org.email, method: 'REQUEST', result: 'ignored', reason: 'recipient is the organizer' }]);
      assert.equal((await scheduleInbox(org)).length, 0);
    });

    it('a copy filed to Junk (a spam verdict) is not applied', async () => {
      const d = await store.createDomain({ name: `imip${++seq}.example` });
      const bob = await store.createAccount({ domainId: d.id, email: `bob@${d.name}` });
      const bytes = await composeImip(
        { from: 'boss@remote.example', to: [bob.email], method: 'REQUEST', ics: requestIcs('boss@remote.example', 'spam-1', bob.email) },
        'remote.example',
      );
      const r = await deliver(store, [bob.email], bytes, { envelope: { mailFrom: 'boss@remote.example' }, folderRole: () => 'junk' });
      assert.equal(r.delivered.length, 1);
      assert.deepEqual(r.imip, []);
      assert.equal((await scheduleInbox(bob)).length, 0);
    });

    it('hostile calendar parts are ignored and the message is still delivered', async () => {
      const { org, itemId } = await organizerWithEvent();
      const before = (await store.getItem(itemId))!;
      const to = org.email;
      const samples: [string, Buffer][] = [
        [
          'garbage',
          rawWithCalendar(
            'ext@remote.example',
            to,
            'text/calendar; method=REPLY',
            'BEGIN:VCALENDAR\r\nthis is : not ; iCalendar\r\nBEGIN:VEVENT',
          ),
        ],
        [
          'not a calendar',
          rawWithCalendar('ext@remote.example', to, 'text/calendar; method=REPLY', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD'),
        ],
        [
          'no METHOD',
          rawWithCalendar(
            'ext@remote.example',
            to,
            'text/calendar',
            'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR',
          ),
        ],
        [
          'METHOD mismatch',
          rawWithCalendar('ext@remote.example', to, 'text/calendar; method=REQUEST', replyIcs(to, 'x', 'ext@remote.example', 'ACCEPTED')),
        ],
        [
          'no UID',
          rawWithCalendar(
            'ext@remote.example',
            to,
            'text/calendar; method=REPLY',
            replyIcs(to, '', 'ext@remote.example', 'ACCEPTED').replace(/^UID:\r\n/m, ''),
          ),
        ],
        ['broken base64', rawWithCalendar('ext@remote.example', to, 'text/calendar; method=REPLY', '!!!*** not base64 ***!!!', 'base64')],
        [
          'huge part',
          rawWithCalendar(
            'ext@remote.example',
            to,
            'text/calendar; method=REPLY',
            'BEGIN:VCALENDAR\r\n' +
              'X-PAD:' +
              'a'.repeat(70) +
              '\r\n'.repeat(1) +
              ('X-PAD:' + 'a'.repeat(70) + '\r\n').repeat(4000) +
              'END:VCALENDAR',
          ),
        ],
        [
          'deep nesting',
          rawWithCalendar(
            'ext@remote.example',
            to,
            'text/calendar; method=REPLY',
            'BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n' + 'BEGIN:X\r\n'.repeat(2000) + 'END:X\r\n'.repeat(2000) + 'END:VCALENDAR',
          ),
        ],
      ];
      for (const [name, raw] of samples) {
        const r = await deliver(store, [to], raw, env);
        assert.equal(r.delivered.length, 1, `${name}: delivered`);
        assert.ok(
          r.imip.every((o) => o.result === 'ignored'),
          `${name}: ${JSON.stringify(r.imip)}`,
        );
      }
      assert.equal((await store.getItem(itemId))!.modseq, before.modseq);
      assert.equal((await scheduleInbox(org)).length, 0);
      assert.equal((await mailInbox(org)).length, samples.length);
    });
  });
}
