import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { buildServer } from '../../../src/server/app.js';
import { routeExpectContinue } from '../../../src/server/serve.js';
import { createTestContext } from '../../helpers/context.js';

/** Sends the head, waits for the first answer, sends the body only after a 100; returns what came back. */
function putWithExpect(port: number, path: string, auth: string, body: Buffer): Promise<{ first: string; all: string; sentBody: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    let first = '';
    let sentBody = false;
    s.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (!first && data.includes('\r\n\r\n')) {
        first = data.split('\r\n')[0];
        if (first.includes(' 100 ')) { sentBody = true; s.write(body); }
      }
      if (sentBody && /HTTP\/1\.1 [2-5]\d\d/.test(data.slice(data.indexOf('\r\n\r\n') + 4))) s.end();
    });
    s.on('end', () => resolve({ first, all: data, sentBody }));
    s.on('error', reject);
    s.write(`PUT ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(auth).toString('base64')}\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
  });
}

test('Expect: 100-continue: refused before the body is sent, continued only after the checks pass', async () => {
  const t = await createTestContext();
  const app = await buildServer(t.ctx);
  try {
    await t.addUser('up@load.example', 'upload-pass-1', { quotaBytes: 10_000 });
    routeExpectContinue(app.server, (req, res) => app.server.emit('request', req, res));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const wrong = await putWithExpect(port, '/dav/files/up@load.example/a.bin', 'up@load.example:nope-nope', Buffer.alloc(5000));
    assert.match(wrong.first, /^HTTP\/1\.1 401 /);
    assert.equal(wrong.sentBody, false);
    const tooBig = await putWithExpect(port, '/dav/files/up@load.example/b.bin', 'up@load.example:upload-pass-1', Buffer.alloc(50_000));
    assert.match(tooBig.first, /^HTTP\/1\.1 507 /, 'over quota: refused from the declared length');
    assert.equal(tooBig.sentBody, false);
    const ok = await putWithExpect(port, '/dav/files/up@load.example/c.bin', 'up@load.example:upload-pass-1', Buffer.alloc(5000, 7));
    assert.match(ok.first, /^HTTP\/1\.1 100 /);
    assert.match(ok.all, /HTTP\/1\.1 201 /);
    const files = (await t.store.findFolderByRole((await t.store.getAccount('up@load.example'))!.id, 'files'))!;
    assert.equal((await t.store.getItemByName(files.id, 'c.bin'))?.size, 5000);
  } finally {
    await app.close();
    await t.close();
  }
});
