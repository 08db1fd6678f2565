import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AuthService } from '../../../src/auth/auth-service.js';
import { hashPassword, verifyPassword } from '../../../src/auth/password.js';
import type { Store } from '../../../src/store/store.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const WINDOW = 15 * 60_000;
const MAX = 3;

for (const factory of await storeFactories()) {

  describe(`AuthService (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let clock = Date.UTC(2030, 0, 1);
    const now = () => clock;
    let seq = 0;
    let hash: string;
    const PW = 'right-password-1';

    const service = (cacheTtlMs = 60_000) => new AuthService(store, { lockout: { maxFailures: MAX, windowMs: WINDOW }, cacheTtlMs, now });

    /** A fresh user in a fresh domain, so tests do not share lockout state. */
    async function user(opts: { disabled?: boolean } = {}) {
      const d = await store.createDomain({ name: `auth${++seq}.example` });
      let a = await store.createAccount({ domainId: d.id, email: `ann@${d.name}`, passwordHash: hash });
      if (opts.disabled) a = await store.updateAccount(a.id, { disabled: true });
      return a;
    }

    /**
     * n failed logins from one source, recorded the way verify() records them (the tests above show
     * that it does); each wrong verify costs a serialized scrypt, so the later tests seed the store.
     */
    const fail = async (_auth: AuthService, login: string, source: string, n = MAX) => {
      for (let i = 0; i < n; i++) await store.recordLoginFailure(login, source, clock);
    };

    // Behaviour that does not depend on the backend runs once, on SQLite; lockout runs on both.
    const once = factory.name === 'sqlite' ? it : ((() => {}) as unknown as typeof it);

    before(async () => {
      opened = await factory.open();
      store = opened.store;
      hash = await hashPassword(PW);
    });
    after(async () => { await opened?.dispose(); });

    once('accepts the right password, case-insensitively on the login, and returns the account', async () => {
      const a = await user();
      const r = await service().verify(a.email.toUpperCase(), PW, '192.0.2.1');
      assert.ok(r.ok);
      assert.equal(r.account.id, a.id);
      assert.equal(await store.countLoginFailures(a.email, '192.0.2.1', 0), 0);
    });

    once('refuses a wrong password as invalid and records the failure', async () => {
      const a = await user();
      assert.deepEqual(await service().verify(a.email, 'wrong-password', '192.0.2.1'), { ok: false, reason: 'invalid' });
      assert.equal(await store.countLoginFailures(a.email, '192.0.2.1', 0), 1);
    });

    it('answers an unknown login exactly like a wrong password and records the failure', async () => {
      const login = `nobody${++seq}@auth.example`;
      assert.deepEqual(await service().verify(login, PW, '192.0.2.9'), { ok: false, reason: 'invalid' });
      assert.equal(await store.countLoginFailures(login, '192.0.2.9', 0), 1);
    });

    it('locks (login, source) after maxFailures, even for the right password; another source still logs in', async () => {
      const a = await user();
      const auth = service();
      const results = await Promise.all(Array.from({ length: MAX }, (_, i) =>
        auth.verify(i === 1 ? a.email.toUpperCase() : a.email, `wrong-${i}`, '198.51.100.7')));
      for (const r of results) assert.deepEqual(r, { ok: false, reason: 'invalid' });
      assert.deepEqual(await auth.verify(a.email, PW, '198.51.100.7'), { ok: false, reason: 'locked' });
      assert.deepEqual(await auth.verify(a.email, 'wrong-again', '198.51.100.7'), { ok: false, reason: 'locked' });
      const other = await auth.verify(a.email, PW, '198.51.100.8');
      assert.ok(other.ok, 'another source address is not locked');
    });

    // Regression: every concurrent guess was checked against the failure count before the first
    // failure was recorded, so a burst of N guesses got N tries whatever maxFailures said.
    it('a burst of concurrent guesses gets no more than maxFailures tries', async () => {
      const a = await user();
      const auth = service();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => auth.verify(a.email, i === 7 ? PW : `guess-${i}`, '198.51.100.99')));
      assert.equal(results.filter((r) => !r.ok && r.reason === 'invalid').length, MAX);
      assert.equal(results.filter((r) => !r.ok && r.reason === 'locked').length, 8 - MAX);
      assert.equal(await store.countLoginFailures(a.email, '198.51.100.99', 0), MAX);
      assert.ok(!results.some((r) => r.ok), 'the right password, late in the burst, is locked out too');
    });

    it('locks even when the right password is cached (a phone keeps sending it)', async () => {
      const a = await user();
      const auth = service();
      assert.ok((await auth.verify(a.email, PW, '198.51.100.20')).ok);
      await fail(auth, a.email, '198.51.100.20');
      assert.deepEqual(await auth.verify(a.email, PW, '198.51.100.20'), { ok: false, reason: 'locked' });
    });

    it('lifts the lockout once the failures fall out of the window', async () => {
      const a = await user();
      const auth = service();
      const start = clock;
      await fail(auth, a.email, '198.51.100.30');
      clock = start + WINDOW - 1;
      assert.deepEqual(await auth.verify(a.email, PW, '198.51.100.30'), { ok: false, reason: 'locked' });
      clock = start + WINDOW + 1;
      assert.ok((await auth.verify(a.email, PW, '198.51.100.30')).ok);
      clock = start;
    });

    it('lifts the lockout on `hearth lockout unlock` (clearLoginFailures), for every source', async () => {
      const a = await user();
      const auth = service();
      await Promise.all([fail(auth, a.email, '198.51.100.40'), fail(auth, a.email, '198.51.100.41')]);
      for (const src of ['198.51.100.40', '198.51.100.41']) {
        assert.deepEqual(await auth.verify(a.email, PW, src), { ok: false, reason: 'locked' });
      }
      assert.equal(await store.clearLoginFailures(a.email), MAX * 2);
      assert.ok((await auth.verify(a.email, PW, '198.51.100.40')).ok);
      assert.ok((await auth.verify(a.email, PW, '198.51.100.41')).ok);
    });

    once('refuses a disabled account as disabled, also after a cached success', async () => {
      const d = await user({ disabled: true });
      assert.deepEqual(await service().verify(d.email, PW, '192.0.2.50'), { ok: false, reason: 'disabled' });
      assert.deepEqual(await service().verify(d.email, 'wrong-pw', '192.0.2.50'), { ok: false, reason: 'invalid' });

      const a = await user();
      const auth = service();
      assert.ok((await auth.verify(a.email, PW, '192.0.2.51')).ok);
      await store.updateAccount(a.id, { disabled: true });
      assert.deepEqual(await auth.verify(a.email, PW, '192.0.2.51'), { ok: false, reason: 'disabled' });
    });

    // Regression (issue 8.4): the cache vouched for the old password until forget() was called,
    // which another process (the CLI) or node never calls.
    once('a password change ends cached credentials on the next request, without forget()', async () => {
      const a = await user();
      const auth = service();
      assert.ok((await auth.verify(a.email, PW, '192.0.2.60')).ok);
      await store.updateAccount(a.id, { passwordHash: await auth.hashPassword('new-password-2') });
      assert.deepEqual(await auth.verify(a.email, PW, '192.0.2.60'), { ok: false, reason: 'invalid' });
      assert.ok((await auth.verify(a.email, 'new-password-2', '192.0.2.60')).ok);
    });

    once('uses the cache: a second verify of the same credentials does not run scrypt again', async () => {
      const a = await user();
      let checks = 0;
      const auth = new AuthService(store, {
        lockout: { maxFailures: MAX, windowMs: WINDOW }, cacheTtlMs: 60_000, now,
        verifyPassword: async (pw, stored) => { checks++; return verifyPassword(pw, stored); },
      });
      assert.ok((await auth.verify(a.email, PW, '192.0.2.70')).ok);
      assert.ok((await auth.verify(a.email, PW, '192.0.2.70')).ok);
      assert.equal(checks, 1, 'the second login was a cache hit');
      assert.equal((await auth.verify(a.email, 'other-pass', '192.0.2.70')).ok, false, 'a different password is not a cache hit');
      assert.equal(checks, 2);
    });

    once('an account without a password never logs in', async () => {
      const d = await store.createDomain({ name: `auth${++seq}.example` });
      const a = await store.createAccount({ domainId: d.id, email: `room@${d.name}`, kind: 'resource' });
      assert.deepEqual(await service().verify(a.email, '', '192.0.2.80'), { ok: false, reason: 'invalid' });
      assert.deepEqual(await service().verify(a.email, 'anything-1', '192.0.2.80'), { ok: false, reason: 'invalid' });
    });
  });
}
