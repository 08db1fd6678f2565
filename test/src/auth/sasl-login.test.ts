import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Account } from '../../../src/model/types.js';
import type { Authenticator, AuthResult } from '../../../src/auth/authenticator.js';
import { saslLoginLogin, saslPlainLogin } from '../../../src/auth/sasl-login.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** An authenticator that knows one password and records what it was asked. */
function recorder() {
  const calls: [string, string, string][] = [];
  const account = { id: 1, email: 'ann@example.com' } as Account;
  const auth: Authenticator = {
    async verify(login, password, source): Promise<AuthResult> {
      calls.push([login, password, source]);
      return password === 'right-pw' ? { ok: true, account } : { ok: false, reason: 'invalid' };
    },
    hashPassword: async () => '',
    forget: () => {},
  };
  return { auth, calls };
}

describe('SASL logins', () => {
  it('PLAIN verifies the authcid and password from the source', async () => {
    const { auth, calls } = recorder();
    const r = await saslPlainLogin(auth, b64('\0Ann@Example.com\0right-pw'), '192.0.2.1');
    assert.ok(r.ok);
    assert.deepEqual(calls, [['Ann@Example.com', 'right-pw', '192.0.2.1']]);
    assert.deepEqual(await saslPlainLogin(auth, b64('\0ann@example.com\0wrong'), '192.0.2.1'), { ok: false, reason: 'invalid' });
  });

  it('PLAIN: an undecodable response or a foreign authzid is missing and never verified (no failure counted)', async () => {
    const { auth, calls } = recorder();
    for (const bad of ['%%%', b64('boss@example.com\0ann@example.com\0right-pw'), b64('ann@example.com')]) {
      assert.deepEqual(await saslPlainLogin(auth, bad, '192.0.2.1'), { ok: false, reason: 'missing' });
    }
    assert.deepEqual(calls, []);
  });

  it('LOGIN verifies the two answers; a bad one is missing', async () => {
    const { auth, calls } = recorder();
    assert.ok((await saslLoginLogin(auth, b64('ann@example.com'), b64('right-pw'), '192.0.2.2')).ok);
    assert.deepEqual(await saslLoginLogin(auth, '%%%', b64('right-pw'), '192.0.2.2'), { ok: false, reason: 'missing' });
    assert.deepEqual(await saslLoginLogin(auth, b64('ann@example.com'), '', '192.0.2.2'), { ok: false, reason: 'missing' });
    assert.deepEqual(calls, [['ann@example.com', 'right-pw', '192.0.2.2']]);
  });
});
