/**
 * The outbound queue end to end, on SQLite and PostgreSQL: nodemailer submits to Hearth's
 * submission port, the queue runner delivers to a second SMTP server on loopback acting as the
 * remote MX (DNS from a test resolver, the MX port overridden). A 4xx is retried later, a 5xx
 * and expiry give the sender a DSN (multipart/report, parsed with mailparser) in their Hearth
 * inbox; a smarthost with AUTH; a null MX. Time is the test's clock: runOnce() instead of waiting.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { startHarness, type SmtpHarness } from '../../../protocols/smtp/harness.js';
import { storeDelivery } from '../../../../src/server/smtp-delivery.js';
import { createQueue, type OutboundQueue } from '../../../../src/server/queue.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/stores.js';
import { RemoteMx, testResolver } from './remote-mx.js';
import { parseSmarthost } from '../../../../src/mail/queue/settings.js';
import { parseMessage } from '../../../../src/mail/parse.js';
import { allParts } from '../../../../src/mail/mime-parts.js';
import { decodedText } from '../../../../src/mail/part-content.js';

const PW = 'Secret-pass-1';
const HOUR = 3_600_000;
const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`outbound queue end to end (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    let h: SmtpHarness;
    let remote: RemoteMx;
    let queue: OutboundQueue;
    let delivery: ReturnType<typeof storeDelivery>;
    let clock = Date.now();
    let drop = async () => {};
    const log = pino({ level: 'silent' });

    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      remote = await new RemoteMx().start();
      remote.rule = (address, call) => {
        if (address.startsWith('nobody@')) return { code: 550, text: '5.1.1 No such user at the remote' };
        if (address.startsWith('slow@') && call === 1) return { code: 451, text: '4.3.0 Greylisted, try again later' };
        if (address.startsWith('never@')) return { code: 451, text: '4.2.1 Mailbox busy' };
        return null;
      };
      const holder: { d?: ReturnType<typeof storeDelivery> } = {};
      h = await startHarness({
        delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) },
        context: db.url ? { database: db.url } : {},
      });
      Object.assign(h.config.queue, {
        mxPort: remote.port,
        retryBaseSeconds: 60,
        maxLifetimeHours: 3,
        delayWarningHours: 1,
        timeoutSeconds: 30,
      });
      queue = createQueue(h.config, h.store, log, { resolver: testResolver, now: () => clock });
      holder.d = storeDelivery(h.store, log, { queue: queue.outbound });
      await h.addUser('ann@example.test', PW);
      await h.addUser('bob@example.test', PW);
      await h.addUser('full@example.test', PW, { quotaBytes: 600 });
      delivery = holder.d;
    });
    after(async () => {
      if (!skip) {
        await h.close();
        await remote.close();
        await drop();
      }
    });

    const submit = async (to: string | string[], subject: string) => {
      const sub = nodemailer.createTransport({
        host: '127.0.0.1',
        port: h.submission,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
        auth: { user: 'ann@example.test', pass: PW },
      });
      try {
        return await sub.sendMail({ from: 'ann@example.test', to, subject, text: `body of ${subject}` });
      } finally {
        sub.close();
      }
    };
    const inbox = async (email: string) => {
      const a = (await h.store.getAccount(email))!;
      const folder = (await h.store.findFolderByRole(a.id, 'inbox'))!;
      return h.store.listMessages(folder.id);
    };
    /** The DSNs in ann's inbox that mention `subject` in the returned headers, parsed. */
    const dsnsAbout = async (subject: string) => {
      const out = [];
      for (const m of await inbox('ann@example.test')) {
        const bytes = (await h.store.readMessageBytes(m.itemId))!;
        if (!bytes.includes('multipart/report') || !bytes.includes(`Subject: ${subject}`)) continue;
        out.push({ bytes, parsed: await simpleParser(bytes) });
      }
      return out;
    };
    const queued = async (subject: string) => {
      for (const m of await h.store.listQueue()) {
        const bytes = await h.store.getBlob(m.blobHash);
        if (bytes?.includes(`Subject: ${subject}`)) return m;
      }
      return null;
    };

    test(
      'submission to a remote domain: 250, queued, delivered to the remote MX over STARTTLS; local copy delivered at once',
      { skip: skip ?? false },
      async () => {
        const info = await submit(['friend@remote.example', 'bob@example.test'], 'hello remote');
        assert.match(info.response, /^250 /);
        assert.ok((await inbox('bob@example.test')).some((m) => m.parsed.subject === 'hello remote'));
        const q = await queued('hello remote');
        assert.ok(q, 'the message is in the queue before the runner runs');
        assert.deepEqual(
          q.recipients.map((r) => [r.address, r.state]),
          [['friend@remote.example', 'pending']],
        );
        assert.equal((await queue.runner.runOnce()) >= 1, true);
        const got = remote.received.filter((r) => r.bytes.includes('Subject: hello remote'));
        assert.equal(got.length, 1);
        assert.equal(got[0].from, 'ann@example.test');
        assert.deepEqual(got[0].to, ['friend@remote.example']);
        assert.equal(got[0].secure, true, 'opportunistic STARTTLS was used');
        assert.equal(await queued('hello remote'), null, 'a delivered message leaves the queue');
      },
    );

    test('a 4xx from the remote is retried after the back-off, then delivered', { skip: skip ?? false }, async () => {
      await submit('slow@remote.example', 'greylisted');
      await queue.runner.runOnce();
      const q = (await queued('greylisted'))!;
      assert.equal(q.recipients[0].state, 'deferred');
      assert.match(q.recipients[0].lastError ?? '', /^451 .*Greylisted/);
      assert.ok(q.nextAttemptAt > clock);
      assert.equal(remote.count('Subject: greylisted'), 0);
      await queue.runner.runOnce(); // not due yet: nothing happens
      assert.equal(remote.rcptCalls.get('slow@remote.example'), 1);
      clock = q.nextAttemptAt;
      await queue.runner.runOnce();
      assert.equal(remote.count('Subject: greylisted'), 1);
      assert.equal(await queued('greylisted'), null);
      assert.deepEqual(await dsnsAbout('greylisted'), []);
    });

    test('a 5xx fails the recipient at once and the sender gets an RFC 3464 DSN in their inbox', { skip: skip ?? false }, async () => {
      await submit(['nobody@remote.example', 'friend2@remote.example'], 'partly wrong');
      await queue.runner.runOnce();
      assert.equal(remote.count('Subject: partly wrong'), 1, 'the good recipient got it');
      assert.equal(await queued('partly wrong'), null);
      const [dsn, ...more] = await dsnsAbout('partly wrong');
      assert.ok(dsn, 'a DSN arrived');
      assert.equal(more.length, 0);
      const p = dsn.parsed;
      assert.equal(p.headers.get('auto-submitted'), 'auto-replied');
      const ct = p.headers.get('content-type') as { value: string; params: Record<string, string> };
      assert.equal(ct.value, 'multipart/report');
      assert.equal(ct.params['report-type'], 'delivery-status');
      // mailparser folds message/delivery-status into its text; the store's MIME tree keeps the parts.
      const tree = await parseMessage(dsn.bytes);
      const parts = allParts(tree.mime).map((x) => `${x.type}/${x.subtype}`);
      assert.deepEqual(parts, ['multipart/report', 'text/plain', 'message/delivery-status', 'text/rfc822-headers']);
      const status = allParts(tree.mime).find((x) => x.subtype === 'delivery-status')!;
      const fields = await decodedText(dsn.bytes, status);
      assert.match(fields, /Reporting-MTA: dns; mail\.example\.test/);
      assert.match(fields, /Final-Recipient: rfc822; nobody@remote\.example/);
      assert.match(fields, /Action: failed/);
      assert.match(fields, /Status: 5\.1\.1/);
      assert.match(fields, /Diagnostic-Code: smtp; 550 5\.1\.1 No such user at the remote/);
      assert.doesNotMatch(fields, /friend2@/);
      assert.ok(p.attachments.some((a) => a.contentType === 'text/rfc822-headers' && a.content.includes('Subject: partly wrong')));
    });

    test('a message still deferred gets one delay warning, and a DSN at expiry', { skip: skip ?? false }, async () => {
      await submit('never@remote.example', 'never accepted');
      const start = clock;
      await queue.runner.runOnce();
      clock = start + 1.5 * HOUR;
      await queue.runner.runOnce();
      const warned = await dsnsAbout('never accepted');
      assert.equal(warned.length, 1);
      assert.match(warned[0].bytes.toString(), /Action: delayed/);
      assert.match(warned[0].bytes.toString(), /Will-Retry-Until: /);
      clock = start + 2 * HOUR;
      await queue.runner.runOnce();
      assert.equal((await dsnsAbout('never accepted')).length, 1, 'one delay warning only');
      clock = start + 3 * HOUR + 1;
      await queue.runner.runOnce();
      assert.equal(await queued('never accepted'), null, 'expired messages leave the queue');
      const all = await dsnsAbout('never accepted');
      assert.equal(all.length, 2);
      const failed = all.find((d) => /Action: failed/.test(d.bytes.toString()))!;
      assert.match(failed.bytes.toString(), /Status: 4\.4\.7/);
      assert.match(failed.bytes.toString(), /Diagnostic-Code: smtp; 451 4\.2\.1 Mailbox busy/);
    });

    test('a null MX (RFC 7505) and a domain that does not exist fail at once with a DSN', { skip: skip ?? false }, async () => {
      await submit(['x@nullmx.example', 'y@nowhere.invalid'], 'no such places');
      await queue.runner.runOnce();
      assert.equal(await queued('no such places'), null);
      const [dsn] = await dsnsAbout('no such places');
      const text = dsn.bytes.toString();
      assert.match(text, /Final-Recipient: rfc822; x@nullmx\.example\r\nAction: failed\r\nStatus: 5\.1\.10/);
      assert.match(text, /Final-Recipient: rfc822; y@nowhere\.invalid\r\nAction: failed\r\nStatus: 5\.1\.2/);
    });

    test(
      'MX: a recipient skipped after others were committed (over quota) gets the remote sender a DSN through the queue',
      { skip: skip ?? false },
      async () => {
        const bob = (await h.store.getAccount('bob@example.test'))!;
        const full = (await h.store.getAccount('full@example.test'))!;
        const bytes = Buffer.from(`From: x@other.example\r\nSubject: quota race\r\n\r\n${'y'.repeat(2000)}\r\n`);
        // As if full@ passed the RCPT-time check and filled up before the commit (the race the listener cannot see).
        await delivery.deliver([bob, full], bytes, {
          mailFrom: 'x@other.example',
          rcptTo: ['bob@example.test', 'full@example.test'],
          remoteAddress: '127.0.0.1',
          helo: 'other.example',
          authenticatedAs: null,
          remote: [],
        });
        assert.ok((await inbox('bob@example.test')).some((m) => m.parsed.subject === 'quota race'));
        const dsn = (await h.store.listQueue()).find((m) => m.recipients.some((r) => r.address === 'x@other.example'));
        assert.ok(dsn, 'a DSN is queued for the remote sender');
        assert.equal(dsn.mailFrom, '', 'sent with the null reverse-path');
        const text = (await h.store.getBlob(dsn.blobHash))!.toString();
        assert.match(text, /Content-Type: multipart\/report; report-type=delivery-status/);
        assert.match(text, /Final-Recipient: rfc822; full@example\.test\r\nAction: failed\r\nStatus: 5\.2\.2/);
        await queue.runner.runOnce();
        assert.equal(
          remote.received.filter((r) => r.to.includes('x@other.example') && r.from === '').length,
          1,
          "the DSN reached the sender's MX",
        );
      },
    );

    test(
      'Outbound.send: local recipients delivered at once, remote and forwarded ones queued, unknown local ones bounced',
      { skip: skip ?? false },
      async () => {
        await h.store.setAlias('fwd@example.test', ['away@remote.example']);
        const bytes = (subject: string) => Buffer.from(`From: ann@example.test\r\nSubject: ${subject}\r\n\r\nhi\r\n`);
        const local = await queue.outbound.send({
          mailFrom: 'ann@example.test',
          recipients: ['bob@example.test'],
          bytes: bytes('only local'),
        });
        assert.equal(local.queueId, null);
        assert.ok((await inbox('bob@example.test')).some((m) => m.parsed.subject === 'only local'));
        const mixed = await queue.outbound.send({
          mailFrom: 'ann@example.test',
          recipients: ['bob@example.test', 'out@remote.example', 'fwd@example.test', 'ghost@example.test'],
          bytes: bytes('mixed'),
        });
        assert.ok(mixed.queueId);
        assert.ok((await inbox('bob@example.test')).some((m) => m.parsed.subject === 'mixed'));
        const q = (await h.store.getQueuedMessage(mixed.queueId))!;
        assert.deepEqual(q.recipients.map((r) => r.address).sort(), ['away@remote.example', 'out@remote.example']);
        const [dsn] = await dsnsAbout('mixed');
        assert.match(dsn.bytes.toString(), /Final-Recipient: rfc822; ghost@example\.test\r\nAction: failed\r\nStatus: 5\.1\.1/);
        await queue.runner.runOnce();
        assert.equal(remote.count('Subject: mixed'), 1, 'one transaction for the two recipients of remote.example');
      },
    );

    test('RFC 3461 NOTIFY from the caller: NEVER gets no DSN, FAILURE gets one', { skip: skip ?? false }, async () => {
      const send = (subject: string, notify: string[]) =>
        queue.outbound.send({
          mailFrom: 'ann@example.test',
          recipients: ['nobody@remote.example'],
          bytes: Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`),
          dsn: { notify: { 'nobody@remote.example': notify } },
        });
      await send('notify never', ['NEVER']);
      await send('notify failure', ['FAILURE', 'DELAY']);
      await queue.runner.runOnce();
      assert.equal((await dsnsAbout('notify never')).length, 0);
      assert.equal((await dsnsAbout('notify failure')).length, 1);
    });

    test('a DSN is never sent about a DSN (null sender)', { skip: skip ?? false }, async () => {
      const before = remote.received.length;
      const { queueId } = await queue.outbound.send({
        mailFrom: '',
        recipients: ['nobody@remote.example'],
        bytes: Buffer.from('Subject: bounce of a bounce\r\n\r\nx\r\n'),
      });
      assert.ok(queueId);
      await queue.runner.runOnce();
      assert.equal(await h.store.getQueuedMessage(queueId), null);
      assert.equal(remote.received.length, before);
      assert.equal((await h.store.listQueue()).length, 0, 'nothing new was queued');
    });
  });
}

describe('outbound queue through a smarthost with AUTH', async () => {
  let h: SmtpHarness;
  let relay: RemoteMx;
  let clock = Date.now();
  const log = pino({ level: 'silent' });
  before(async () => {
    relay = await new RemoteMx().start({ auth: { user: 'relay-user', pass: 'relay-secret' } });
    h = await startHarness({ delivery: { deliver: async () => {} } });
    await h.addUser('ann@example.test', PW);
  });
  after(async () => {
    await h.close();
    await relay.close();
  });

  const queueVia = (url: string) => {
    const config = { ...h.config, queue: { ...h.config.queue, smarthost: parseSmarthost(url), smarthostVerifyTls: false } };
    return createQueue(config, h.store, log, {
      now: () => clock,
      // The smarthost takes everything: DNS must not be asked.
      resolver: {
        resolveMx: async () => assert.fail('DNS asked'),
        resolve4: async () => assert.fail('DNS asked'),
        resolve6: async () => assert.fail('DNS asked'),
      },
    });
  };

  test('every message goes to the smarthost, after STARTTLS, authenticated', async () => {
    const q = queueVia(`smtp://relay-user:relay-secret@127.0.0.1:${relay.port}`);
    await q.outbound.send({
      mailFrom: 'ann@example.test',
      recipients: ['a@one.example', 'b@two.example'],
      bytes: Buffer.from('Subject: via relay\r\n\r\nhi\r\n'),
    });
    await q.runner.runOnce();
    const got = relay.received.filter((r) => r.bytes.includes('Subject: via relay'));
    assert.equal(got.length, 1, 'one transaction for both domains');
    assert.deepEqual(got[0].to.sort(), ['a@one.example', 'b@two.example']);
    assert.equal(got[0].user, 'relay-user');
    assert.equal(got[0].secure, true);
  });

  test('a wrong smarthost password defers (an operator mistake is no reason to bounce)', async () => {
    const q = queueVia(`smtp://relay-user:wrong@127.0.0.1:${relay.port}`);
    const { queueId } = await q.outbound.send({
      mailFrom: 'ann@example.test',
      recipients: ['c@three.example'],
      bytes: Buffer.from('Subject: bad auth\r\n\r\nhi\r\n'),
    });
    await q.runner.runOnce();
    const m = (await h.store.getQueuedMessage(queueId!))!;
    assert.equal(m.recipients[0].state, 'deferred');
    assert.match(m.recipients[0].lastError ?? '', /535/);
    assert.doesNotMatch(m.recipients[0].lastError ?? '', /wrong/, 'the password is never recorded');
    await h.store.deleteQueuedMessage(queueId!);
  });
});
