/**
 * Hostile or broken remote servers: the queue's SMTP client answers every case with a result
 * (no answer: try the next host / retry; a reply: that reply) and never throws or hangs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { converse } from '../../../../src/mail/queue/smtp-client.js';
import { stateOf } from '../../../../src/mail/queue/runner.js';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function fake(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const talk = (port: number) =>
  converse(
    { host: '127.0.0.1', servername: 'mx.test', port, secure: false, verifyTls: false, auth: null },
    {
      helo: 'mail.example.test',
      mailFrom: 'ann@example.test',
      recipients: ['a@remote.example', 'b@remote.example'],
      bytes: Buffer.from('Subject: x\r\n\r\nx\r\n'),
      timeoutMs: 20_000,
    },
  );

/** A scripted server: greeting, then `answer(line)` for each command line (null: close). */
function scripted(greeting: string, answer: (line: string) => string | null) {
  return fake((socket) => {
    socket.write(greeting);
    let buf = '';
    let inData = false;
    socket.on('data', (c) => {
      buf += c.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const a = answer('.');
            if (a === null) return socket.destroy();
            socket.write(a);
          }
          continue;
        }
        const a = answer(line);
        if (a === null) return socket.destroy();
        if (/^DATA/i.test(line) && a.startsWith('354')) inData = true;
        socket.write(a);
      }
    });
  });
}

test('connection closed at once, or garbage instead of a greeting: not reached, no reply code', async () => {
  for (const port of [await fake((s) => s.destroy()), await fake((s) => s.end('garbage without a code\r\n'))]) {
    const c = await talk(port);
    assert.equal(c.reached, false);
    assert.deepEqual(
      c.replies.map((r) => [r.address, r.code]),
      [
        ['a@remote.example', null],
        ['b@remote.example', null],
      ],
    );
  }
});

test('a 554 greeting is not a dialogue: the next host is tried', async () => {
  const c = await talk(await fake((s) => s.end('554 5.7.1 go away\r\n')));
  assert.equal(c.reached, false);
  assert.equal(c.replies[0].code, 554);
});

test('per-recipient replies: one refused at RCPT, the other accepted at the end of DATA', async () => {
  const port = await scripted('220 mx.test ESMTP\r\n', (line) => {
    if (/^EHLO/i.test(line)) return '250-mx.test\r\n250 8BITMIME\r\n';
    if (/^RCPT TO:<a@/i.test(line)) return '550 5.1.1 unknown user a\r\n';
    if (/^DATA/i.test(line)) return '354 go ahead\r\n';
    if (line === '.') return '250 2.0.0 queued as X1\r\n';
    if (/^QUIT/i.test(line)) return '221 bye\r\n';
    return '250 ok\r\n';
  });
  const c = await talk(port);
  assert.equal(c.reached, true);
  assert.deepEqual(
    c.replies.map((r) => [r.address, r.code]),
    [
      ['a@remote.example', 550],
      ['b@remote.example', 250],
    ],
  );
  assert.match(c.replies[0].reply, /unknown user a/);
});

test('a connection dropped during DATA: reached, every recipient without a reply code (retried)', async () => {
  const port = await scripted('220 mx.test ESMTP\r\n', (line) => {
    if (/^EHLO/i.test(line)) return '250 mx.test\r\n';
    if (/^DATA/i.test(line)) return '354 go ahead\r\n';
    if (line === '.') return null;
    return '250 ok\r\n';
  });
  const c = await talk(port);
  assert.ok(
    c.replies.every((r) => r.code === null),
    JSON.stringify(c.replies),
  );
});

test('nonsense reply codes and an overlong line end in a result, not a hang or a crash', async () => {
  const weird = await scripted('220 mx.test\r\n', (line) => (/^EHLO/i.test(line) ? '250 mx.test\r\n' : '999 what\r\n'));
  const w = await talk(weird);
  assert.ok(
    w.replies.every((r) => stateOf(r) === 'deferred'),
    `a nonsense reply is retried, never a bounce: ${JSON.stringify(w.replies)}`,
  );
  const long = await fake((s) => s.write(`220 ${'x'.repeat(2_000_000)}\r\n`));
  const l = await talk(long);
  assert.equal(l.reached, false);
});
