import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AuthService } from '../../../src/auth/auth-service.js';
import { hashPassword, verifyPassword } from '../../../src/auth/password.js';
import type { Store } from '../../../src/store/store.js';
import type { AuthResult } from '../../../src/auth/authenticator.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';

const WINDOW = 15 * 60_000;
const MAX = 3;

/** A lockout refusal, with the Retry-After it says (at least 1 s). */
function assertLocked(r: AuthResult, retryAfterSeconds?: number): void {
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reason === 'locked', JSON.stringify(r));
  assert.ok(r.retryAfterSeconds >= 1);
  if (retryAfterSeconds !== undefined) assert.equal(r.retryAfterSeconds, retryAfterSeconds);
}

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
      assertLocked(await auth.verify(a.email, PW, '198.51.100.7'));
      assertLocked(await auth.verify(a.email, 'wrong-again', '198.51.100.7'));
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
      assertLocked(await auth.verify(a.email, PW, '198.51.100.20'));
    });

    it('lifts the lockout once the failures fall out of the window', async () => {
      const a = await user();
      const auth = service();
      const start = clock;
      await fail(auth, a.email, '198.51.100.30');
      clock = start + WINDOW - 1;
      assertLocked(await auth.verify(a.email, PW, '198.51.100.30'));
      clock = start + WINDOW + 1;
      assert.ok((await auth.verify(a.email, PW, '198.51.100.30')).ok);
      clock = start;
    });

    it('lifts the lockout on `hearth lockout unlock` (clearLoginFailures), for every source', async () => {
      const a = await user();
      const auth = service();
      await Promise.all([fail(auth, a.email, '198.51.100.40'), fail(auth, a.email, '198.51.100.41')]);
      for (const src of ['198.51.100.40', '198.51.100.41']) {
        assertLocked(await auth.verify(a.email, PW, src));
      }
      assert.equal(await store.clearLoginFailures(a.email), MAX * 2);
      assert.ok((await auth.verify(a.email, PW, '198.51.100.40')).ok);
      assert.ok((await auth.verify(a.email, PW, '198.51.100.41')).ok);
    });

    // Regression (issue 8.5): Retry-After said 300 s while the lock lasted the whole window.
    it('says how long the lock really lasts: until the maxFailures-th newest failure leaves the window', async () => {
      const a = await user();
      const auth = service();
      const start = clock;
      await fail(auth, a.email, '198.51.100.31');
      clock = start + 60_000;
      assertLocked(await auth.verify(a.email, PW, '198.51.100.31'), (WINDOW - 60_000) / 1000);
      clock = start + WINDOW - 1;
      assertLocked(await auth.verify(a.email, PW, '198.51.100.31'), 1);
      clock = start;
    });

    describe('the per-account limit (slows every source, never locks)', () => {
      const SLOW_AFTER = 4;
      /** A service whose delays are recorded and, when `hold` is set, last until released. */
      function slowed(opts: { hold?: boolean; maxWaiting?: number } = {}) {
        const delays: number[] = [];
        const waiting: (() => void)[] = [];
        const state = { hold: opts.hold ?? false };
        const auth = new AuthService(store, {
          lockout: { maxFailures: MAX, windowMs: WINDOW }, cacheTtlMs: 60_000, now,
          throttle: { slowAfter: SLOW_AFTER, stepMs: 1000, maxDelayMs: 10_000, maxWaiting: opts.maxWaiting ?? 4 },
          sleep: (ms) => { delays.push(ms); return state.hold ? new Promise<void>((r) => waiting.push(r)) : Promise.resolve(); },
        });
        return { auth, delays, waiting, release: () => { state.hold = false; waiting.splice(0).forEach((r) => r()); } };
      }
      /** One failure each from `n` different sources: no source is locked. */
      const spread = async (login: string, n: number, at = clock) => {
        for (let i = 0; i < n; i++) await store.recordLoginFailure(login, `203.0.113.${i % 250}`, at);
      };

      it('does not slow an account below the threshold', async () => {
        const a = await user();
        await spread(a.email, SLOW_AFTER - 1);
        const { auth, delays } = slowed();
        assert.ok((await auth.verify(a.email, PW, '192.0.2.90')).ok);
        assert.deepEqual(delays, []);
      });

      it('delays every source from 1 s up to 10 s as failures grow, and still lets the right password in', async () => {
        const a = await user();
        await spread(a.email, SLOW_AFTER);
        const { auth, delays } = slowed();
        assert.ok((await auth.verify(a.email, PW, '192.0.2.91')).ok, 'slowed, not locked');
        assert.equal((await auth.verify(a.email, 'a-guess-1', '192.0.2.92')).ok, false);
        await spread(a.email, 100);
        assert.equal((await auth.verify(a.email, 'a-guess-2', '192.0.2.93')).ok, false);
        assert.deepEqual(delays, [1000, 1000, 10_000]);
      });

      it('answers throttled, with Retry-After, once too many attempts wait at once', async () => {
        const a = await user();
        await spread(a.email, SLOW_AFTER);
        const { auth, release, waiting } = slowed({ hold: true, maxWaiting: 2 });
        const held = [auth.verify(a.email, 'guess-a', '192.0.2.94'), auth.verify(a.email, 'guess-b', '192.0.2.95')];
        while (waiting.length < 2) await new Promise((r) => setImmediate(r));
        assert.deepEqual(await auth.verify(a.email, PW, '192.0.2.96'), { ok: false, reason: 'throttled', retryAfterSeconds: 1 });
        release();
        for (const r of await Promise.all(held)) assert.deepEqual(r, { ok: false, reason: 'invalid' });
        assert.ok((await auth.verify(a.email, PW, '192.0.2.96')).ok, 'a place is free again');
      });

      it('never slows a login already verified (a cache hit is no guess)', async () => {
        const a = await user();
        const { auth, delays } = slowed();
        assert.ok((await auth.verify(a.email, PW, '192.0.2.97')).ok);
        await spread(a.email, 50);
        assert.ok((await auth.verify(a.email, PW, '192.0.2.97')).ok);
        assert.deepEqual(delays, []);
      });
    });

    // Regression (issue 8.5): failure rows were never deleted.
    it('purges failures older than the window when it writes one, at most once a minute', async () => {
      const a = await user();
      const old = `old${++seq}@auth.example`;
      await store.recordLoginFailure(old, '192.0.2.100', clock - WINDOW - 1);
      const auth = service();
      assert.equal((await auth.verify(a.email, 'wrong-1', '192.0.2.101')).ok, false);
      assert.equal(await store.countAccountLoginFailures(old, 0), 0, 'purged on write');
      await store.recordLoginFailure(old, '192.0.2.100', clock - WINDOW - 1);
      assert.equal((await auth.verify(a.email, 'wrong-2', '192.0.2.101')).ok, false);
      assert.equal(await store.countAccountLoginFailures(old, 0), 1, 'not again within the minute');
      assert.equal(await store.countAccountLoginFailures(a.email, 0), 2, 'rows inside the window stay');
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
