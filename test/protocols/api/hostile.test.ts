/**
 * Hostile input to the admin API: malformed JSON, wrong types, huge or odd values, odd paths.
 * Every answer is a 4xx problem+json (never a 500 or a stack trace), the process survives,
 * and the store is as it was.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, type ApiHarness, type Caller } from './harness.js';

describe('admin API: hostile input', () => {
  let h: ApiHarness;
  let root: Caller;
  let snapshot: string;
  const state = async () =>
    JSON.stringify({ d: await h.t.store.listDomains(), a: await h.t.store.listAccounts(), al: await h.t.store.listAliases() });
  before(async () => {
    h = await apiHarness();
    root = await h.as('root@a.test');
    snapshot = await state();
  });
  after(async () => {
    await h.close();
  });

  it('answers every malformed request with a 4xx problem and changes nothing', async () => {
    const raw = (method: string, url: string, payload: string, type = 'application/json') =>
      h.app.inject({
        method: method as 'POST',
        url,
        payload,
        headers: { authorization: `Bearer ${root.token}`, 'content-type': type },
      });
    const answers = [
      await raw('POST', '/api/v1/domains/a.test/users', '{"email": "x@a.test", "password": '),
      await raw('POST', '/api/v1/domains/a.test/users', '[]'),
      await raw('POST', '/api/v1/domains/a.test/users', 'null'),
      await raw('POST', '/api/v1/domains/a.test/users', '{"email":"x@a.test","password":"p"}', 'text/plain'),
      await raw('POST', '/api/v1/domains/a.test/users', JSON.stringify({ email: 'x'.repeat(100_000), password: 'long-enough-1' })),
      await raw(
        'POST',
        '/api/v1/domains/a.test/users',
        JSON.stringify({ email: 'x@a.test', password: 'long-enough-1', quotaBytes: 1e300 }),
      ),
      await raw(
        'POST',
        '/api/v1/domains/a.test/users',
        JSON.stringify({ email: 'x@a.test', password: 'long-enough-1', __proto__: { serverAdmin: true }, constructor: { prototype: {} } }),
      ),
      await raw('PUT', '/api/v1/domains/..%2F..%2Fetc', '{}'),
      await raw('PUT', '/api/v1/aliases/%00@a.test', JSON.stringify({ targets: ['ann@a.test'] })),
      await raw('PUT', '/api/v1/aliases/x@a.test', JSON.stringify({ targets: ['not an address'] })),
      await raw('PATCH', '/api/v1/users/ann@a.test', JSON.stringify({ quotaBytes: -5 })),
      await raw('PATCH', '/api/v1/domains/a.test/device-policy', JSON.stringify({ MaxAttachmentSize: 'lots' })),
      await raw(
        'PUT',
        '/api/v1/domains/a.test/access-rules',
        JSON.stringify({ default: 'allowed', rules: [{ field: 'x', pattern: '*', access: 'allowed' }] }),
      ),
      await raw('GET', '/api/v1/domains/a.test/users?limit=-1&offset=abc', ''),
      await raw('GET', '/api/v1/audit?limit=1e9', ''),
    ];
    for (const [i, r] of answers.entries()) {
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `case ${i}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/, `case ${i}`);
      assert.ok(!/\bat \S+ \(/.test(r.body), `case ${i}: no stack trace`);
    }
    assert.equal(await state(), snapshot);
    assert.equal((await root.req('GET', '/api/v1/me')).statusCode, 200, 'still serving');
  });
});
