import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { openStore } from '../../../src/store/open.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { startHearth } from './helpers.js';

interface Running { child: ChildProcess; banner: string; http: string; https: string | null; output(): string; stderr(): string }

const QUIET = { HEARTH_SMTP: 'off', HEARTH_SUBMISSION: 'off', HEARTH_SUBMISSIONS: 'off', HEARTH_IMAP: 'off', HEARTH_IMAPS: 'off', HEARTH_LOG_LEVEL: 'warn' };

/** `hearth serve` on port 0, resolved once the banner (one write, ending in a blank line) is out. */
function serve(cwd: string, env: Record<string, string>): Promise<Running> {
  const child = startHearth(cwd, { HEARTH_HTTP: '127.0.0.1:0', HEARTH_HTTPS: 'off', ...QUIET, ...env }, 'serve');
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { err += c; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no banner in 120 s: ${out} ${err}`)); }, 120_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code} before its banner: ${out} ${err}`)); });
    const check = () => {
      const http = /^ {2}HTTP +(http:\/\/\S+)/m.exec(out);
      if (!http || !out.includes('metrics /metrics')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, banner: out, http: http[1], https: /^ {2}HTTPS +(https:\/\/\S+)/m.exec(out)?.[1] ?? null, output: () => out + err, stderr: () => err });
    };
    child.stdout!.on('data', check);
  });
}

/** SIGTERM; resolves with the exit code, failing if the process takes longer than `ms`. */
function stop(r: Running, ms = 60_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (r.child.exitCode !== null) return resolve(r.child.exitCode);
    const timer = setTimeout(() => { r.child.kill('SIGKILL'); reject(new Error(`still running ${ms} ms after SIGTERM`)); }, ms);
    r.child.once('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal as never); });
    r.child.kill('SIGTERM');
  });
}

function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject).end();
  });
}

async function login(data: string, email: string, password: string) {
  const store = await openStore(undefined, data);
  try {
    const auth = new AuthService(store, { lockout: { maxFailures: 5, windowMs: 60_000 }, cacheTtlMs: 0 });
    return await auth.verify(email, password, '127.0.0.1');
  } finally {
    await store.close();
  }
}

describe('hearth serve', () => {
  let dir: string;
  const running: Running[] = [];
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hearth-serve-')); });
  after(async () => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('first start: banner with the real port, First start line with a generated password; /healthz; SIGTERM exits 0; second start is quiet', async () => {
    const data = join(dir, 'fresh');
    const env = { HEARTH_DATA_DIR: data, HEARTH_HTTPS: '127.0.0.1:0' };
    const first = await serve(dir, env);
    running.push(first);
    assert.match(first.banner, /^Hearth is running \(store: sqlite in .*fresh\)\./m);
    assert.match(first.http, /^http:\/\/127\.0\.0\.1:(\d+)\/$/);
    assert.notEqual(first.http, 'http://127.0.0.1:0/', 'the real port, not 0');
    assert.ok(first.https && !first.https.endsWith(':0/'), first.banner);
    assert.match(first.banner, /self-signed certificate in DATA\/tls\//);
    const m = /^First start: domain example\.test, administrator admin@example\.test with password (\S+) \(shown once: keep it\)$/m.exec(first.banner);
    assert.ok(m, first.banner);
    const password = m[1];
    assert.ok(password.length >= 12);

    const res = await fetch(new URL('healthz', first.http));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    const tls = await httpsGet(new URL('healthz', first.https!).toString());
    assert.deepEqual([tls.status, JSON.parse(tls.body)], [200, { status: 'ok' }]);

    // A clean exit on SIGTERM (a hang would hold the test until its timeout; no duration is asserted).
    assert.equal(await stop(first), 0, first.output());
    // Regression: fastify printed a deprecation warning (FSTDEP023) on every start.
    assert.equal(first.stderr(), '', 'nothing on stderr');

    const admin = await login(data, 'admin@example.test', password);
    assert.ok(admin.ok, 'the printed password logs in');
    assert.equal(admin.account.isServerAdmin, true);

    const second = await serve(dir, env);
    running.push(second);
    assert.ok(!second.banner.includes('First start'), second.banner);
    assert.equal((await fetch(new URL('healthz', second.http))).status, 200);
    assert.equal(await stop(second), 0, second.output());
  });

  it('honours HEARTH_ADMIN_PASSWORD and does not print it', async () => {
    const data = join(dir, 'with-password');
    const r = await serve(dir, { HEARTH_DATA_DIR: data, HEARTH_HOSTNAME: 'mx.provider.example', HEARTH_ADMIN_PASSWORD: 'Env-Admin-Pw-123' });
    running.push(r);
    assert.match(r.banner, /^First start: domain provider\.example, administrator admin@provider\.example \(password from HEARTH_ADMIN_PASSWORD\)$/m);
    assert.ok(!r.banner.includes('Env-Admin-Pw-123'));
    // Regression: SIGTERM right after the banner (before the handlers were installed) killed the
    // process outright instead of stopping it gracefully with status 0.
    assert.equal(await stop(r), 0, r.output());
    assert.ok((await login(data, 'admin@provider.example', 'Env-Admin-Pw-123')).ok);
    assert.equal((await login(data, 'admin@provider.example', 'something-else')).ok, false);
  });

  it('a HEARTH_ADMIN_PASSWORD the password policy refuses stops the first start with one line, exit 2, nothing created', async () => {
    const data = join(dir, 'weak-password');
    const child = startHearth(dir, { HEARTH_DATA_DIR: data, HEARTH_HTTP: '127.0.0.1:0', HEARTH_HTTPS: 'off', ...QUIET, HEARTH_HOSTNAME: 'mx.weak.example', HEARTH_ADMIN_PASSWORD: 'short' }, 'serve');
    let err = '';
    child.stderr!.on('data', (c) => { err += c; });
    child.stdout!.resume();
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(-1); }, 120_000);
      child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 2, `exit status (-1: still running after 120 s); stderr: ${err}`);
    assert.equal(err, 'hearth: HEARTH_ADMIN_PASSWORD: the password must have at least 8 characters\n');
    assert.ok(!err.includes('short'), 'the password itself is not printed');
    const store = await openStore(undefined, data);
    try {
      assert.deepEqual(await store.listDomains(), [], 'no domain, no administrator');
    } finally {
      await store.close();
    }
  });

  // Regression: with HTTP up and HTTPS failing to listen, serve printed the error and then ran on
  // forever, held open by the HTTP listener it had started.
  it('a listener that cannot start ends the process with one line naming it, exit 1', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const child = startHearth(dir, { HEARTH_DATA_DIR: join(dir, 'busy'), HEARTH_HTTP: '127.0.0.1:0', HEARTH_HTTPS: `127.0.0.1:${port}`, ...QUIET }, 'serve');
      let err = '';
      child.stderr!.on('data', (c) => { err += c; });
      child.stdout!.resume();
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(-1); }, 120_000);
        child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
      });
      assert.equal(code, 1, `exit status (-1: still running after 120 s); stderr: ${err}`);
      assert.equal(err, `hearth: HEARTH_HTTPS: cannot listen on 127.0.0.1:${port}: address already in use\n`);
    } finally {
      blocker.close();
    }
  });
});
