/**
 * The DSN extension (RFC 3461) over the wire: swaks sees DSN in the EHLO answer; nodemailer (a
 * client we did not write) sends NOTIFY, ORCPT, RET and ENVID; the real outbound queue delivers
 * to a second SMTP server on loopback acting as the remote MX; the notices (RFC 3464) land in
 * the sender's inbox (local sender) or at the remote MX (remote sender).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../../protocols/smtp/harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { createQueue, type OutboundQueue } from '../../../src/server/queue.js';
import { RemoteMx, testResolver } from '../../src/mail/queue/remote-mx.js';

const PW = 'Dsn-pass-123';
let h: SmtpHarness;
let remote: RemoteMx;
let queue: OutboundQueue;

before(async () => {
  remote = await new RemoteMx().start();
  remote.rule = (address) => (address.startsWith('nobody@') ? { code: 550, text: '5.1.1 No such user' } : null);
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
  Object.assign(h.config.queue, { mxPort: remote.port });
  queue = createQueue(h.config, h.store, pino({ level: 'silent' }), { resolver: testResolver });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }), { queue: queue.outbound, outbound: queue.outbound });
  queue.start();
  await h.addUser('ann@example.test', PW);
  await h.addUser('bob@example.test', PW);
});
after(async () => {
  await queue.stop();
  await h.close();
  await remote.close();
});

/** Inbox texts of a local user once one matches `until` (generous deadline, nothing timed). */
async function inboxTexts(email: string, until: RegExp): Promise<string[]> {
  const a = (await h.store.getAccount(email))!;
  const f = (await h.store.findFolderByRole(a.id, 'inbox'))!;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ms = await h.store.listMessages(f.id);
    const texts = await Promise.all(ms.map(async (m) => (await h.store.readMessageBytes(m.itemId))!.toString('latin1')));
    if (texts.some((t) => until.test(t))) return texts;
    assert.ok(Date.now() < deadline, `a message matching ${until} in ${email}'s inbox within two minutes`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function remoteReceived(match: RegExp, count = 1): Promise<string[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const got = remote.received.map((r) => r.bytes.toString('latin1')).filter((t) => match.test(t));
    if (got.length >= count) return got;
    assert.ok(Date.now() < deadline, 'the remote MX received it within two minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const submission = () => nodemailer.createTransport({
  host: '127.0.0.1', port: h.submission, secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
  auth: { user: 'ann@example.test', pass: PW },
});

test('EHLO advertises DSN on the MX (swaks)', { skip: spawnSync('swaks', ['--version']).status === 0 ? false : 'swaks is not installed' }, async () => {
  const out = await new Promise<string>((resolve) => {
    const p = spawn('swaks', ['--server', '127.0.0.1', '--port', String(h.mx), '--quit-after', 'EHLO', '--helo', 'client.example.net']);
    let text = '';
    p.stdout.on('data', (d) => { text += d; });
    p.on('close', () => resolve(text));
  });
  assert.match(out, /<- {2}250[- ]DSN/);
});

test('NOTIFY=SUCCESS to a remote recipient: the remote MX gets it, the sender a "relayed" DSN with ENVID and ORCPT', async () => {
  await submission().sendMail({
    from: 'ann@example.test', to: 'carol@remote.example', subject: 'relay me', text: 'hello',
    dsn: { id: 'env-42', return: 'headers', notify: ['success', 'failure'], recipient: 'carol@remote.example' },
  });
  await remoteReceived(/Subject: relay me/);
  const [dsn] = (await inboxTexts('ann@example.test', /Action: relayed/)).filter((t) => /Action: relayed/.test(t));
  assert.ok(dsn, 'a DSN in the sender\'s inbox');
  assert.match(dsn, /Original-Envelope-Id: env-42/);
  assert.match(dsn, /Original-Recipient: rfc822; carol@remote\.example/);
  assert.match(dsn, /Final-Recipient: rfc822; carol@remote\.example\r\nAction: relayed\r\nStatus: 2\.0\.0/);
  assert.match(dsn, /Content-Type: text\/rfc822-headers/); // RET=HDRS
});

test('NOTIFY=NEVER suppresses the failure DSN; NOTIFY=FAILURE with RET=FULL returns the whole message', async () => {
  await submission().sendMail({ from: 'ann@example.test', to: 'nobody@remote.example', subject: 'never tell', text: 'x', dsn: { notify: 'never' } });
  await submission().sendMail({
    from: 'ann@example.test', to: 'nobody@other.example', subject: 'tell me', text: 'the whole body',
    dsn: { id: 'env-43', return: 'full', notify: 'failure' },
  });
  // Two attempts reached the remote MX (each refused at RCPT); only the second asked for a notice.
  const deadline = Date.now() + 120_000;
  while ((remote.rcptCalls.get('nobody@remote.example') ?? 0) === 0 || (remote.rcptCalls.get('nobody@other.example') ?? 0) === 0) {
    assert.ok(Date.now() < deadline);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Wait until the queue is empty (both attempts done and every DSN delivered).
  while ((await h.store.listQueue()).length) {
    assert.ok(Date.now() < deadline);
    await new Promise((r) => setTimeout(r, 50));
  }
  const failures = (await inboxTexts('ann@example.test', /Original-Envelope-Id: env-43/)).filter((t) => /Action: failed/.test(t));
  assert.equal(failures.length, 1, 'one failure DSN: none for NOTIFY=NEVER');
  assert.match(failures[0], /Original-Envelope-Id: env-43/);
  assert.match(failures[0], /Content-Type: message\/rfc822/);
  assert.match(failures[0], /the whole body/);
  assert.doesNotMatch(failures[0], /never tell/);
});

test('MX: NOTIFY=SUCCESS for a local mailbox sends a "delivered" DSN to the remote sender', async () => {
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true });
  await mx.sendMail({
    from: 'dave@remote.example', to: 'bob@example.test', subject: 'did it arrive', text: 'x',
    dsn: { id: 'env-44', return: 'headers', notify: ['success'], recipient: 'bob@example.test' },
  });
  const [dsn] = await remoteReceived(/Original-Envelope-Id: env-44/);
  assert.match(dsn, /Final-Recipient: rfc822; bob@example\.test\r\nAction: delivered\r\nStatus: 2\.0\.0/);
  assert.ok(remote.received.some((r) => r.from === '' && r.to.includes('dave@remote.example')), 'sent from the null sender to the original sender');
  assert.equal((await inboxTexts('bob@example.test', /did it arrive/)).length, 1);
});
