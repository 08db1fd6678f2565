import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAddress, checkDomainName, checkPassword, checkQuota } from '../../../src/cli/accounts.js';
import { UsageError } from '../../../src/cli/sizes.js';
import type { Domain } from '../../../src/model/types.js';

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n'));

describe('CLI input checks', () => {
  it('addresses: lower-cased, trimmed, one @, a real domain', () => {
    assert.equal(checkAddress(' Ann.Lee+tag@Example.COM '), 'ann.lee+tag@example.com');
    for (const bad of ['', 'ann', '@example.com', 'ann@', 'ann@localhost', 'a@b@example.com', 'ann@exa_mple.com', 'ann lee@example.com', `${'a'.repeat(250)}@example.com`]) {
      usage(() => checkAddress(bad), /not an email address/);
    }
  });

  it('domain names', () => {
    assert.equal(checkDomainName('Mail.Example.ORG'), 'mail.example.org');
    for (const bad of ['', 'example', 'exa_mple.com', '-x.com', 'x-.com', 'a..com', '.com']) usage(() => checkDomainName(bad), /not a domain name/);
  });

  it("passwords: required (their strength is the domain's policy, checked in src/admin)", () => {
    assert.equal(checkPassword('12345678'), '12345678');
    usage(() => checkPassword(undefined), /required/);
    usage(() => checkPassword(''), /required/);
  });

  it('quotas: SIZE, at most the domain maximum', () => {
    const d = { name: 'example.test', maxQuota: 1024 ** 3 } as Domain;
    assert.equal(checkQuota(d, undefined), undefined);
    assert.equal(checkQuota(d, '500K'), 500 * 1024);
    assert.equal(checkQuota(d, '1G'), 1024 ** 3);
    usage(() => checkQuota(d, '2G'), /quota 2G exceeds the maximum of domain example\.test \(1G\)/);
    usage(() => checkQuota(d, 'x'), /not a size/);
    assert.equal(checkQuota({ ...d, maxQuota: null }, '9T'), 9 * 1024 ** 4);
  });
});
