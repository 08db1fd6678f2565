/**
 * Per-user protocol access at login: an administrator turns DAV off for a user through the admin
 * API; DAV then answers that user as it answers a wrong password, ActiveSync still lets them in,
 * and turning it back on restores DAV. The wrapper alone: SMTP and the rest get the same rule.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness } from '../../protocols/api/harness.js';
import { protocolAuthenticator } from '../../../src/auth/protocol-access.js';

describe('per-user protocol access', () => {
  let h: ApiHarness;
  before(async () => {
    h = await apiHarness();
  });
  after(async () => {
    await h.close();
  });

  const basic = `Basic ${Buffer.from(`ann@a.test:${PW}`).toString('base64')}`;
  const dav = () => h.app.inject({ method: 'PROPFIND', url: '/dav/', headers: { authorization: basic, depth: '0' } });
  const eas = () => h.app.inject({ method: 'OPTIONS', url: '/Microsoft-Server-ActiveSync', headers: { authorization: basic } });

  it('DAV off: DAV refuses with its wrong-password answer, ActiveSync still accepts; on again: DAV accepts', async () => {
    assert.equal((await dav()).statusCode, 207);
    const root = await h.as('root@a.test');
    assert.equal((await root.req('PATCH', '/api/v1/users/ann@a.test', { protocols: { dav: false } })).statusCode, 200);
    const refused = await dav();
    assert.equal(refused.statusCode, 401);
    assert.match(String(refused.headers['www-authenticate']), /^Basic /);
    assert.equal((await eas()).statusCode, 200);
    await root.req('PATCH', '/api/v1/users/ann@a.test', { protocols: { dav: true } });
    assert.equal((await dav()).statusCode, 207);
  });

  it('the wrapper refuses as `disabled` after a good password, and passes refusals through', async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.setSetting(ann.id, 'protocolAccess', { smtp: false });
    const smtp = protocolAuthenticator(h.t.auth, h.t.store, 'smtp');
    assert.deepEqual(await smtp.verify('ann@a.test', PW, '10.7.7.7'), { ok: false, reason: 'disabled' });
    assert.equal((await smtp.verify('ann@a.test', 'wrong-password', '10.7.7.8')).ok, false);
    assert.equal((await protocolAuthenticator(h.t.auth, h.t.store, 'imap').verify('ann@a.test', PW, '10.7.7.7')).ok, true);
  });
});
