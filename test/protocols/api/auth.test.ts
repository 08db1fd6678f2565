/**
 * Admin API sign-in, tokens, API keys and the rate limit: who gets in, with what, and how a
 * refusal looks (problem+json, 401 with a Bearer challenge, 429 with Retry-After).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { apiHarness, PW, type ApiHarness } from './harness.js';
import { apiPlugin } from '../../../protocols/api/plugin.js';

describe('admin API: sign-in and credentials', () => {
  let h: ApiHarness;
  before(async () => {
    h = await apiHarness();
  });
  after(async () => {
    await h.close();
  });

  const signIn = (email: string, password: string, ip = '127.0.0.1') =>
    h.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password }, remoteAddress: ip });

  it('an administrator gets a short-lived bearer token; /me names its roles', async () => {
    const r = await signIn('ADMIN@a.test', PW);
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.tokenType, 'Bearer');
    const ttl = Date.parse(body.expiresAt) - Date.now();
    assert.ok(ttl > 0 && ttl <= 15 * 60_000 + 5000, `expires in ${ttl} ms`);
    const me = await h.bearer(body.token).req('GET', '/api/v1/me');
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json().roles.adminDomains, ['a.test']);
    assert.equal(me.json().roles.serverAdmin, false);
  });

  it('a wrong password, an unknown address and a non-administrator all get the same 401 problem', async () => {
    for (const [email, pw] of [
      ['admin@a.test', 'wrong-password'],
      ['nobody@a.test', PW],
      ['ann@a.test', PW],
    ]) {
      const r = await signIn(email, pw, '10.9.9.9');
      assert.equal(r.statusCode, 401, email);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.match(String(r.headers['www-authenticate']), /^Bearer /);
      assert.equal(r.json().detail, 'wrong address or password');
    }
  });

  it('too many failures from one source: 429 with Retry-After (the shared lockout of src/auth)', async () => {
    for (let i = 0; i < 5; i++) await signIn('admin@b.test', 'bad-bad-bad', '10.1.1.1');
    const r = await signIn('admin@b.test', PW, '10.1.1.1');
    assert.equal(r.statusCode, 429);
    assert.ok(Number(r.headers['retry-after']) >= 1);
    assert.equal((await signIn('admin@b.test', PW, '10.1.1.2')).statusCode, 200, 'another source is not locked');
  });

  it('no credentials, a garbage token or a forged one: 401', async () => {
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/v1/domains' })).statusCode, 401);
    assert.equal((await h.bearer('garbage').req('GET', '/api/v1/domains')).statusCode, 401);
    const good = (await h.as('root@a.test')).token;
    const [head, payload] = good.split('.');
    // The same signature over a payload naming another (domain) administrator.
    const other = String((await h.t.store.getAccount('admin@b.test'))!.id);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    assert.notEqual(claims.sub, other);
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: other })).toString('base64url')}.${good.split('.')[2]}`;
    assert.equal((await h.bearer(forged).req('GET', '/api/v1/domains')).statusCode, 401);
  });

  it('a password reset or disabling the account ends its tokens at once', async () => {
    await h.t.addUser('temp@a.test', PW, { domainAdmin: true });
    const temp = await h.as('temp@a.test');
    assert.equal((await temp.req('GET', '/api/v1/me')).statusCode, 200);
    const root = await h.as('root@a.test');
    assert.equal((await root.req('POST', '/api/v1/users/temp@a.test/password', { password: 'another-pw-2' })).statusCode, 204);
    assert.equal((await temp.req('GET', '/api/v1/me')).statusCode, 401);
    const again = await h.as('temp@a.test', 'another-pw-2');
    assert.equal((await root.req('PATCH', '/api/v1/users/temp@a.test', { disabled: true })).statusCode, 200);
    assert.equal((await again.req('GET', '/api/v1/me')).statusCode, 401);
  });

  it('API keys: shown once, stored hashed, read-only keys cannot write, bound to source networks, revocable', async () => {
    const admin = await h.as('admin@a.test');
    const made = await admin.req('POST', '/api/v1/api-keys', { label: 'billing', access: 'read', cidrs: ['192.0.2.0/24'] });
    assert.equal(made.statusCode, 201);
    const { secret, keyId } = made.json();
    assert.match(secret, /^hk_/);
    const stored = await h.t.store.getApiKey(keyId);
    // The secret part is base64url and may itself hold '_': take all of it after `hk_<keyId>_`.
    const secretPart = secret.slice(`hk_${keyId}_`.length);
    assert.equal(secretPart.length, 43);
    assert.ok(stored && !JSON.stringify(stored).includes(secretPart), 'the secret is not stored');
    const listed = (await admin.req('GET', '/api/v1/api-keys')).json().items;
    assert.ok(listed.some((k: { keyId: string }) => k.keyId === keyId) && !JSON.stringify(listed).includes(secret));

    const withKey = (ip: string, method = 'GET', url = '/api/v1/domains/a.test/users', body?: unknown) =>
      h.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${secret}` },
        remoteAddress: ip,
        ...(body ? { payload: body as object } : {}),
      });
    assert.equal((await withKey('192.0.2.7')).statusCode, 200);
    assert.equal((await withKey('198.51.100.1')).statusCode, 401, 'outside the bound network');
    assert.equal((await withKey('192.0.2.7', 'PATCH', '/api/v1/users/ann@a.test', { displayName: 'x' })).statusCode, 403, 'read-only');
    assert.equal((await withKey('192.0.2.7', 'GET', '/api/v1/domains/b.test/users')).statusCode, 404, 'scoped like its account');
    const wrong = `${secret.slice(0, -4)}AAAA`;
    assert.equal(
      (
        await h.app.inject({
          method: 'GET',
          url: '/api/v1/domains',
          headers: { authorization: `Bearer ${wrong}` },
          remoteAddress: '192.0.2.7',
        })
      ).statusCode,
      401,
    );
    assert.equal((await admin.req('DELETE', `/api/v1/api-keys/${keyId}`)).statusCode, 204);
    assert.equal((await withKey('192.0.2.7')).statusCode, 401, 'revoked');
  });

  it("a read-write key writes within its account's domains, and cannot wipe a phone (that needs a password)", async () => {
    const root = await h.as('root@a.test');
    const { secret } = (await root.req('POST', '/api/v1/api-keys', { access: 'write' })).json();
    const key = h.bearer(secret);
    assert.equal((await key.req('PATCH', '/api/v1/users/ann@a.test', { displayName: 'Ann' })).statusCode, 200);
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'KEYPHONE', deviceType: 'iPhone' });
    assert.equal((await key.req('POST', '/api/v1/users/ann@a.test/devices/KEYPHONE/wipe', {})).statusCode, 403);
    assert.equal((await key.req('POST', '/api/v1/api-keys', { access: 'write' })).statusCode, 403, 'keys do not make keys');
    const audit = (await root.req('GET', '/api/v1/audit?domain=a.test&action=user.updated')).json().items;
    assert.match(audit[0].actor, /^apikey:\S+ \(root@a\.test\)$/);
  });
});

describe('admin API: rate limit', () => {
  it('past the budget: 429 problem with Retry-After; other clients unaffected', async () => {
    const h = await apiHarness();
    const app = Fastify();
    try {
      await app.register(apiPlugin, { ctx: h.t.ctx, prefix: '/api/v1', rateLimit: { burst: 3, perSecond: 0.01 } });
      const token = (await h.as('root@a.test')).token;
      const get = (ip: string) =>
        app.inject({ method: 'GET', url: '/api/v1/domains', headers: { authorization: `Bearer ${token}` }, remoteAddress: ip });
      for (let i = 0; i < 3; i++) assert.equal((await get('127.0.0.1')).statusCode, 200);
      const r = await get('127.0.0.1');
      assert.equal(r.statusCode, 429);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.ok(Number(r.headers['retry-after']) >= 1);
      const other = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: 'admin@a.test', password: PW } });
      assert.equal(other.statusCode, 200, 'the sign-in budget is per source address, apart');
    } finally {
      await app.close();
      await h.close();
    }
  });
});
