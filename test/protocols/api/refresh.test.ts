/**
 * Token refresh (POST /api/v1/auth/refresh, src/auth/api-tokens.ts): a valid sign-in token is
 * exchanged for a fresh one that outlives it; refreshing goes on until the session is 12 hours
 * old, then the administrator must sign in again; an expired token, an API key, a changed
 * password or a disabled account get no new token. The clock is the context's, moved by the test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness } from './harness.js';
import { SESSION_MAX_MS, TOKEN_TTL_MS } from '../../../src/auth/api-tokens.js';

describe('admin API: token refresh', () => {
  let h: ApiHarness;
  let clock = Date.parse('2026-12-03T08:00:00Z');
  before(async () => { h = await apiHarness({ now: () => clock }); });
  after(async () => { await h?.close(); });

  const refresh = (token: string) => h.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { authorization: `Bearer ${token}` } });
  const me = (token: string) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('exchanges a valid token for one that outlives it, for 12 hours from the sign-in', async () => {
    const first = (await h.as('admin@a.test')).token;
    let current = first;
    // Every 10 minutes for 12 hours: each token is refreshed before its 15 minutes end.
    const signedIn = clock;
    while (clock + 10 * 60_000 - signedIn < SESSION_MAX_MS) {
      clock += 10 * 60_000;
      const r = await refresh(current);
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.equal(Date.parse(body.expiresAt), Math.floor(clock / 1000) * 1000 + TOKEN_TTL_MS);
      current = body.token;
    }
    assert.notEqual(current, first);
    clock += 11 * 60_000; // 12 hours and a minute after the sign-in; the last token lives 4 minutes more
    assert.equal((await me(first)).statusCode, 401, 'the first token ended long ago');
    assert.equal((await me(current)).statusCode, 200, 'the last refreshed one still works');
    // The session is now over 12 hours old: no more refreshing, sign in again.
    const over = await refresh(current);
    assert.equal(over.statusCode, 401);
    assert.match(over.json().detail, /sign in again/);
    assert.equal((await h.as('admin@a.test')).token.length > 0, true);
  });

  it('refuses an expired token, an API key, and tokens of a changed password or a disabled account', async () => {
    const old = (await h.as('admin@a.test')).token;
    clock += TOKEN_TTL_MS + 1000;
    assert.equal((await refresh(old)).statusCode, 401, 'expired');

    const admin = await h.as('admin@a.test');
    const made = await admin.req('POST', '/api/v1/api-keys', { label: 'poller', access: 'read' });
    assert.equal(made.statusCode, 201, made.body);
    const withKey = await refresh(made.json().secret);
    assert.equal(withKey.statusCode, 403);
    assert.match(withKey.json().detail, /API keys do not expire/);

    const root = await h.as('root@a.test');
    const before = (await h.as('admin@b.test')).token;
    assert.equal((await root.req('POST', '/api/v1/users/admin@b.test/password', { password: `${PW}-new` })).statusCode, 204);
    assert.equal((await refresh(before)).statusCode, 401, 'the password changed');
    const again = (await h.as('admin@b.test', `${PW}-new`)).token;
    assert.equal((await refresh(again)).statusCode, 200);
    assert.equal((await root.req('PATCH', '/api/v1/users/admin@b.test', { disabled: true })).statusCode, 200);
    assert.equal((await refresh(again)).statusCode, 401, 'the account is disabled');
  });
});
