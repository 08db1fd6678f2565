/**
 * Swaks (Debian's SMTP test tool, a client we did not write) against the listeners, into the
 * real mail store: MX delivery, unknown user 550 at RCPT, relay refused, submission over
 * STARTTLS with AUTH, spoofed sender refused, size limit, implicit TLS.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { startHarness, type SmtpHarness } from '../../protocols/smtp/harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';

const PW = 'Swaks-pass-123';
const hasSwaks = spawnSync('swaks', ['--version']).status === 0;
const skip = hasSwaks ? false : 'swaks is not installed (apt-get install swaks)';
let h: SmtpHarness;

before(async () => {
  if (!hasSwaks) return;
  const holder: { d?: ReturnType<typeof storeDelivery> } = {};
  h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
  holder.d = storeDelivery(h.store, pino({ level: 'silent' }));
  await h.addUser('ann@example.test', PW);
  await h.addUser('bob@example.test', PW);
  const small = await h.domain('small.test');
  await h.store.updateDomain(small.id, { maxMessageSize: 4096 });
  await h.addUser('sam@small.test', PW);
});
after(async () => { if (hasSwaks) await h.close(); });

/** Runs swaks asynchronously (the server runs in this process) and returns its transcript. */
async function swaks(args: string[]): Promise<{ status: number | null; out: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const p = spawn('swaks', ['--server', '127.0.0.1', '--helo', 'client.example.net', '--timeout', '30', ...args]);
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (status) => resolve({ status, out }));
  });
}

async function inbox(email: string): Promise<string[]> {
  const a = (await h.store.getAccount(email))!;
  const f = (await h.store.findFolderByRole(a.id, 'inbox'))!;
  return (await h.store.listMessages(f.id)).map((m) => m.parsed.subject);
}

test('MX: delivered to the inbox', { skip }, async () => {
  const r = await swaks(['--port', String(h.mx), '--from', 'x@example.net', '--to', 'ann@example.test', '--header', 'Subject: via swaks']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /<- {2}250 2\.6\.0/);
  assert.deepEqual(await inbox('ann@example.test'), ['via swaks']);
});

test('MX: unknown user 550 5.1.1 and relay 554 5.7.1, both at RCPT', { skip }, async () => {
  const unknown = await swaks(['--port', String(h.mx), '--from', 'x@example.net', '--to', 'nobody@example.test']);
  assert.match(unknown.out, /<\*\* 550 5\.1\.1/);
  const relay = await swaks(['--port', String(h.mx), '--from', 'x@example.net', '--to', 'victim@elsewhere.example']);
  assert.match(relay.out, /<\*\* 554 5\.7\.1/);
});

test('submission: STARTTLS + AUTH PLAIN delivers; a spoofed sender gets 553 5.7.1; no AUTH without TLS', { skip }, async () => {
  const ok = await swaks(['--port', String(h.submission), '-tls', '--auth', 'PLAIN', '--auth-user', 'ann@example.test', '--auth-password', PW,
    '--from', 'ann@example.test', '--to', 'bob@example.test', '--header', 'Subject: submitted', '--header', 'From: ann@example.test']);
  assert.equal(ok.status, 0, ok.out);
  assert.deepEqual(await inbox('bob@example.test'), ['submitted']);
  const spoof = await swaks(['--port', String(h.submission), '-tls', '--auth', 'LOGIN', '--auth-user', 'ann@example.test', '--auth-password', PW,
    '--from', 'bob@example.test', '--to', 'bob@example.test']);
  assert.match(spoof.out, /<(\*\*|~\*) 553 5\.7\.1/); // "<~*" is swaks for an error inside TLS
  const plain = await swaks(['--port', String(h.submission), '--auth', 'PLAIN', '--auth-user', 'ann@example.test', '--auth-password', PW,
    '--from', 'ann@example.test', '--to', 'bob@example.test']);
  assert.notEqual(plain.status, 0);
  assert.doesNotMatch(plain.out, /235 /);
});

test('size: over the domain limit 552 5.3.4, nothing stored', { skip }, async () => {
  const r = await swaks(['--port', String(h.mx), '--from', 'x@example.net', '--to', 'sam@small.test', '--header', 'Subject: big',
    '--body', 'z'.repeat(8000)]);
  assert.match(r.out, /<\*\* 552 5\.3\.4/);
  assert.deepEqual(await inbox('sam@small.test'), []);
});

test('implicit TLS submission (--tlsc)', { skip }, async () => {
  const r = await swaks(['--port', String(h.submissions), '--tlsc', '--auth', 'PLAIN', '--auth-user', 'ann@example.test', '--auth-password', PW,
    '--from', 'ann@example.test', '--to', 'bob@example.test', '--header', 'Subject: over 465', '--header', 'From: ann@example.test']);
  assert.equal(r.status, 0, r.out);
  assert.ok((await inbox('bob@example.test')).includes('over 465'));
});
