/**
 * COMPRESS=DEFLATE (RFC 4978) with imapflow, which turns it on by itself when the server announces
 * it: through a byte-counting TCP relay, the same large, compressible message is downloaded once by
 * a client left to its default (compressed) and once by one with compression disabled; the first
 * must cost a fraction of the bytes on the wire, and both must get the message intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { startImap } from '../../protocols/imap/harness.js';

const USER = 'dee@example.test';
const PASS = 'Dee-imap-secret-1';

/** A relay to `port` that counts the bytes the server sends; `received()` since the last reset. */
async function countingRelay(port: number): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    upstream.on('data', (d: Buffer) => { bytes += d.length; });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('imapflow negotiates COMPRESS=DEFLATE and its traffic is really deflated', async (t) => {
  const h = await startImap();
  await h.t.addUser(USER, PASS);
  const relay = await countingRelay(h.tlsPort);
  t.after(async () => {
    await relay.close();
    await h.close();
  });
  const body = Array.from({ length: 4000 }, (_, i) => `Line ${i % 50} of a report that repeats itself a great deal.`).join('\r\n');
  const message = `From: Bob <bob@example.net>\r\nTo: ${USER}\r\nSubject: big and dull\r\nMessage-ID: <dull@example.net>\r\n\r\n${body}\r\n`;

  const download = async (disableCompression: boolean): Promise<{ bytes: number; source: string; compressed: boolean }> => {
    const client = new ImapFlow({
      host: '127.0.0.1', port: relay.port, secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: PASS },
      logger: false, disableCompression, socketTimeout: 120_000,
    });
    await client.connect();
    assert.ok(client.capabilities.has('COMPRESS=DEFLATE'), 'announced after login');
    const lock = await client.getMailboxLock('INBOX');
    try {
      const before = relay.received();
      const m = await client.fetchOne('1', { source: true });
      const bytes = relay.received() - before;
      // imapflow keeps its inflater on the connection once COMPRESS succeeded (RFC 4978 §3).
      const compressed = Boolean((client as unknown as { _inflate?: unknown })._inflate);
      return { bytes, source: (m as { source: Buffer }).source.toString('utf8'), compressed };
    } finally {
      lock.release();
      await client.logout();
    }
  };

  const setup = new ImapFlow({
    host: '127.0.0.1', port: h.tlsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: PASS }, logger: false,
  });
  await setup.connect();
  await setup.append('INBOX', message);
  await setup.logout();

  const plain = await download(true);
  const squeezed = await download(false);
  assert.equal(plain.compressed, false);
  assert.equal(squeezed.compressed, true, 'imapflow switched to COMPRESS=DEFLATE');
  assert.equal(plain.source, message);
  assert.equal(squeezed.source, message);
  assert.ok(plain.bytes > message.length, `uncompressed: ${plain.bytes} bytes on the wire for ${message.length}`);
  assert.ok(squeezed.bytes * 5 < plain.bytes, `compressed: ${squeezed.bytes} bytes on the wire against ${plain.bytes}`);
});
