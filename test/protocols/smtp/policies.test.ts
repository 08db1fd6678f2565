/**
 * The mail policies at the wire, on SQLite and PostgreSQL: SMTP into the real store through
 * storeDelivery with MailPolicies, an offline DNS and a recording Outbound. Clients we did not
 * write: nodemailer (which also DKIM-signs the incoming mail) and swaks.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { dkimVerify } from 'mailauth';
import { simpleParser } from 'mailparser';
import { startHarness, type SmtpHarness } from './harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { MailPolicies } from '../../../src/mail/policies.js';
import { DEFAULT_MAIL_POLICY, type MailPolicySettings } from '../../../src/mail/policy-settings.js';
import { dkimDnsRecord, ensureDkimKey } from '../../../src/mail/dkim-keys.js';
import type { OutboundMessage } from '../../../src/mail/outbound.js';
import type { FolderRole } from '../../../src/model/types.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';
import { fakeResolver, type FakeZone } from '../../helpers/fake-dns.js';

const PW = 'Policy-pass-1';
const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const hasSwaks = spawnSync('swaks', ['--version']).status === 0;
const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`mail policies over SMTP (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    let h: SmtpHarness;
    let drop = async () => {};
    const sent: OutboundMessage[] = [];
    const settings: MailPolicySettings = { ...DEFAULT_MAIL_POLICY };
    const zone: FakeZone = {
      'sel1._domainkey.sender.example': { TXT: [`v=DKIM1; k=rsa; p=${pair.publicKey.toString('base64')}`] },
      'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
      '_dmarc.sender.example': { TXT: ['v=DMARC1; p=reject'] },
      'forged.example': { TXT: ['v=spf1 -all'] },
      '_dmarc.forged.example': { TXT: ['v=DMARC1; p=reject'] },
    };

    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      const holder: { d?: ReturnType<typeof storeDelivery> } = {};
      h = await startHarness({
        delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
        context: db.url ? { database: db.url } : {},
      });
      const policies = new MailPolicies({
        store: h.store,
        outbound: {
          send: async (m) => {
            sent.push(m);
            return { queueId: 'q' };
          },
        },
        resolver: fakeResolver(zone),
        hostname: 'mx.example.test',
        settings,
        log: pino({ level: 'silent' }),
      });
      holder.d = storeDelivery(h.store, pino({ level: 'silent' }), { policies });
      for (const u of ['ann', 'bob', 'oof', 'junk']) await h.addUser(`${u}@example.test`, PW);
      await h.addUser('carl@foot.test', PW);
      await h.addUser('dana@foot.test', PW);
      const q = await h.addUser('q@example.test', PW);
      await h.store.updateAccount(q.id, { quotaMessages: 10 });
      const example = (await h.store.getDomain('example.test'))!;
      const { key } = await ensureDkimKey(h.store, example);
      const record = dkimDnsRecord('example.test', key);
      zone[record.name] = { TXT: [record.value] };
      await h.store.setSetting((await h.store.getAccount('oof@example.test'))!.id, 'oof', {
        state: 1,
        start: null,
        end: null,
        internal: null,
        externalKnown: null,
        externalUnknown: { enabled: true, message: 'I am away until Monday.', bodyType: 'Text' },
      });
    });
    after(async () => {
      if (!skip) {
        await h.close();
        await drop();
      }
    });

    const messages = async (email: string, role: FolderRole = 'inbox') => {
      const a = (await h.store.getAccount(email))!;
      const folder = (await h.store.findFolderByRole(a.id, role))!;
      return Promise.all(
        (await h.store.listMessages(folder.id)).map(async (m) => ({
          subject: m.parsed.subject,
          bytes: (await h.store.readMessageBytes(m.itemId))!,
        })),
      );
    };
    const mx = () =>
      nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'mail.sender.example' });
    const submission = (user: string) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: h.submission,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user, pass: PW },
      });

    test(
      'MX: a DKIM-signed message from an SPF-allowed address is stored with one Authentication-Results on top; forged ones are removed',
      { skip: skip ?? false },
      async () => {
        const t = mx();
        await t.sendMail({
          from: 'alice@sender.example',
          to: 'ann@example.test',
          subject: 'authenticated',
          text: 'hello',
          headers: { 'Authentication-Results': 'mx.example.test; dkim=pass header.d=bank.example' },
          dkim: { domainName: 'sender.example', keySelector: 'sel1', privateKey: pair.privateKey },
        });
        t.close();
        const [m] = (await messages('ann@example.test')).filter((x) => x.subject === 'authenticated');
        const text = m.bytes.toString();
        assert.match(text, /^Authentication-Results: mx\.example\.test;\r\n dkim=pass header\.i=@sender\.example/);
        assert.match(text, /spf=pass[^;]*smtp\.mailfrom=alice@sender\.example/);
        assert.match(text, /dmarc=pass/);
        assert.equal(text.match(/^Authentication-Results:/gim)!.length, 1);
        assert.doesNotMatch(text, /bank\.example/);
      },
    );

    test(
      'MX: DMARC p=reject failing goes to Junk by default, and is refused with 550 5.7.1 when configured',
      { skip: skip ?? false },
      async () => {
        const t = mx();
        await t.sendMail({ from: 'ceo@forged.example', to: 'junk@example.test', subject: 'wire money', text: 'now' });
        assert.deepEqual(
          (await messages('junk@example.test', 'junk')).map((m) => m.subject),
          ['wire money'],
        );
        assert.deepEqual(
          (await messages('junk@example.test')).map((m) => m.subject),
          [],
        );
        settings.dmarcReject = 'reject';
        try {
          await assert.rejects(
            t.sendMail({ from: 'ceo@forged.example', to: 'junk@example.test', subject: 'again', text: 'now' }),
            (e: { responseCode?: number; response?: string }) => e.responseCode === 550 && /5\.7\.1/.test(e.response ?? ''),
          );
        } finally {
          settings.dmarcReject = DEFAULT_MAIL_POLICY.dmarcReject;
          t.close();
        }
        assert.equal((await messages('junk@example.test', 'junk')).length, 1);
      },
    );

    test(
      'submission: signed with the domain key; the signature verifies against the published record',
      { skip: skip ?? false },
      async () => {
        const t = submission('ann@example.test');
        await t.sendMail({ from: 'ann@example.test', to: 'bob@example.test', subject: 'signed by us', text: 'hi bob' });
        t.close();
        const [m] = (await messages('bob@example.test')).filter((x) => x.subject === 'signed by us');
        assert.match(m.bytes.toString(), /^DKIM-Signature: .*d=example\.test/m);
        const verified = await dkimVerify(m.bytes, { resolver: fakeResolver(zone) as never });
        assert.deepEqual(
          verified.results.map((r) => [r.signingDomain, r.status.result]),
          [['example.test', 'pass']],
        );
        assert.equal(sent.filter((s) => s.recipients.includes('ann@example.test')).length, 0);
      },
    );

    test('submission: the footer goes on internal mail only when the domain says --internal-too', { skip: skip ?? false }, async () => {
      const foot = (await h.store.getDomain('foot.test'))!;
      await h.store.updateDomain(foot.id, {
        footerText: 'Foot Ltd, registered in Wales',
        footerHtml: null,
        settings: { ...foot.settings, footerInternal: false },
      });
      const t = submission('carl@foot.test');
      await t.sendMail({ from: 'carl@foot.test', to: 'dana@foot.test', subject: 'internal', text: 'no footer' });
      await h.store.updateDomain(foot.id, { settings: { ...foot.settings, footerInternal: true } });
      await t.sendMail({
        from: 'carl@foot.test',
        to: 'dana@foot.test',
        subject: 'internal too',
        text: 'with footer',
        html: '<p>with footer</p>',
      });
      t.close();
      const got = await messages('dana@foot.test');
      const plain = await simpleParser(got.find((m) => m.subject === 'internal')!.bytes);
      assert.match(plain.text!, /^no footer\n?$/);
      const footed = await simpleParser(got.find((m) => m.subject === 'internal too')!.bytes);
      assert.match(footed.text!, /^with footer\n\nFoot Ltd, registered in Wales\n$/);
      assert.match(footed.html as string, /<p>with footer<\/p>\n<div class="hearth-footer">Foot Ltd, registered in Wales<\/div>/);
    });

    test(
      'out of office: one reply per sender (swaks, then nodemailer), none to list mail',
      { skip: (skip ?? false) || (hasSwaks ? false : 'swaks is not installed') },
      async () => {
        const before = sent.length;
        const out = await new Promise<{ status: number | null; text: string }>((resolve) => {
          const p = spawn('swaks', [
            '--server',
            '127.0.0.1',
            '--port',
            String(h.mx),
            '--helo',
            'mail.sender.example',
            '--timeout',
            '60',
            '--from',
            'pat@sender.example',
            '--to',
            'oof@example.test',
            '--header',
            'Subject: are you there',
            '--header',
            'Message-Id: <swaks-1@sender.example>',
          ]);
          let text = '';
          p.stdout.on('data', (d) => {
            text += d;
          });
          p.stderr.on('data', (d) => {
            text += d;
          });
          p.on('close', (status) => resolve({ status, text }));
        });
        assert.equal(out.status, 0, out.text);
        const replies = sent.slice(before);
        assert.equal(replies.length, 1);
        assert.equal(replies[0].mailFrom, '');
        assert.deepEqual(replies[0].recipients, ['pat@sender.example']);
        const reply = await simpleParser(replies[0].bytes);
        assert.equal(reply.headers.get('auto-submitted'), 'auto-replied');
        assert.equal(reply.inReplyTo, '<swaks-1@sender.example>');
        assert.match(reply.text!, /I am away until Monday\./);
        // The reply is DKIM-signed for the user's domain.
        assert.match(replies[0].bytes.toString(), /^DKIM-Signature: .*d=example\.test/m);

        const t = mx();
        await t.sendMail({ from: 'pat@sender.example', to: 'oof@example.test', subject: 'second', text: 'still there?' });
        await t.sendMail({
          from: 'list@sender.example',
          to: 'oof@example.test',
          subject: 'digest',
          text: 'news',
          headers: { 'List-Id': '<news.sender.example>' },
        });
        t.close();
        assert.equal(sent.length, before + 1);
        assert.deepEqual(
          (await messages('oof@example.test')).map((m) => m.subject),
          ['are you there', 'second', 'digest'],
        );
      },
    );

    test('quota warning: the delivery that crosses 90 % leaves exactly one warning in the inbox', { skip: skip ?? false }, async () => {
      const t = mx();
      for (let i = 1; i <= 9; i++) await t.sendMail({ from: 'alice@sender.example', to: 'q@example.test', subject: `n${i}`, text: 'x' });
      t.close();
      const inbox = await messages('q@example.test');
      const warnings = inbox.filter((m) => m.subject === 'Your mailbox is nearly full');
      assert.equal(warnings.length, 1);
      assert.equal(inbox.length, 10);
      // It came after the ninth message, and no out-of-office or other reply answered it.
      assert.equal(inbox[9].subject, 'Your mailbox is nearly full');
      assert.match(warnings[0].bytes.toString(), /^Auto-Submitted: auto-generated\r$/m);
    });
  });
}
