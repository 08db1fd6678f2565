/**
 * Issue 8.1: no work before authentication. Credentials, the device's access and provisioning,
 * and the declared size are checked before any body byte is read; a body over the command's
 * limit is refused with 413 whatever its declared length. Measured in-process by counting the
 * bytes the server pulls from a streaming upload (never a duration).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import net from 'node:net';
import { basic, makeHarness, TestDevice, type Harness } from './harness.js';

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x41);

/** A body of `total` bytes made of one reused chunk, counting what the server actually pulled. */
function countingBody(total: number): { stream: Readable; pulled: () => number } {
  let sent = 0;
  const stream = new Readable({
    highWaterMark: CHUNK.length,
    read() {
      if (sent >= total) { this.push(null); return; }
      const n = Math.min(CHUNK.length, total - sent);
      sent += n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
  return { stream, pulled: () => sent };
}

function query(cmd: string, deviceId: string, user = 'alice@example.com'): string {
  return new URLSearchParams({ Cmd: cmd, User: user, DeviceId: deviceId, DeviceType: 'iPhone' }).toString();
}

describe('ActiveSync: nothing read before authentication and admission (issue 8.1)', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('alice@example.com', 'alice-pass-1');
  });
  after(() => h.close());

  it('eight anonymous 50 MB uploads get 401 without their bodies being read', async () => {
    const rssBefore = process.memoryUsage().rss;
    const uploads = Array.from({ length: 8 }, () => countingBody(50 * 1000 * 1000));
    const answers = await Promise.all(uploads.map((u) => h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?${query('Sync', 'ANON1')}`,
      headers: { 'content-type': 'application/vnd.ms-sync.wbxml', 'content-length': String(50 * 1000 * 1000), 'ms-asprotocolversion': '14.1' },
      payload: u.stream,
    })));
    // Only what stream buffering pulled on its own, never the body (the old code read all 50 MB).
    for (const u of uploads) assert.ok(u.pulled() <= 1 * MiB, `pulled ${u.pulled()} bytes`);
    for (const r of answers) {
      assert.equal(r.statusCode, 401);
      assert.equal(r.headers.connection, 'close');
    }
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 150 * MiB, `rss grew by ${Math.round(grown / MiB)} MiB`);
  });

  it('on a real socket, an anonymous 50 MB upload is answered 401 and the connection closed mid-body', async () => {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (h.app.server.address() as { port: number }).port;
    const total = 50 * 1000 * 1000;
    const { written, head } = await new Promise<{ written: number; head: string }>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      let sent = 0;
      let reply = '';
      let closed = false;
      const done = () => resolve({ written: sent, head: reply.split('\r\n')[0] });
      sock.on('data', (d) => {
        reply += d.toString('latin1');
        // A server that read the whole body answers and keeps the connection: end the test there.
        if (sent >= total && reply.includes('\r\n\r\n')) { sock.destroy(); done(); }
      });
      // EPIPE / ECONNRESET: the server stopped reading, which is the point.
      sock.on('error', () => undefined);
      sock.on('close', () => { closed = true; done(); });
      sock.write(`POST /Microsoft-Server-ActiveSync?${query('Sync', 'SOCK1')} HTTP/1.1\r\nHost: test\r\n`
        + `Content-Type: application/vnd.ms-sync.wbxml\r\nContent-Length: ${total}\r\n\r\n`);
      const pump = () => {
        while (!closed && sent < total) {
          sent += CHUNK.length;
          if (!sock.write(CHUNK)) { sock.once('drain', pump); return; }
        }
      };
      pump();
    });
    // The client could push only what socket buffers hold before the server closed on it.
    assert.ok(written < total / 2, `the client wrote ${written} bytes`);
    if (head) assert.equal(head, 'HTTP/1.1 401 Unauthorized');
  });

  it('a wrong password with a large body is answered 401 before the body', async () => {
    const u = countingBody(20 * MiB);
    const r = await h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?${query('FolderSync', 'BADPW')}`,
      headers: { authorization: basic('alice@example.com', 'nope'), 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '14.1' },
      payload: u.stream,
    });
    assert.equal(r.statusCode, 401);
    assert.ok(u.pulled() <= 1 * MiB, `pulled ${u.pulled()} bytes`);
  });

  it('a blocked device is refused before its body is read', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'BLOCKED1');
    await d.provision();
    const acc = await h.ctx.store.getAccount('alice@example.com');
    const dev = (await h.ctx.store.getDevice(acc!.id, 'BLOCKED1'))!;
    await h.ctx.store.updateDevice(dev.id, { access: 'blocked', info: { ...dev.info, accessSource: 'admin' } });
    const u = countingBody(20 * MiB);
    const r = await h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?${query('Sync', 'BLOCKED1')}`,
      headers: { authorization: basic('alice@example.com', 'alice-pass-1'), 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '14.1', 'x-ms-policykey': d.policyKey ?? '0' },
      payload: u.stream,
    });
    assert.equal(r.statusCode, 200); // 14.1: the command's own Status 129
    assert.ok(u.pulled() <= 1 * MiB, `pulled ${u.pulled()} bytes`);
  });

  it('a declared Content-Length over the command limit gets 413 and no body is read', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'BIGDECL');
    await d.provision();
    const u = countingBody(8 * MiB);
    const r = await h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?${query('FolderSync', 'BIGDECL')}`,
      headers: {
        authorization: basic('alice@example.com', 'alice-pass-1'), 'content-type': 'application/vnd.ms-sync.wbxml',
        'ms-asprotocolversion': '14.1', 'x-ms-policykey': d.policyKey!, 'content-length': String(8 * MiB),
      },
      payload: u.stream,
    });
    assert.equal(r.statusCode, 413);
    assert.equal(r.headers.connection, 'close');
    assert.ok(u.pulled() <= 1 * MiB, `pulled ${u.pulled()} bytes`);
  });

  it('a chunked body that outgrows the command limit is cut off at the limit with 413', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'BIGCHUNK');
    await d.provision();
    const u = countingBody(40 * MiB);
    const r = await h.app.inject({
      method: 'POST', url: `/Microsoft-Server-ActiveSync?${query('Sync', 'BIGCHUNK')}`,
      headers: {
        authorization: basic('alice@example.com', 'alice-pass-1'), 'content-type': 'application/vnd.ms-sync.wbxml',
        'ms-asprotocolversion': '14.1', 'x-ms-policykey': d.policyKey!, 'transfer-encoding': 'chunked',
      },
      payload: u.stream,
    });
    assert.equal(r.statusCode, 413);
    // Sync allows 16 MiB by default: reading stops right after it.
    assert.ok(u.pulled() <= 18 * MiB, `pulled ${u.pulled()} bytes`);
  });

  it('a body within the limit still works (FolderSync)', async () => {
    const d = new TestDevice(h.app, 'alice@example.com', 'alice-pass-1', 'SMALLOK');
    await d.provision();
    const r = await d.folderSync('0');
    assert.equal(r.status, 200);
    assert.ok(r.doc);
  });
});
