/**
 * How /admin/ is served (protocols/admin-web/plugin.ts): the SPA fallback, caching headers,
 * the Content-Security-Policy, a missing asset, and a server whose console was never built.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';
import { CONSOLE_CSP, NOT_BUILT } from '../../../protocols/admin-web/plugin.js';

const INDEX = '<!doctype html><title>console</title><script type="module" src="/admin/assets/app-abc123.js"></script>';

describe('admin console serving', () => {
  let t: TestContext;
  let app: FastifyInstance;
  let missing: FastifyInstance;
  let root: string;
  before(async () => {
    t = await createTestContext();
    root = mkdtempSync(join(tmpdir(), 'hearth-admin-serve-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'app-abc123.js'), 'console.log(1);\n');
    app = await buildServer(t.ctx, { adminAssets: root });
    missing = await buildServer(t.ctx, { adminAssets: join(root, 'not-built') });
  });
  after(async () => {
    await app?.close();
    await missing?.close();
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers index.html for /admin/ and for every console path (SPA fallback), revalidated, with the CSP', async () => {
    for (const url of ['/admin/', '/admin/d/a.test/users', '/admin/d/a.test/users/ann%40a.test', '/admin/audit?x=1']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.equal(r.headers['content-security-policy'], CONSOLE_CSP);
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval/);
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/);
  });

  it('redirects /admin to /admin/ so relative links resolve below it', async () => {
    const r = await app.inject({ url: '/admin' });
    assert.equal(r.statusCode, 308);
    assert.equal(r.headers.location, '/admin/');
  });

  it('serves hashed assets as immutable for a year; a missing asset is a 404, never the page', async () => {
    const r = await app.inject({ url: '/admin/assets/app-abc123.js' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, 'console.log(1);\n');
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.match(String(r.headers['cache-control']), /max-age=31536000/);
    assert.match(String(r.headers['cache-control']), /immutable/);
    const gone = await app.inject({ url: '/admin/assets/app-old999.js' });
    assert.equal(gone.statusCode, 404);
    assert.notEqual(gone.body, INDEX);
    const out = await app.inject({ url: '/admin/assets/..%2f..%2fpackage.json' });
    assert.equal(out.statusCode, 404);
  });

  it('says in one line that the console is not built, instead of failing', async () => {
    for (const url of ['/admin/', '/admin/d/a.test/users']) {
      const r = await missing.inject({ url });
      assert.equal(r.statusCode, 503);
      assert.equal(r.body, NOT_BUILT);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
    // The rest of the server is unaffected.
    assert.equal((await missing.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await missing.inject({ url: '/api/v1/openapi.json' })).statusCode, 200);
  });
});
