/**
 * GET/PATCH /api/v1/domains/{domain}/password-policy: a domain admin sets their own domain's
 * policy (audited, ETag/If-Match), never another's (404); weak passwords are refused with 422
 * problem+json on user creation and on reset, strong ones accepted, existing passwords keep working.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness, type Caller } from './harness.js';

const URL_A = '/api/v1/domains/a.test/password-policy';

describe('admin API: password policy', () => {
  let h: ApiHarness;
  let adminA: Caller;
  let adminB: Caller;
  before(async () => {
    h = await apiHarness();
    adminA = await h.as('admin@a.test');
    adminB = await h.as('admin@b.test');
  });
  after(async () => {
    await h.close();
  });

  it('a domain admin sets it; weak passwords get 422 on creation and reset; strong ones pass; existing ones keep working', async () => {
    const got = await adminA.req('GET', URL_A);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), { minLength: 8, requireMixedCase: false, requireDigit: false, requireSymbol: false, rejectContainsLocalPart: false });
    const set = await adminA.req('PATCH', URL_A, { minLength: 12, requireDigit: true, rejectContainsLocalPart: true }, { 'if-match': got.headers.etag as string });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(set.json(), { minLength: 12, requireMixedCase: false, requireDigit: true, requireSymbol: false, rejectContainsLocalPart: true });
    assert.ok(set.headers.etag && set.headers.etag !== got.headers.etag);
    assert.deepEqual((await adminA.req('GET', URL_A)).json(), set.json());

    const ev = (await adminA.req('GET', '/api/v1/audit?domain=a.test&action=domain.password-policy.set')).json().items[0];
    assert.equal(ev.actor, 'admin@a.test');
    assert.equal(ev.detail.before.minLength, 8);
    assert.equal(ev.detail.after.minLength, 12);

    for (const [password, why] of [['short-1', /at least 12/], ['no-digits-here', /digit/], ['xx-carol-2026-xx', /user name/]] as const) {
      const r = await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'carol@a.test', password });
      assert.equal(r.statusCode, 422, password);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      assert.match(r.json().detail, why);
    }
    assert.equal(await h.t.store.getAccount('carol@a.test'), null, 'nothing created');
    const made = await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'carol@a.test', password: 'long-enough-2026' });
    assert.equal(made.statusCode, 201, made.body);

    const weak = await adminA.req('POST', '/api/v1/users/ann@a.test/password', { password: 'short-2' });
    assert.equal(weak.statusCode, 422);
    assert.match(weak.json().detail, /at least 12/);
    // ann's existing (8+ character, digit-less) password keeps working under the new policy.
    assert.equal((await h.t.auth.verify('ann@a.test', PW, '10.0.0.9')).ok, true);
    assert.equal((await adminA.req('POST', '/api/v1/users/ann@a.test/password', { password: 'another-pass-2026' })).statusCode, 204);
    assert.equal((await h.t.auth.verify('ann@a.test', 'another-pass-2026', '10.0.0.9')).ok, true);

    // b.test keeps the default policy.
    assert.equal((await adminB.req('POST', '/api/v1/domains/b.test/users', { email: 'dan@b.test', password: 'eightchr' })).statusCode, 201);
  });

  it("another domain's admin gets 404 for reading and writing it; bad values 422; a stale If-Match 412", async () => {
    assert.equal((await adminB.req('GET', URL_A)).statusCode, 404);
    assert.equal((await adminB.req('PATCH', URL_A, { minLength: 8 })).statusCode, 404);
    assert.equal((await adminA.req('GET', '/api/v1/domains/b.test/password-policy')).statusCode, 404);
    assert.equal((await adminA.req('GET', '/api/v1/domains/none.test/password-policy')).statusCode, 404);
    for (const body of [{ minLength: 7 }, { minLength: 129 }, { requireDigit: 'yes' }, { other: true }, {}]) {
      const r = await adminA.req('PATCH', URL_A, body);
      assert.ok([400, 422].includes(r.statusCode), `${JSON.stringify(body)}: ${r.statusCode}`);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    }
    const tag = (await adminA.req('GET', URL_A)).headers.etag as string;
    assert.equal((await adminA.req('PATCH', URL_A, { requireSymbol: true }, { 'if-match': tag })).statusCode, 200);
    const stale = await adminA.req('PATCH', URL_A, { requireSymbol: false }, { 'if-match': tag });
    assert.equal(stale.statusCode, 412);
    assert.equal((await adminA.req('GET', URL_A)).json().requireSymbol, true, 'the stale write changed nothing');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const path = doc.paths['/api/v1/domains/{domain}/password-policy'];
    assert.ok(path?.get && path?.patch, Object.keys(doc.paths).filter((p: string) => p.includes('policy')).join(', '));
    assert.equal(path.patch.requestBody.content['application/json'].schema.properties.minLength.maximum, 128);
  });
});
