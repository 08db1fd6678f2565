/**
 * The admin API's resources, by role: server admin, server read-only, domain admin, domain
 * read-only. Each change lands in the store through src/admin and leaves an audit event with
 * before and after.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, PW, type ApiHarness, type Caller } from './harness.js';

describe('admin API: resources and roles', () => {
  let h: ApiHarness;
  let root: Caller;
  let adminA: Caller;
  before(async () => {
    h = await apiHarness();
    root = await h.as('root@a.test');
    adminA = await h.as('admin@a.test');
  });
  after(async () => {
    await h.close();
  });

  it('domains: the server admin creates with an idempotent PUT and sets limits; a domain admin cannot raise them', async () => {
    const put = (body: unknown) => root.req('PUT', '/api/v1/domains/c.test', body);
    const created = await put({ maxUsers: 2, maxQuota: 1_000_000, defaultQuota: 500_000 });
    assert.equal(created.statusCode, 201);
    const again = await put({ maxUsers: 2, maxQuota: 1_000_000, defaultQuota: 500_000 });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), created.json());
    assert.equal((await adminA.req('PUT', '/api/v1/domains/d.test', {})).statusCode, 403, 'only server admins create domains');
    // A domain administrator of c.test may change its footer and default quota, never its limits.
    await root.req('POST', '/api/v1/domains/c.test/users', { email: 'boss@c.test', password: PW });
    await root.req('PUT', '/api/v1/users/boss@c.test/roles', { adminDomains: ['c.test'] });
    const boss = await h.as('boss@c.test');
    assert.equal((await boss.req('PATCH', '/api/v1/domains/c.test', { footerText: 'Sent from C' })).statusCode, 200);
    for (const body of [{ maxUsers: 100 }, { maxQuota: 2_000_000 }, { maxMessageSize: 1 }]) {
      const r = await boss.req('PATCH', '/api/v1/domains/c.test', body);
      assert.equal(r.statusCode, 422, JSON.stringify(body));
    }
    assert.equal(
      (await boss.req('PATCH', '/api/v1/domains/c.test', { defaultQuota: 2_000_000 })).statusCode,
      422,
      'default above the maximum',
    );
    // ... nor give a user more than the maximum, nor exceed max users.
    assert.equal(
      (await boss.req('POST', '/api/v1/domains/c.test/users', { email: 'big@c.test', password: PW, quotaBytes: 2_000_000 })).statusCode,
      422,
    );
    assert.equal((await boss.req('POST', '/api/v1/domains/c.test/users', { email: 'two@c.test', password: PW })).statusCode, 201);
    const third = await boss.req('POST', '/api/v1/domains/c.test/users', { email: 'three@c.test', password: PW });
    assert.equal(third.statusCode, 422);
    assert.match(third.json().detail, /limit of 2 users/);
    assert.equal((await boss.req('PATCH', '/api/v1/users/two@c.test', { quotaBytes: 1_000_001 })).statusCode, 422);
    const d = (await h.t.store.getDomain('c.test'))!;
    assert.equal(d.maxUsers, 2);
    assert.equal(d.footerText, 'Sent from C');
    const ev = (await root.req('GET', '/api/v1/audit?domain=c.test&action=domain.updated')).json().items[0];
    assert.equal(ev.actor, 'boss@c.test');
    assert.equal(ev.detail.before.footerText, null);
    assert.equal(ev.detail.after.footerText, 'Sent from C');
  });

  it('users: create, read with ETag, page/sort/filter, change, disable, per-protocol access, reset password, unlock, delete', async () => {
    const made = await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'Zed@A.test', password: PW, displayName: 'Zed Zulu' });
    assert.equal(made.statusCode, 201);
    assert.equal(made.headers.location, '/api/v1/users/zed%40a.test');
    const got = await adminA.req('GET', '/api/v1/users/zed@a.test');
    assert.equal(got.json().displayName, 'Zed Zulu');
    assert.ok(got.headers.etag);
    const list = (await adminA.req('GET', '/api/v1/domains/a.test/users?limit=2&offset=0&sort=email&order=desc')).json();
    assert.equal(list.items[0].email, 'zed@a.test');
    assert.equal(list.items.length, 2);
    assert.ok(list.total >= 4);
    assert.deepEqual(
      (await adminA.req('GET', '/api/v1/domains/a.test/users?q=zulu')).json().items.map((u: { email: string }) => u.email),
      ['zed@a.test'],
    );
    const changed = await adminA.req('PATCH', '/api/v1/users/zed@a.test', { disabled: true, protocols: { pop3: false } });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().disabled, true);
    assert.equal(changed.json().protocols.pop3, false);
    assert.equal(changed.json().protocols.imap, true);
    assert.notEqual(changed.headers.etag, got.headers.etag);
    assert.deepEqual(
      (await adminA.req('GET', '/api/v1/domains/a.test/users?disabled=true')).json().items.map((u: { email: string }) => u.email),
      ['zed@a.test'],
    );
    await adminA.req('PATCH', '/api/v1/users/zed@a.test', { disabled: false });
    // Lockout: failures recorded by the shared login rules, cleared by unlock.
    await h.t.store.recordLoginFailure('zed@a.test', '10.0.0.1', Date.now());
    assert.deepEqual((await adminA.req('POST', '/api/v1/users/zed@a.test/unlock')).json(), { cleared: 1 });
    assert.equal((await adminA.req('POST', '/api/v1/users/zed@a.test/password', { password: 'short' })).statusCode, 422);
    assert.equal((await adminA.req('POST', '/api/v1/users/zed@a.test/password', { password: 'a-new-password' })).statusCode, 204);
    assert.equal((await h.t.auth.verify('zed@a.test', 'a-new-password', '10.0.0.2')).ok, true);
    const audit = (await adminA.req('GET', '/api/v1/audit?target=account:zed@a.test'))
      .json()
      .items.map((e: { action: string }) => e.action);
    assert.deepEqual(audit, ['user.password.reset', 'user.unlocked', 'user.updated', 'user.updated', 'user.created']);
    assert.ok(!JSON.stringify((await adminA.req('GET', '/api/v1/audit?limit=1000')).json()).includes('scrypt'), 'no hash in the audit');
    assert.equal((await adminA.req('DELETE', '/api/v1/users/zed@a.test')).statusCode, 204);
    assert.equal((await adminA.req('GET', '/api/v1/users/zed@a.test')).statusCode, 404);
    assert.equal((await adminA.req('DELETE', '/api/v1/users/admin@a.test')).statusCode, 422, 'not oneself');
  });

  it('bad input: 400 problem for a schema violation, 422 for a rule', async () => {
    const r = await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'x@a.test', password: PW, bogus: 1, quotaBytes: 'lots' });
    assert.equal(r.statusCode, 400);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    assert.equal((await adminA.req('POST', '/api/v1/domains/a.test/users', { email: 'not an address', password: PW })).statusCode, 422);
    assert.equal((await adminA.req('GET', '/api/v1/domains/a.test/users?limit=100000')).statusCode, 400);
    const unknown = await adminA.req('GET', '/api/v1/no/such/route');
    assert.equal(unknown.statusCode, 404);
    assert.match(String(unknown.headers['content-type']), /^application\/problem\+json/);
    // Outside /api/v1 the API's not-found answer and sign-in do not apply.
    const outside = await h.app.inject({ method: 'GET', url: '/no-such-thing' });
    assert.equal(outside.statusCode, 404);
    assert.equal(outside.headers['www-authenticate'], undefined);
    assert.doesNotMatch(String(outside.headers['content-type']), /problem/);
  });

  it('groups and resources: members (idempotent PUT/DELETE), rooms and equipment', async () => {
    assert.equal(
      (await adminA.req('POST', '/api/v1/domains/a.test/groups', { email: 'team@a.test', displayName: 'Team' })).statusCode,
      201,
    );
    for (let i = 0; i < 2; i++) assert.equal((await adminA.req('PUT', '/api/v1/groups/team@a.test/members/ann@a.test')).statusCode, 204);
    assert.deepEqual(
      (await adminA.req('GET', '/api/v1/groups/team@a.test/members')).json().items.map((m: { email: string }) => m.email),
      ['ann@a.test'],
    );
    assert.equal((await adminA.req('DELETE', '/api/v1/groups/team@a.test/members/ann@a.test')).statusCode, 204);
    assert.equal((await adminA.req('DELETE', '/api/v1/groups/team@a.test/members/ann@a.test')).statusCode, 204);
    assert.equal((await adminA.req('GET', '/api/v1/users/team@a.test')).statusCode, 404, 'a group is no user');
    const room = await adminA.req('POST', '/api/v1/domains/a.test/resources', {
      email: 'room1@a.test',
      resourceType: 'room',
      displayName: 'Room 1',
    });
    assert.equal(room.statusCode, 201);
    await adminA.req('POST', '/api/v1/domains/a.test/resources', { email: 'beamer@a.test', resourceType: 'equipment' });
    const listed = (await adminA.req('GET', '/api/v1/domains/a.test/resources')).json();
    assert.deepEqual(
      listed.items.map((r: { email: string }) => r.email),
      ['beamer@a.test', 'room1@a.test'],
    );
    assert.equal((await adminA.req('GET', '/api/v1/resources/beamer@a.test')).json().resourceType, 'equipment');
  });

  it('aliases: idempotent PUT, catch-all, delete', async () => {
    const first = await adminA.req('PUT', '/api/v1/aliases/info@a.test', { targets: ['ann@a.test'] });
    assert.equal(first.statusCode, 201);
    assert.equal((await adminA.req('PUT', '/api/v1/aliases/info@a.test', { targets: ['ann@a.test'] })).statusCode, 200);
    assert.equal((await adminA.req('PUT', '/api/v1/aliases/@a.test', { targets: ['ann@a.test'] })).statusCode, 201);
    assert.deepEqual((await h.t.store.getAlias('info@a.test'))?.targets, ['ann@a.test']);
    assert.equal((await adminA.req('DELETE', '/api/v1/aliases/info@a.test')).statusCode, 204);
    assert.equal(await h.t.store.getAlias('info@a.test'), null);
  });

  it("devices: details, full wipe only with the admin's password, account-only wipe, cancel, quarantine, remove", async () => {
    const ann = (await h.t.store.getAccount('ann@a.test'))!;
    await h.t.store.touchDevice({ accountId: ann.id, deviceId: 'PHONE1', deviceType: 'iPhone' });
    const list = (await adminA.req('GET', '/api/v1/users/ann@a.test/devices')).json().items;
    assert.equal(list[0].deviceId, 'PHONE1');
    assert.equal(list[0].provisioned, false);
    assert.equal((await adminA.req('GET', '/api/v1/domains/a.test/devices')).json().total, 1);
    const noPw = await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/wipe', {});
    assert.equal(noPw.statusCode, 422);
    assert.equal(
      (await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/wipe', { password: 'not-my-password' })).statusCode,
      403,
    );
    const wiped = await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/wipe', { password: PW });
    assert.equal(wiped.statusCode, 202);
    assert.equal(wiped.json().wipeState, 'requested');
    assert.equal((await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/cancel-wipe')).json().wipeState, 'none');
    const acc = await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/wipe', { accountOnly: true });
    assert.equal(acc.json().wipeAccountOnly, true);
    await adminA.req('POST', '/api/v1/users/ann@a.test/devices/PHONE1/cancel-wipe');
    assert.equal(
      (await adminA.req('PUT', '/api/v1/users/ann@a.test/devices/PHONE1/access', { access: 'quarantined' })).json().access,
      'quarantined',
    );
    assert.equal((await h.t.store.getDevice(ann.id, 'PHONE1'))?.access, 'quarantined');
    assert.equal((await adminA.req('DELETE', '/api/v1/users/ann@a.test/devices/PHONE1')).statusCode, 204);
    assert.equal(await h.t.store.getDevice(ann.id, 'PHONE1'), null);
    const actions = (await adminA.req('GET', '/api/v1/audit?target=device:ann@a.test/PHONE1'))
      .json()
      .items.map((e: { action: string }) => e.action);
    assert.deepEqual(actions, [
      'device.removed',
      'device.quarantined',
      'device.wipe.cancelled',
      'device.wipe.requested',
      'device.wipe.cancelled',
      'device.wipe.requested',
    ]);
  });

  it('delegation grants: set (idempotent), list, remove', async () => {
    await h.t.addUser('dan@a.test', PW);
    for (let i = 0; i < 2; i++)
      assert.equal((await adminA.req('PUT', '/api/v1/users/ann@a.test/grants/dan@a.test', { rights: 'write' })).statusCode, 200);
    assert.deepEqual((await adminA.req('GET', '/api/v1/users/ann@a.test/grants')).json().items, [
      { delegate: 'dan@a.test', rights: 'write', folder: null, status: 'accepted' },
    ]);
    assert.equal((await adminA.req('DELETE', '/api/v1/users/ann@a.test/grants/dan@a.test')).statusCode, 204);
    assert.deepEqual((await adminA.req('GET', '/api/v1/users/ann@a.test/grants')).json().items, []);
  });

  it('device policy and access rules of the domain', async () => {
    const p = await adminA.req('PATCH', '/api/v1/domains/a.test/device-policy', {
      DevicePasswordEnabled: true,
      MinDevicePasswordLength: 6,
    });
    assert.equal(p.statusCode, 200);
    assert.equal(p.json().policy.MinDevicePasswordLength, 6);
    assert.equal((await adminA.req('PATCH', '/api/v1/domains/a.test/device-policy', { NoSuchKey: true })).statusCode, 422);
    const rules = { default: 'quarantined', rules: [{ field: 'deviceType', pattern: 'iPhone*', access: 'allowed' }] };
    assert.deepEqual((await adminA.req('PUT', '/api/v1/domains/a.test/access-rules', rules)).json(), rules);
    assert.deepEqual((await adminA.req('GET', '/api/v1/domains/a.test/access-rules')).json(), rules);
  });

  it("usage: users per day and the month's maximum, for billing", async () => {
    const u = (await root.req('GET', '/api/v1/domains/a.test/usage')).json();
    const users = await h.t.store.countAccounts((await h.t.store.getDomain('a.test'))!.id, 'user');
    assert.equal(u.currentUsers, users);
    assert.ok(u.maxUsers >= users);
    assert.equal(u.days.at(-1).day, new Date().toISOString().slice(0, 10));
    assert.equal((await root.req('GET', '/api/v1/domains/a.test/usage?month=2026-13')).statusCode, 400);
    const all = (await root.req('GET', '/api/v1/usage')).json().items.map((x: { domain: string }) => x.domain);
    assert.ok(all.includes('a.test') && all.includes('b.test'));
  });

  it('a domain administrator cannot change an account with roles beyond theirs (no escalation)', async () => {
    // root@a.test is a server administrator in a.test: its password, state and phones are not admin@a.test's to touch.
    assert.equal((await adminA.req('POST', '/api/v1/users/root@a.test/password', { password: 'taken-over-1' })).statusCode, 403);
    assert.equal((await adminA.req('PATCH', '/api/v1/users/root@a.test', { disabled: true })).statusCode, 403);
    assert.equal((await adminA.req('DELETE', '/api/v1/users/root@a.test')).statusCode, 403);
    assert.equal((await adminA.req('GET', '/api/v1/users/root@a.test')).statusCode, 200, 'reading is fine');
    assert.equal((await h.t.auth.verify('root@a.test', 'taken-over-1', '10.5.5.5')).ok, false);
    // Another administrator of the same domain only, they may.
    await h.t.addUser('peer@a.test', PW, { domainAdmin: true });
    assert.equal((await adminA.req('PATCH', '/api/v1/users/peer@a.test', { displayName: 'Peer' })).statusCode, 200);
  });

  it('read-only roles read everything of their scope and change nothing (403)', async () => {
    await h.t.addUser('auditor@a.test', PW);
    await h.t.addUser('viewer@a.test', PW);
    assert.equal((await root.req('PUT', '/api/v1/users/auditor@a.test/roles', { serverReadOnly: true })).statusCode, 200);
    assert.equal((await adminA.req('PUT', '/api/v1/users/viewer@a.test/roles', { readOnlyDomains: ['a.test'] })).statusCode, 200);
    assert.equal(
      (await adminA.req('PUT', '/api/v1/users/viewer@a.test/roles', { serverReadOnly: true })).statusCode,
      403,
      "server roles are the server admin's",
    );
    const auditor = await h.as('auditor@a.test');
    const viewer = await h.as('viewer@a.test');
    assert.equal((await auditor.req('GET', '/api/v1/domains/b.test/users')).statusCode, 200);
    assert.equal((await auditor.req('GET', '/api/v1/audit')).statusCode, 200);
    assert.equal((await auditor.req('PATCH', '/api/v1/users/bob@b.test', { displayName: 'x' })).statusCode, 403);
    assert.equal((await viewer.req('GET', '/api/v1/domains/a.test/users')).statusCode, 200);
    assert.equal((await viewer.req('GET', '/api/v1/domains/b.test/users')).statusCode, 404);
    assert.equal((await viewer.req('PATCH', '/api/v1/users/ann@a.test', { displayName: 'x' })).statusCode, 403);
    assert.equal((await viewer.req('POST', '/api/v1/domains/a.test/users', { email: 'v2@a.test', password: PW })).statusCode, 403);
    assert.equal((await h.t.store.getAccount('ann@a.test'))?.displayName, null);
  });
});
