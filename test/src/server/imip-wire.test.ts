/**
 * iMIP on the wire, on SQLite and PostgreSQL: the HTTP app as `hearth serve` builds it
 * (buildServer with an Outbound) and Hearth's real MX listener; a second SMTP server on loopback
 * (smtp-server) is the remote MX of remote.example, reached by an Outbound that sends with
 * nodemailer. CalDAV PUT with an outside attendee -> an iMIP REQUEST at the remote MX; the
 * attendee's REPLY over SMTP -> the organizer's event over CalDAV GET, and sync-collection and the
 * store's change notification see it; a forged REPLY changes nothing; a REQUEST from outside is in
 * the schedule inbox (CalDAV) and the mail inbox.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import ICAL from 'ical.js';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/server/app.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import type { Outbound, OutboundMessage } from '../../../src/mail/outbound.js';
import type { ChangeEvent } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { deliver } from '../../../src/mail/deliver.js';
import { startHarness, type SmtpHarness } from '../../protocols/smtp/harness.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

const PW = 'Secret-pass-1';
const ORG = 'org@hearth.test';
const EXT = 'ext@remote.example';
const BOB = 'bob@other-customer.test';
const basicOf = (user: string) => `Basic ${Buffer.from(`${user}:${PW}`).toString('base64')}`;
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, '');

/** The remote MX: records every message it accepts, with its envelope. */
async function remoteMx(): Promise<{ port: number; received: { from: string; to: string[]; raw: Buffer }[]; close(): Promise<void> }> {
  const received: { from: string; to: string[]; raw: Buffer }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * An Outbound as the queue behaves (src/mail/outbound.ts): local recipients are delivered at once
 * through the mail store's deliver(), the others are sent to the loopback remote MX.
 */
class LoopbackOutbound implements Outbound {
  constructor(
    private readonly store: Store,
    private readonly port: number,
  ) {}
  async send(m: OutboundMessage) {
    const local: string[] = [];
    const remote: string[] = [];
    for (const r of m.recipients) ((await this.store.getAccount(r)) ? local : remote).push(r);
    if (local.length) await deliver(this.store, local, m.bytes, { envelope: { mailFrom: m.mailFrom || null } });
    if (!remote.length) return { queueId: null };
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: this.port, secure: false, ignoreTLS: true });
    await t.sendMail({ envelope: { from: m.mailFrom, to: remote }, raw: m.bytes });
    t.close();
    return { queueId: 'loopback' };
  }
}

/** Polls for a condition with a generous deadline (the machine is shared and slow). */
async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const meeting = (uid: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Apple Inc.//macOS 15//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261201T090000Z',
    'DTSTART:20261215T140000Z',
    'DTEND:20261215T150000Z',
    'SUMMARY:Budget review',
    `ORGANIZER;CN=Org:mailto:${ORG}`,
    `ATTENDEE;CN=Org;PARTSTAT=ACCEPTED:mailto:${ORG}`,
    `ATTENDEE;CN=Ext;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${EXT}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

const reply = (uid: string, attendee: string, partstat: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261202T090000Z',
    'DTSTART:20261215T140000Z',
    'DTEND:20261215T150000Z',
    'SUMMARY:Budget review',
    `ORGANIZER:mailto:${ORG}`,
    `ATTENDEE;PARTSTAT=${partstat}:mailto:${attendee}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`iMIP over SMTP and CalDAV (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    let h: SmtpHarness;
    let app: FastifyInstance;
    let mx: Awaited<ReturnType<typeof remoteMx>>;
    let calPath: string;
    let drop = async () => {};
    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      const holder: { d?: ReturnType<typeof storeDelivery> } = {};
      h = await startHarness({
        delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
        context: db.url ? { database: db.url } : {},
      });
      holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
      mx = await remoteMx();
      app = await buildServer(h.ctx, { outbound: new LoopbackOutbound(h.store, mx.port) });
      await app.ready();
      const org = await h.addUser(ORG, PW);
      await h.addUser(BOB, PW);
      calPath = `/dav/calendars/${ORG}/${(await h.store.findFolderByRole(org.id, 'calendar'))!.id}/`;
    });
    after(async () => {
      if (!skip) {
        await app.close();
        await mx.close();
        await h.close();
        await drop();
      }
    });

    const davAs = (user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
      app.inject({ method: method as 'GET', url, payload: body, headers: { authorization: basicOf(user), ...headers } });
    const dav = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
      davAs(ORG, method, url, body, headers);
    const sendToHearth = async (from: string, method: string, ics: string, subject: string) => {
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'mx.remote.example' });
      const info = await t.sendMail({ from, to: ORG, subject, text: subject, icalEvent: { method, content: ics } });
      t.close();
      assert.match(info.response, /^250/);
    };
    /** The organizer's meeting, PUT over CalDAV; resolves when its invitation reached the remote MX. */
    const putMeeting = async (uid: string) => {
      const seen = mx.received.length;
      assert.equal(
        (await dav('PUT', `${calPath}${uid}.ics`, meeting(uid), { 'content-type': 'text/calendar; charset=utf-8' })).statusCode,
        201,
      );
      return until('the invitation at the remote MX', () => mx.received.slice(seen).find((m) => m.raw.includes(uid)));
    };

    test('CalDAV PUT with an outside attendee sends an iMIP REQUEST to the remote MX', { skip: skip ?? false }, async () => {
      const got = await putMeeting('budget-1@hearth.test');
      assert.equal(got.from, ORG);
      assert.deepEqual(got.to, [EXT]);
      const mail = await simpleParser(got.raw);
      assert.equal(mail.from?.value[0].address, ORG);
      assert.match(mail.messageId ?? '', /^<imip-.+@mail\.example\.test>$/);
      assert.match(got.raw.toString(), /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
      const cal = mail.attachments.find((a) => a.contentType === 'text/calendar');
      assert.ok(cal, 'a text/calendar part');
      assert.ok(
        mail.attachments.some((a) => a.contentType === 'application/ics'),
        'and the application/ics attachment',
      );
      const root = new ICAL.Component(ICAL.parse(cal.content.toString('utf8')));
      assert.equal(root.getFirstPropertyValue('method'), 'REQUEST');
      assert.equal(root.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid'), 'budget-1@hearth.test');
      assert.match(mail.text ?? '', /Budget review/);
      // RFC 6638 §7.3: the organizer's copy says the invitation went out by iMIP.
      assert.match(
        unfold((await dav('GET', `${calPath}budget-1@hearth.test.ics`)).body),
        /SCHEDULE-STATUS=1\.1[^\r\n]*:mailto:ext@remote\.example/,
      );
    });

    test(
      'the attendee REPLY over SMTP updates the organizer event, seen by CalDAV GET, sync-collection and the change bus',
      { skip: skip ?? false },
      async () => {
        const uid = 'budget-2@hearth.test';
        await putMeeting(uid);
        const href = `${calPath}${uid}.ics`;
        const sync = (token: string) =>
          dav(
            'REPORT',
            calPath,
            `<sync-collection xmlns="DAV:"><sync-token>${token}</sync-token><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>`,
            { 'content-type': 'application/xml' },
          );
        const token = /<D:sync-token>([^<]+)</.exec((await sync('')).body)![1];
        const org = (await h.store.getAccount(ORG))!;
        const events: ChangeEvent[] = [];
        const unsubscribe = h.store.subscribe(org.id, (e) => events.push(e));
        try {
          await sendToHearth(EXT, 'REPLY', reply(uid, EXT, 'ACCEPTED'), 'Accepted: Budget review');
          const body = unfold((await dav('GET', href)).body);
          assert.match(body, /ATTENDEE;CN=Ext;[^\r\n]*PARTSTAT=ACCEPTED[^\r\n]*:mailto:ext@remote\.example/);
          assert.match(body, /ATTENDEE;CN=Org;PARTSTAT=ACCEPTED:mailto:org@hearth\.test/);
          assert.ok(
            (await sync(token)).body.includes(`${encodeURIComponent(uid)}.ics</D:href>`),
            'sync-collection reports the event as changed',
          );
          // What wakes a held ActiveSync Ping: a change event for the calendar folder.
          await until('a change event for the calendar', () =>
            events.find((e) => e.folderId !== null && calPath.endsWith(`/${e.folderId}/`)),
          );
        } finally {
          unsubscribe();
        }
      },
    );

    test('a forged REPLY over SMTP (From is not an attendee) changes nothing', { skip: skip ?? false }, async () => {
      const uid = 'budget-3@hearth.test';
      await putMeeting(uid);
      const before = await dav('GET', `${calPath}${uid}.ics`);
      await sendToHearth('mallory@evil.example', 'REPLY', reply(uid, EXT, 'DECLINED'), 'Declined: Budget review');
      await sendToHearth('mallory@evil.example', 'REPLY', reply(uid, 'mallory@evil.example', 'ACCEPTED'), 'Accepted: Budget review');
      const after = await dav('GET', `${calPath}${uid}.ics`);
      assert.equal(after.headers.etag, before.headers.etag);
      assert.equal(after.body, before.body);
    });

    test('a REQUEST from outside lands in the schedule inbox and in the mail inbox', { skip: skip ?? false }, async () => {
      const uid = 'outside-req@remote.example';
      const ics = reply(uid, ORG, 'NEEDS-ACTION')
        .replace('METHOD:REPLY', 'METHOD:REQUEST')
        .replace(`ORGANIZER:mailto:${ORG}`, `ORGANIZER:mailto:${EXT}`);
      await sendToHearth(EXT, 'REQUEST', ics, 'Invitation: from outside');
      const inbox = await dav('PROPFIND', `/dav/calendars/${ORG}/inbox/`, '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>', {
        depth: '1',
        'content-type': 'application/xml',
      });
      const hrefs = [...inbox.body.matchAll(/<D:href>([^<]+\.ics)<\/D:href>/g)].map((m) => m[1]);
      const bodies = await Promise.all(hrefs.map(async (x) => (await dav('GET', x)).body));
      assert.ok(
        bodies.some((b) => /METHOD:REQUEST/.test(b) && b.includes(`UID:${uid}`)),
        'the REQUEST is in the schedule inbox',
      );
      const org = (await h.store.getAccount(ORG))!;
      const mail = await h.store.listMessages((await h.store.findFolderByRole(org.id, 'inbox'))!.id);
      assert.ok(
        mail.some((m) => m.parsed.subject === 'Invitation: from outside'),
        'and in the mail inbox',
      );
    });

    test(
      'another domain on the same server: the invitation and the reply go by iMIP through Outbound and are applied locally',
      { skip: skip ?? false },
      async () => {
        const uid = 'cross-domain@hearth.test';
        const ics = meeting(uid).replace(`mailto:${EXT}`, `mailto:${BOB}`);
        assert.equal((await dav('PUT', `${calPath}x.ics`, ics, { 'content-type': 'text/calendar' })).statusCode, 201);
        // Bob is in another customer domain: CalDAV scheduling stays inside a domain, so this went by mail.
        assert.match(unfold((await dav('GET', `${calPath}x.ics`)).body), /SCHEDULE-STATUS=1\.1[^\r\n]*:mailto:bob@other-customer\.test/);
        const bob = (await h.store.getAccount(BOB))!;
        const filed = await h.store.listItems((await h.store.findFolderByRole(bob.id, 'schedule-inbox'))!.id);
        assert.ok(
          filed.some((i) => /METHOD:REQUEST/.test(i.content!) && i.content!.includes(uid)),
          "the REQUEST is in Bob's schedule inbox",
        );
        const mail = await h.store.listMessages((await h.store.findFolderByRole(bob.id, 'inbox'))!.id);
        assert.ok(
          mail.some((m) => m.parsed.subject === 'Invitation: Budget review'),
          "and in Bob's mail inbox",
        );
        // The invitation waits in Bob's calendar as a tentative event (src/pim/invitation.ts), where
        // Bob's calendar client finds it and accepts: its PUT replies to the organizer (RFC 6638 §3.2.2), by iMIP.
        const bobFolder = (await h.store.findFolderByRole(bob.id, 'calendar'))!;
        const tentative = (await h.store.getItemByUid(bobFolder.id, uid))!;
        assert.match(unfold(tentative.content!), /PARTSTAT=NEEDS-ACTION[^\r\n]*:mailto:bob@other-customer\.test/);
        const bobCal = `/dav/calendars/${BOB}/${bobFolder.id}/`;
        const accepted = ics.replace(`PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${BOB}`, `PARTSTAT=ACCEPTED:mailto:${BOB}`);
        assert.equal((await davAs(BOB, 'PUT', `${bobCal}${tentative.name}`, accepted, { 'content-type': 'text/calendar' })).statusCode, 204);
        assert.match(
          unfold((await dav('GET', `${calPath}x.ics`)).body),
          /ATTENDEE;CN=Ext;[^\r\n]*PARTSTAT=ACCEPTED[^\r\n]*:mailto:bob@other-customer\.test/,
        );
      },
    );
  });
}
