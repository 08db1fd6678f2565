import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialCache } from '../../../src/auth/credential-cache.js';

/** Every value the cache holds, reached through its private LRU (white box on purpose). */
function cachedEntries(c: CredentialCache): [string, Buffer][] {
  const lru = (c as unknown as { cache: { entries(): Iterable<[string, Buffer]> } }).cache;
  return [...lru.entries()];
}

function contains(haystack: Buffer, needle: Buffer): boolean {
  return haystack.indexOf(needle) >= 0;
}

/** A stored hash the cached passwords were verified against. */
const H = '$scrypt$N=32768,r=8,p=1$c2FsdA==$aGFzaA==';

describe('CredentialCache', () => {
  // Regression (issue 8.4): a password changed by another process left the old one cached.
  it('does not match once the stored hash differs from the one the password was verified against', () => {
    const c = new CredentialCache(60_000);
    c.remember('ann@example.test', 'pw-ann-1', H);
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', H), true);
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', `${H}x`), false);
  });

  it('matches the remembered password and not another one', () => {
    const c = new CredentialCache(60_000);
    assert.equal(c.matches('ann@example.test', 'pw-one-1', H), false, 'empty cache');
    c.remember('ann@example.test', 'pw-one-1', H);
    assert.equal(c.matches('ann@example.test', 'pw-one-1', H), true);
    assert.equal(c.matches('ann@example.test', 'pw-one-2', H), false);
    assert.equal(c.matches('ann@example.test', '', H), false);
    assert.equal(c.matches('bob@example.test', 'pw-one-1', H), false, 'keyed by login');
  });

  it('binds the password to the login (no confusion across the separator)', () => {
    const c = new CredentialCache(60_000);
    c.remember('a', '\0b', H);
    assert.equal(c.matches('a', '\0b', H), true);
    assert.equal(c.matches('a\0', 'b', H), false);
  });

  it('forgets a login on request, leaving others', () => {
    const c = new CredentialCache(60_000);
    c.remember('ann@example.test', 'pw-ann-1', H);
    c.remember('bob@example.test', 'pw-bob-1', H);
    c.forget('ann@example.test');
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', H), false);
    assert.equal(c.matches('bob@example.test', 'pw-bob-1', H), true);
  });

  it('expires entries after the ttl', () => {
    let clock = 1_000;
    const c = new CredentialCache(40, 10, () => clock);
    c.remember('ann@example.test', 'pw-ann-1', H);
    clock += 39;
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', H), true);
    clock += 2;
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', H), false);
  });

  // Regression: auth.cacheTtlSeconds may be 0, which lru-cache reads as "never expires".
  it('caches nothing with a ttl of 0', async () => {
    const c = new CredentialCache(0);
    c.remember('ann@example.test', 'pw-ann-1', H);
    assert.equal(c.matches('ann@example.test', 'pw-ann-1', H), false);
    assert.equal(cachedEntries(c).length, 0);
  });

  it('never stores the password, in any encoding', () => {
    const c = new CredentialCache(60_000);
    const passwords = ['hunter2-hunter2', 'pässwörd-ünïcode', 'x'.repeat(64)];
    passwords.forEach((pw, i) => c.remember(`u${i}@example.test`, pw, H));
    const entries = cachedEntries(c);
    assert.equal(entries.length, passwords.length);
    for (const [key, value] of entries) {
      assert.ok(Buffer.isBuffer(value), 'values are digests');
      assert.equal(value.length, 32, 'an HMAC-SHA256, not the secret');
      for (const pw of passwords) {
        assert.ok(!key.includes(pw));
        for (const enc of ['utf8', 'latin1', 'utf16le'] as const) {
          const bytes = Buffer.from(pw, enc);
          assert.ok(!value.equals(bytes));
          assert.ok(!contains(Buffer.from(value), bytes));
        }
        assert.ok(!Buffer.from(value).toString('latin1').includes(pw));
        assert.notEqual(Buffer.from(value).toString('base64'), Buffer.from(pw).toString('base64'));
      }
    }
    // Nothing else on the object holds it either.
    const own = JSON.stringify(Object.entries(c), (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
    for (const pw of passwords) assert.ok(!own.includes(pw));
  });

  it('two caches (two processes) do not share digests: the HMAC key is random per instance', () => {
    const a = new CredentialCache(60_000);
    const b = new CredentialCache(60_000);
    a.remember('ann@example.test', 'pw-ann-1', H);
    b.remember('ann@example.test', 'pw-ann-1', H);
    assert.ok(!cachedEntries(a)[0][1].equals(cachedEntries(b)[0][1]));
  });
});
