import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { ConfigError, loadConfig, type Config } from '../../../src/server/config.js';
import { loadTls, type TlsMaterial } from '../../../src/server/tls.js';

/** A certificate for `cn` (also its subjectAltName), written to dir as cn.crt / cn.key. */
async function certFor(dir: string, cn: string): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: cn }] }],
  });
  const cert = join(dir, `${cn}.crt`);
  const key = join(dir, `${cn}.key`);
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private);
  return { cert, key };
}

function configWith(dir: string, certificates: Config['tls']['certificates']): Config {
  const base = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_HOSTNAME: 'mail.example.test' });
  return { ...base, tls: { certificates } };
}

/** A TLS listener as serve.ts builds it (default cert + SNICallback). */
async function listen(tls: TlsMaterial): Promise<Server> {
  const server = createServer({ cert: tls.cert, key: tls.key, SNICallback: tls.SNICallback, minVersion: 'TLSv1.2' }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** The CN of the certificate the server presents for `servername` (none: no SNI). */
function peerCn(server: Server, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.destroy();
      resolve(Array.isArray(cn) ? cn[0] : String(cn));
    });
    socket.on('error', reject);
  });
}

describe('TLS', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hearth-tls-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('picks the configured certificate by SNI host name, the first one by default', async () => {
    const a = await certFor(dir, 'mail.alpha.test');
    const b = await certFor(dir, 'mail.beta.test');
    const w = await certFor(dir, 'wild.gamma.test');
    const tls = await loadTls(configWith(dir, [
      { hostnames: ['mail.alpha.test', 'autodiscover.alpha.test'], ...a },
      { hostnames: ['MAIL.BETA.TEST'], ...b },
      { hostnames: ['*.gamma.test'], ...w },
    ]));
    assert.equal(tls.selfSigned, false);
    const server = await listen(tls);
    try {
      assert.equal(await peerCn(server, 'mail.beta.test'), 'mail.beta.test');
      assert.equal(await peerCn(server, 'Mail.Beta.Test'), 'mail.beta.test', 'case-insensitive');
      assert.equal(await peerCn(server, 'mail.alpha.test'), 'mail.alpha.test');
      assert.equal(await peerCn(server, 'autodiscover.alpha.test'), 'mail.alpha.test', 'second host name of a certificate');
      assert.equal(await peerCn(server, 'x.gamma.test'), 'wild.gamma.test', 'wildcard');
      assert.equal(await peerCn(server, 'a.b.gamma.test'), 'mail.alpha.test', 'a wildcard covers one label only');
      assert.equal(await peerCn(server, 'gamma.test'), 'mail.alpha.test', 'a wildcard does not cover the bare domain');
      assert.equal(await peerCn(server, 'unknown.test'), 'mail.alpha.test', 'unknown name: the first (default) certificate');
      assert.equal(await peerCn(server), 'mail.alpha.test', 'no SNI: the default certificate');
    } finally {
      server.close();
    }
  });

  it('refuses an unreadable or invalid certificate with one ConfigError line', async () => {
    const missing = { hostnames: ['x.test'], cert: join(dir, 'nope.crt'), key: join(dir, 'nope.key') };
    await assert.rejects(loadTls(configWith(dir, [missing])), (e: unknown) =>
      e instanceof ConfigError && e.message.startsWith('tls.certificates:') && !e.message.includes('\n'));
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    await assert.rejects(loadTls(configWith(dir, [{ hostnames: ['x.test'], cert: garbage, key: garbage }])), (e: unknown) =>
      e instanceof ConfigError && e.message.includes('x.test') && !e.message.includes('\n'));
  });

  it('without certificates, generates DATA/tls/self-signed.crt once and reuses it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hearth-tls-self-'));
    try {
      const config = configWith(data, []);
      const first = await loadTls(config);
      assert.equal(first.selfSigned, true);
      const certFile = join(data, 'tls', 'self-signed.crt');
      const keyFile = join(data, 'tls', 'self-signed.key');
      assert.equal(readFileSync(certFile, 'utf8'), first.cert);
      assert.equal(statSync(keyFile).mode & 0o077, 0, 'the key is private to its owner');
      const x509 = new X509Certificate(first.cert);
      assert.match(x509.subject, /CN=mail\.example\.test/);
      assert.ok(x509.checkHost('mail.example.test'));
      assert.ok(x509.checkHost('localhost'));
      assert.ok(new Date(x509.validTo).getTime() > Date.now() + 365 * 86_400_000);
      const mtime = statSync(certFile).mtimeMs;

      const second = await loadTls(config);
      assert.equal(second.cert, first.cert, 'reused, not regenerated');
      assert.equal(second.key, first.key);
      assert.equal(statSync(certFile).mtimeMs, mtime);

      const server = await listen(second);
      try {
        assert.equal(await peerCn(server, 'mail.example.test'), 'mail.example.test');
        assert.equal(await peerCn(server), 'mail.example.test');
      } finally {
        server.close();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
