/** Per-IP connection and command-rate limits, and a bounded DATA: 421 4.7.0 and 552 at the wire. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, RecordingDelivery, type SmtpHarness } from './harness.js';
import { Wire } from './wire.js';

let h: SmtpHarness;
const delivery = new RecordingDelivery();

before(async () => {
  // A huge refill period: the bucket does not refill during the test, whatever the machine's speed.
  h = await startHarness({ delivery, smtp: { maxConnectionsPerIp: 2, commandBurst: 6, commandsPerMinute: 1, maxMessageSize: 64 * 1024 } });
  await h.addUser('ann@example.test', 'Secret-pass-1');
});
after(() => h.close());

test('a third concurrent connection from one address gets 421 4.7.0; a slot frees on close', async () => {
  const a = await Wire.open(h.mx);
  const b = await Wire.open(h.mx);
  const c = await Wire.open(h.mx);
  assert.match(c.greeting.text, /^421 4\.7\.0/);
  c.wire.close();
  a.wire.close();
  b.wire.close();
  // The slot is released when the server sees the close: retry until it has (no fixed sleep).
  for (;;) {
    const d = await Wire.open(h.mx);
    d.wire.close();
    if (d.greeting.code === 220) break;
    await new Promise((r) => setImmediate(r));
  }
});

test('past the command budget the client gets 421 4.7.0 and is disconnected', async () => {
  const { wire } = await Wire.open(h.mx);
  await wire.cmd('EHLO client.example.net');
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) {
    // Each MAIL spends a token; RSET does not (it starts the next transaction).
    const r = await wire.cmd(i % 2 ? 'RSET' : 'MAIL FROM:<x@example.net>');
    codes.push(r.code);
    if (r.code === 421 || r.code === 0) break;
  }
  assert.ok(codes.includes(421), codes.join(','));
  assert.equal((await wire.cmd('NOOP')).code, 0);
  wire.close();
});

test('DATA over the server cap is read to the end and refused with 552 5.3.4, memory bounded', async () => {
  // A server of its own: 127.0.0.1 spent its command budget above.
  const fresh = await startHarness({ delivery, smtp: { maxMessageSize: 64 * 1024 } });
  try {
    await fresh.addUser('ann@example.test', 'Secret-pass-1');
    const { wire } = await Wire.open(fresh.mx);
    await wire.cmd('EHLO client.example.net');
    await wire.cmd('MAIL FROM:<x@example.net>');
    assert.equal((await wire.cmd('RCPT TO:<ann@example.test>')).code, 250);
    const before = process.memoryUsage().rss;
    assert.equal((await wire.cmd('DATA')).code, 354);
    const line = `${'y'.repeat(998)}\r\n`;
    for (let i = 0; i < 8 * 1024; i++) wire.write(line); // 8 MB
    wire.write('.\r\n');
    assert.match((await wire.read()).text, /^552 5\.3\.4/);
    // Generous bound: 8 MB went through; nowhere near all of it may stay in memory at once.
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024);
    assert.equal((await wire.cmd('NOOP')).code, 250);
    wire.close();
  } finally {
    await fresh.close();
  }
});

test('an early talker (a command before the greeting) gets 421 and no session', async () => {
  // A greet pause far longer than the test: the command surely arrives before the greeting.
  const paused = await startHarness({ delivery, smtp: { greetingDelayMs: 60_000 } });
  try {
    const { connect } = await import('node:net');
    const socket = connect({ host: '127.0.0.1', port: paused.mx });
    socket.setEncoding('utf8');
    let text = '';
    socket.on('data', (d: string) => { text += d; });
    socket.once('connect', () => socket.write('EHLO spammer.example\r\n'));
    await new Promise((r) => socket.once('close', r));
    assert.match(text, /^421 /);
    assert.doesNotMatch(text, /^220 /m);
  } finally {
    await paused.close();
  }
});
