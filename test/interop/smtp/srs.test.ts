/**
 * SRS over the wire: swaks (a client we did not write) sends to the MX for an alias whose target
 * is in another domain; the real outbound queue forwards it to a second SMTP server on loopback
 * (the remote MX) with an SRS0 reverse-path; a bounce sent back to that address reaches the
 * original sender; a forged SRS address is unknown (550 at RCPT, never relayed).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../../protocols/smtp/harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { createQueue, type OutboundQueue } from '../../../src/server/queue.js';
import { RemoteMx, testResolver } from '../../src/mail/queue/remote-mx.js';

const hasSwaks = spawnSync('swaks', ['--version']).status === 0;
const skip = hasSwaks ? false : 'swaks is not installed (apt-get install swaks)';
let h: SmtpHarness;
let remote: RemoteMx;
let queue: OutboundQueue;

before(async () => {
  if (!hasSwaks) return;
  remote = await new RemoteMx().start();
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
  Object.assign(h.config.queue, { mxPort: remote.port });
  queue = createQueue(h.config, h.store, pino({ level: 'silent' }), { resolver: testResolver });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }), { queue: queue.outbound, outbound: queue.outbound });
  queue.start();
  await h.addUser('ann@example.test', 'Srs-pass-123');
  await h.store.setAlias('fwd@example.test', ['carol@remote.example', 'ann@example.test']);
});
after(async () => {
  if (!hasSwaks) return;
  await queue.stop();
  await h.close();
  await remote.close();
});

async function swaks(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('swaks', ['--server', '127.0.0.1', '--port', String(h.mx), '--helo', 'client.example.net', '--timeout', '30', ...args]);
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', () => resolve(out));
  });
}

async function received(subject: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = remote.received.find((m) => m.bytes.toString('latin1').includes(`Subject: ${subject}`));
    if (r) return r;
    assert.ok(Date.now() < deadline, `"${subject}" reached the remote MX within two minutes`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

test('MX forwarding to another domain: queued with an SRS0 sender; the bounce to it goes back to the sender', { skip }, async () => {
  const out = await swaks(['--from', 'dave@other.example', '--to', 'fwd@example.test', '--header', 'Subject: forward me']);
  assert.match(out, /<- {2}250 2\.6\.0/);
  const fwd = await received('forward me');
  assert.deepEqual(fwd.to, ['carol@remote.example']);
  assert.match(fwd.from, /^SRS0=[a-z2-7]{8}=[a-z2-7]{2}=other\.example=dave@example\.test$/);
  // The local target got its copy as usual, with the original sender.
  const ann = (await h.store.getAccount('ann@example.test'))!;
  const inbox = (await h.store.findFolderByRole(ann.id, 'inbox'))!;
  assert.equal((await h.store.listMessages(inbox.id)).filter((m) => m.parsed.subject === 'forward me').length, 1);

  const bounce = await swaks(['--from', '<>', '--to', fwd.from, '--header', 'Subject: bounce of forward me']);
  assert.match(bounce, /<- {2}250 2\.6\.0/);
  const back = await received('bounce of forward me');
  assert.deepEqual(back.to, ['dave@other.example']);
  assert.equal(back.from, '');
});

test('a forged or altered SRS address is an unknown user at RCPT (no open relay)', { skip }, async () => {
  const forged = await swaks(['--from', '<>', '--to', 'SRS0=abcdefgh=aa=victim.example=x@example.test', '--quit-after', 'RCPT']);
  assert.match(forged, /<\*\* 550 5\.1\.1/);
  const out = await swaks(['--from', 'eve@other.example', '--to', 'fwd@example.test', '--header', 'Subject: forward two']);
  assert.match(out, /<- {2}250/);
  const fwd = await received('forward two');
  const altered = fwd.from.replace('=eve@', '=mallory@');
  assert.match(await swaks(['--from', '<>', '--to', altered, '--quit-after', 'RCPT']), /<\*\* 550 5\.1\.1/);
});
