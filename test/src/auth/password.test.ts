import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../../src/auth/password.js';

describe('password hashing (scrypt)', () => {
  it('encodes $scrypt$N=..,r=..,p=..$salt$key with a random salt and a 32-byte key', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(a);
    assert.ok(m, a);
    assert.ok(Number(m[1]) >= 1 << 15, 'N at least 2^15 (OWASP minimum)');
    assert.equal(Buffer.from(m[4], 'base64').length, 16);
    assert.equal(Buffer.from(m[5], 'base64').length, 32);
    assert.notEqual(a, b, 'salted: the same password hashes differently');
    assert.ok(!a.includes('correct horse'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('s3cret-Passw0rd');
    assert.equal(await verifyPassword('s3cret-Passw0rd', h), true);
    assert.equal(await verifyPassword('s3cret-passw0rd', h), false);
    assert.equal(await verifyPassword('', h), false);
    assert.equal(await verifyPassword('s3cret-Passw0rd ', h), false);
  });

  it('normalizes unicode (NFKC): composed and decomposed forms are the same password', async () => {
    const composed = 'caf\u00e9-\u00c5ngstr\u00f6m';
    const decomposed = composed.normalize('NFD');
    assert.notEqual(composed, decomposed);
    const h = await hashPassword(composed);
    assert.equal(await verifyPassword(decomposed, h), true);
    // Compatibility forms too: the ligature U+FB01 is "fi".
    assert.equal(await verifyPassword('\ufb01sh', await hashPassword('fish')), true);
    assert.equal(await verifyPassword('cafe-Angstrom', h), false);
  });

  it('answers false for a malformed stored hash and never throws', async () => {
    const good = await hashPassword('whatever1');
    const [, , params, salt, key] = good.split('$');
    const bad = [
      '', 'whatever1', 'plaintext', '$2b$10$abcdefghijklmnopqrstuv', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      `$scrypt$${params}$${salt}`, `$scrypt$${params}$$${key}`, `$scrypt$N=abc,r=8,p=1$${salt}$${key}`,
      `$scrypt$N=1000,r=8,p=1$${salt}$${key}`, // not a power of two: scrypt itself would throw
      `$scrypt$N=1,r=8,p=1$${salt}$${key}`,
      `$scrypt$N=0,r=8,p=1$${salt}$${key}`, `$scrypt$N=16384,r=0,p=1$${salt}$${key}`, `$scrypt$N=16384,r=8,p=0$${salt}$${key}`,
      `$scrypt$N=${1 << 22},r=8,p=1$${salt}$${key}`, // absurd cost is refused before any work
      `$scrypt$${params}$${salt}$${key}!`, ` ${good}`,
    ];
    for (const stored of bad) {
      assert.equal(await verifyPassword('whatever1', stored), false, stored);
    }
  });

  // Regression: a stored key that decodes to zero bytes ('=' or a single base64 char) derived a
  // zero-length key, and two empty buffers compare equal: every password was accepted.
  it('refuses every password against a truncated or empty stored key', async () => {
    const [, , params, salt] = (await hashPassword('x')).split('$');
    for (const key of ['=', 'A', 'AA==', 'AAAAAAAA']) {
      assert.equal(await verifyPassword('anything', `$scrypt$${params}$${salt}$${key}`), false, key);
    }
  });
});
