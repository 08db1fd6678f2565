/**
 * A domain's logo through the API (protocols/api/routes/logo.ts, src/admin/domain-logo.ts): its
 * administrators set, read and remove it; the type comes from the bytes (SVG and mislabelled
 * files refused); oversized uploads refused; another domain's administrator gets the same 404
 * as for a domain that does not exist; every change is audited.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, type ApiHarness } from './harness.js';
import { LOGO_MAX_BYTES } from '../../../src/admin/domain-logo.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

// A 1x1 PNG (PNG spec §5.2 signature, IHDR, IDAT, IEND).
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

// The logo is a blob: files on SQLite, chunk rows on PostgreSQL; both backends.
const pgSkip = await postgresSkipReason();
for (const backend of ['sqlite', 'postgres'] as const) describe(`admin API: domain logo (${backend})`, { skip: backend === 'postgres' ? (pgSkip ?? false) : false }, () => {
  let h: ApiHarness;
  let drop: (() => Promise<void>) | undefined;
  before(async () => {
    if (backend === 'postgres') {
      const db = await freshPostgresUrl();
      drop = db.drop;
      h = await apiHarness({ database: db.url });
    } else h = await apiHarness();
  });
  after(async () => {
    await h?.close();
    await drop?.();
  });

  const put = (token: string, domain: string, body: Buffer, type = 'image/png', headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'PUT',
      url: `/api/v1/domains/${domain}/logo`,
      headers: { authorization: `Bearer ${token}`, 'content-type': type, ...headers },
      payload: body,
    });

  it("lets the domain's administrator set, read and remove it, audited", async () => {
    const admin = await h.as('admin@a.test');
    assert.equal((await admin.req('GET', '/api/v1/domains/a.test/logo')).statusCode, 404);
    const r = await put(admin.token, 'a.test', PNG_1x1);
    assert.equal(r.statusCode, 204, r.body);
    const got = await admin.req('GET', '/api/v1/domains/a.test/logo');
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['content-type'], 'image/png');
    assert.equal(got.headers['x-content-type-options'], 'nosniff');
    assert.equal(got.headers['content-security-policy'], "default-src 'none'");
    assert.deepEqual(got.rawPayload, PNG_1x1);
    // A stale ETag is refused like on every resource.
    const stale = await put(admin.token, 'a.test', PNG_1x1, 'image/png', { 'if-match': '"0-stale"' });
    assert.equal(stale.statusCode, 412);
    const audit = await admin.req('GET', '/api/v1/audit?action=domain.logo.');
    assert.equal(audit.json().items[0].action, 'domain.logo.updated');
    assert.equal((await admin.req('DELETE', '/api/v1/domains/a.test/logo', undefined, { 'if-match': got.headers.etag as string })).statusCode, 204);
    assert.equal((await admin.req('GET', '/api/v1/domains/a.test/logo')).statusCode, 404);
    assert.equal((await h.t.store.getDomain('a.test'))?.logoBlob, null);
  });

  it('refuses SVG, bytes that are not the image they claim, and oversized files', async () => {
    const admin = await h.as('admin@a.test');
    const svg = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/domains/a.test/logo',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/svg+xml' },
      payload: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    });
    assert.equal(svg.statusCode, 415);
    const fake = await put(admin.token, 'a.test', Buffer.from('<html><script>alert(1)</script></html>'));
    assert.equal(fake.statusCode, 422);
    assert.match(fake.headers['content-type'] as string, /problem\+json/);
    const big = await put(admin.token, 'a.test', Buffer.concat([PNG_1x1, Buffer.alloc(LOGO_MAX_BYTES)]));
    assert.equal(big.statusCode, 413);
    assert.equal((await h.t.store.getDomain('a.test'))?.logoBlob, null);
  });

  it("answers another domain's administrator exactly as for a domain that does not exist", async () => {
    const root = await h.as('root@a.test');
    assert.equal((await put(root.token, 'b.test', PNG_1x1)).statusCode, 204);
    const before = (await h.t.store.getDomain('b.test'))?.logoBlob;
    const adminA = await h.as('admin@a.test');
    for (const [method, domain] of [
      ['GET', 'b.test'],
      ['DELETE', 'b.test'],
      ['GET', 'nowhere.test'],
      ['DELETE', 'nowhere.test'],
    ] as const) {
      const r = await adminA.req(method, `/api/v1/domains/${domain}/logo`);
      assert.equal(r.statusCode, 404, `${method} ${domain}`);
      assert.equal(r.json().detail, 'domain not found');
    }
    const r = await put(adminA.token, 'b.test', PNG_1x1);
    assert.equal(r.statusCode, 404);
    assert.equal((await h.t.store.getDomain('b.test'))?.logoBlob, before);
  });

  it("releases the logo's blob when the domain is deleted", async () => {
    const root = await h.as('root@a.test');
    assert.equal((await root.req('PUT', '/api/v1/domains/gone.test', {})).statusCode < 300, true);
    const logo = Buffer.concat([PNG_1x1, Buffer.from('gone.test')]);
    assert.equal((await put(root.token, 'gone.test', logo)).statusCode, 204);
    const hash = (await h.t.store.getDomain('gone.test'))!.logoBlob!;
    assert.deepEqual(await h.t.store.getBlob(hash), logo);
    assert.equal((await root.req('DELETE', '/api/v1/domains/gone.test')).statusCode, 204);
    assert.equal(await h.t.store.getBlob(hash), null);
  });
});
