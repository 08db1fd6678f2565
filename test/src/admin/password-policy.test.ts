/** The one password check (src/admin/password-policy.ts): each rule, its boundaries, and the stored policy read back safely. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PASSWORD_POLICY, passwordPolicyOf, passwordProblem, type PasswordPolicy,
} from '../../../src/admin/password-policy.js';

const policy = (p: Partial<PasswordPolicy>): PasswordPolicy => ({ ...DEFAULT_PASSWORD_POLICY, ...p });
const ok = (p: Partial<PasswordPolicy>, pw: string, email = 'ann.lee@example.test') => assert.equal(passwordProblem(policy(p), pw, email), null, pw);
const refused = (p: Partial<PasswordPolicy>, pw: string | undefined, why: RegExp, email = 'ann.lee@example.test') => {
  const problem = passwordProblem(policy(p), pw, email);
  assert.ok(problem, `${pw} should be refused`);
  assert.match(problem, why);
  assert.ok(!problem.includes('\n'), 'one line');
};

describe('password policy: passwordProblem', () => {
  it('default: 8 characters, nothing else', () => {
    assert.deepEqual(DEFAULT_PASSWORD_POLICY, { minLength: 8, requireMixedCase: false, requireDigit: false, requireSymbol: false, rejectContainsLocalPart: false });
    ok({}, 'abcdefgh');
    refused({}, 'abcdefg', /at least 8 characters/);
    refused({}, '', /required/);
    refused({}, undefined, /required/);
  });

  it('minLength: exactly the minimum passes, one less fails; counts code points, not UTF-16 units', () => {
    ok({ minLength: 12 }, 'a'.repeat(12));
    refused({ minLength: 12 }, 'a'.repeat(11), /at least 12 characters/);
    ok({ minLength: 128 }, 'x'.repeat(128));
    refused({ minLength: 128 }, 'x'.repeat(127), /at least 128/);
    // Four emoji are 8 UTF-16 units but 4 characters.
    refused({}, '😀😀😀😀', /at least 8/);
  });

  it('requireMixedCase: an upper-case and a lower-case letter, any script', () => {
    ok({ requireMixedCase: true }, 'abcdefgH');
    ok({ requireMixedCase: true }, 'Äbcdefgh');
    refused({ requireMixedCase: true }, 'abcdefgh', /upper-case and lower-case/);
    refused({ requireMixedCase: true }, 'ABCDEFGH', /upper-case and lower-case/);
    refused({ requireMixedCase: true }, '12345678!', /upper-case and lower-case/);
  });

  it('requireDigit', () => {
    ok({ requireDigit: true }, 'abcdefg1');
    refused({ requireDigit: true }, 'abcdefgh', /digit/);
  });

  it('requireSymbol: anything neither a letter nor a digit', () => {
    ok({ requireSymbol: true }, 'abcdefg!');
    ok({ requireSymbol: true }, 'abc defg');
    refused({ requireSymbol: true }, 'abcdEF12', /symbol/);
  });

  it('rejectContainsLocalPart: case-insensitive, anywhere in the password', () => {
    refused({ rejectContainsLocalPart: true }, 'xxANN.LEExx', /user name/);
    refused({ rejectContainsLocalPart: true }, 'ann.lee2026', /user name/);
    ok({ rejectContainsLocalPart: true }, 'ann-lee-2026');
    ok({ rejectContainsLocalPart: false }, 'ann.lee2026');
  });

  it('all rules together: the first failing rule is the reason', () => {
    const all = { minLength: 10, requireMixedCase: true, requireDigit: true, requireSymbol: true, rejectContainsLocalPart: true };
    ok(all, 'Str0ng!pass');
    refused(all, 'Str0ng!', /at least 10/);
    refused(all, 'str0ng!pass', /upper-case/);
    refused(all, 'Strong!pass', /digit/);
    refused(all, 'Str0ngXpass', /symbol/);
    refused(all, 'Ann.Lee!9xyz', /user name/);
  });
});

describe('password policy: passwordPolicyOf', () => {
  it('defaults for a domain without one, and for stored values out of range or of the wrong type', () => {
    assert.deepEqual(passwordPolicyOf({ settings: {} }), DEFAULT_PASSWORD_POLICY);
    assert.deepEqual(passwordPolicyOf(null), DEFAULT_PASSWORD_POLICY);
    assert.deepEqual(passwordPolicyOf({ settings: { passwordPolicy: 'junk' } }), DEFAULT_PASSWORD_POLICY);
    assert.deepEqual(passwordPolicyOf({ settings: { passwordPolicy: { minLength: 7, requireDigit: 'yes' } } }), DEFAULT_PASSWORD_POLICY);
    assert.deepEqual(passwordPolicyOf({ settings: { passwordPolicy: { minLength: 129 } } }).minLength, 8);
    assert.deepEqual(
      passwordPolicyOf({ settings: { passwordPolicy: { minLength: 16, requireSymbol: true } } }),
      { ...DEFAULT_PASSWORD_POLICY, minLength: 16, requireSymbol: true },
    );
  });
});
