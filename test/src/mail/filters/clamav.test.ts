/**
 * The ClamAV client against a real clamd (started here, private config, a one-signature
 * database for EICAR): INSTREAM over TCP and the unix socket, a virus in plain text and in a
 * base64 attachment, clean mail, the size cap, clamd's own StreamMaxLength, a daemon that is
 * down and one that answers nonsense.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { ClamavFilter } from '../../../../src/mail/filters/clamav.js';
import { FilterUnavailableError, type FilterEnvelope } from '../../../../src/mail/filters/filter.js';
import { EICAR, clamdSkip, freePort, startClamd, type RunningClamd } from '../../../helpers/filter-daemons.js';

const env: FilterEnvelope = {
  mailFrom: 'x@example.net',
  rcptTo: ['ann@example.test'],
  remoteAddress: '192.0.2.9',
  helo: 'client.example.net',
  authenticatedUser: null,
};
const plain = (body: string) => Buffer.from(`From: x@example.net\r\nTo: ann@example.test\r\nSubject: t\r\n\r\n${body}\r\n`);

describe('ClamAV clamd INSTREAM', { skip: clamdSkip }, () => {
  let clamd: RunningClamd;
  before(async () => {
    clamd = await startClamd({ streamMaxLength: '1M' });
  });
  after(async () => {
    await clamd?.stop();
  });
  const filter = (o: Partial<ConstructorParameters<typeof ClamavFilter>[0]> = {}) =>
    new ClamavFilter({ address: clamd.address, timeoutMs: 60_000, maxBytes: 10 * 1024 * 1024, ...o });

  test('EICAR in a plain-text body is found, with the signature name', async () => {
    const v = await filter().scan(plain(EICAR), env);
    assert.equal(v.action, 'reject');
    assert.match(v.virus ?? '', /Hearth\.Test\.EICAR/);
  });

  test('EICAR in a base64 attachment is found (clamd decodes the MIME parts), over the unix socket too', async () => {
    const mail = await new MailComposer({
      from: 'x@example.net',
      to: 'ann@example.test',
      subject: 'invoice',
      text: 'see attached',
      attachments: [{ filename: 'eicar.com', content: Buffer.from(EICAR), contentTransferEncoding: 'base64' }],
    })
      .compile()
      .build();
    assert.ok(!mail.includes('EICAR-STANDARD'), 'the attachment is encoded in the message');
    assert.equal((await filter().scan(mail, env)).action, 'reject');
    assert.equal((await filter({ address: clamd.socket }).scan(mail, env)).action, 'reject');
  });

  test('clean mail is accepted, in many small chunks as in one', async () => {
    const clean = plain('Hello, lunch at noon?\r\n'.repeat(2000));
    assert.deepEqual(await filter().scan(clean, env), { action: 'accept' });
    assert.deepEqual(await filter({ chunkBytes: 100 }).scan(clean, env), { action: 'accept' });
  });

  test('a message over maxBytes is not sent and passes as skipped', async () => {
    const v = await filter({ maxBytes: 100 }).scan(plain(EICAR), env);
    assert.equal(v.action, 'accept');
    assert.match(v.skipped ?? '', /larger than 100 bytes/);
  });

  test("over clamd's own StreamMaxLength: clamd's error is an unavailable filter, not a clean verdict", async () => {
    const big = plain('x'.repeat(2 * 1024 * 1024));
    await assert.rejects(filter().scan(big, env), (e) => e instanceof FilterUnavailableError && /clamav/.test(e.message));
  });
});

describe('ClamAV client when clamd cannot answer', () => {
  const sample = plain('hello');
  test('nothing listens: FilterUnavailableError', async () => {
    const port = await freePort();
    const f = new ClamavFilter({ address: `127.0.0.1:${port}`, timeoutMs: 30_000, maxBytes: 1e6 });
    await assert.rejects(f.scan(sample, env), (e) => e instanceof FilterUnavailableError && /ECONNREFUSED/.test(e.message));
  });

  const fake = async (onData: (socket: Socket) => void): Promise<{ server: Server; address: string }> => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.once('data', () => onData(s));
      s.on('error', () => {});
    });
    server.on('close', () => {
      for (const s of sockets) s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
  };

  test('a daemon that answers nonsense, closes without answering, never answers or never stops is unavailable', async () => {
    const nonsense = await fake((s) => s.end('I am not clamd\0'));
    const silent = await fake((s) => s.destroy());
    const hung = await fake(() => {});
    const endless = await fake((s) => s.write('x'.repeat(100_000)));
    try {
      for (const [address, why] of [
        [nonsense.address, /not clamd/],
        [silent.address, /closed|ECONNRESET|EPIPE/],
        [hung.address, /no answer within/],
        [endless.address, /answer too long/],
      ] as const) {
        const f = new ClamavFilter({ address, timeoutMs: 1500, maxBytes: 1e6 });
        await assert.rejects(f.scan(sample, env), (e) => e instanceof FilterUnavailableError && why.test(e.message));
      }
    } finally {
      for (const f of [nonsense, silent, hung, endless]) f.server.close();
    }
  });

  test('a malformed address is unavailable, not a crash', async () => {
    const f = new ClamavFilter({ address: 'no-port-here', timeoutMs: 1000, maxBytes: 1e6 });
    await assert.rejects(f.scan(sample, env), FilterUnavailableError);
  });
});
