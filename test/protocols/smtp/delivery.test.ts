/**
 * SMTP into the real mail store, on SQLite and PostgreSQL, with nodemailer as the client: the
 * message is in the inbox when 250 arrives, aliases fan out to real inboxes, over quota is
 * 452 4.2.2 with nothing stored.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from './harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';
import { Wire, message } from './wire.js';

const PW = 'Secret-pass-1';
const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`SMTP delivery into the store (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    let h: SmtpHarness;
    let drop = async () => {};
    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      // The harness's store is opened first; the delivery is bound to it below.
      const holder: { d?: ReturnType<typeof storeDelivery> } = {};
      h = await startHarness({
        delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
        context: db.url ? { database: db.url } : {},
      });
      holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
      await h.addUser('ann@example.test', PW);
      await h.addUser('bob@example.test', PW);
      await h.addUser('full@example.test', PW, { quotaBytes: 600 });
      const one = await h.addUser('one@example.test', PW);
      await h.store.updateAccount(one.id, { quotaMessages: 1 });
      await h.store.setAlias('team@example.test', ['ann@example.test', 'bob@example.test']);
    });
    after(async () => { if (!skip) { await h.close(); await drop(); } });

    const subjects = async (email: string) => {
      const a = (await h.store.getAccount(email))!;
      const inbox = (await h.store.findFolderByRole(a.id, 'inbox'))!;
      return (await h.store.listMessages(inbox.id)).map((m) => m.parsed.subject);
    };

    test('MX with nodemailer: in the inbox when 250 arrives; alias fans out', { skip: skip ?? false }, async () => {
      const mx = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.example.net' });
      const info = await mx.sendMail({ from: 'x@example.net', to: 'ann@example.test', subject: 'first', text: 'hello' });
      assert.match(info.response, /^250 2\.6\.0/);
      assert.deepEqual(await subjects('ann@example.test'), ['first']);
      await mx.sendMail({ from: 'x@example.net', to: 'team@example.test', subject: 'to the team', text: 'hello' });
      assert.deepEqual(await subjects('ann@example.test'), ['first', 'to the team']);
      assert.deepEqual(await subjects('bob@example.test'), ['to the team']);
      mx.close();
    });

    test('submission with nodemailer over STARTTLS and AUTH delivers locally', { skip: skip ?? false }, async () => {
      const sub = nodemailer.createTransport({
        host: '127.0.0.1', port: h.submission, secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
        auth: { user: 'ann@example.test', pass: PW },
      });
      await sub.sendMail({ from: 'ann@example.test', to: 'bob@example.test', subject: 'from ann', text: 'hi' });
      assert.ok((await subjects('bob@example.test')).includes('from ann'));
      await assert.rejects(sub.sendMail({ from: 'bob@example.test', to: 'ann@example.test', subject: 'spoof', text: 'x' }),
        (e: { responseCode?: number }) => e.responseCode === 553);
      sub.close();
    });

    test('over quota: 452 4.2.2 and nothing stored', { skip: skip ?? false }, async () => {
      const mx = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true });
      await assert.rejects(mx.sendMail({ from: 'x@example.net', to: 'full@example.test', subject: 'too much', text: 'y'.repeat(2000) }),
        (e: { responseCode?: number; response?: string }) => e.responseCode === 452 && /4\.2\.2/.test(e.response ?? ''));
      assert.deepEqual(await subjects('full@example.test'), []);
      mx.close();
    });

    test('a mailbox already full is refused at RCPT with 452 4.2.2', { skip: skip ?? false }, async () => {
      const { wire } = await Wire.open(h.mx);
      await wire.cmd('EHLO client.example.net');
      await wire.cmd('MAIL FROM:<x@example.net>');
      assert.equal((await wire.cmd('RCPT TO:<one@example.test>')).code, 250);
      assert.equal((await wire.data(message('x@example.net', 'one@example.test', 'the one'))).code, 250);
      await wire.cmd('MAIL FROM:<x@example.net>');
      assert.match((await wire.cmd('RCPT TO:<one@example.test>')).text, /^452 4\.2\.2/);
      wire.close();
      // (the store adds its one quota warning beside it)
      assert.deepEqual((await subjects('one@example.test')).filter((x) => x !== 'Your mailbox is nearly full'), ['the one']);
    });
  });
}
