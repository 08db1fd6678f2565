import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { wouldExceed } from '../../../src/mail/quota.js';
import type { QuotaUsage } from '../../../src/model/mail.js';

const usage = (o: Partial<QuotaUsage> = {}, d: Partial<QuotaUsage['domain']> = {}): QuotaUsage => ({
  bytes: 900, messages: 9, quotaBytes: 1000, quotaMessages: 10,
  ...o, domain: { bytes: 5000, messages: 50, quotaBytes: null, quotaMessages: null, ...d },
});

describe('quota pre-check (SMTP RCPT, IMAP APPEND)', () => {
  it('allows up to the limit and refuses beyond it, bytes and messages', () => {
    assert.equal(wouldExceed(usage(), 100), false);
    assert.equal(wouldExceed(usage(), 101), true);
    assert.equal(wouldExceed(usage({ messages: 10 }), 1), true);
    assert.equal(wouldExceed(usage({ quotaBytes: null, quotaMessages: null }), 1e12), false);
  });

  it('counts the domain limits too', () => {
    assert.equal(wouldExceed(usage({ quotaBytes: null }, { quotaBytes: 5050 }), 50), false);
    assert.equal(wouldExceed(usage({ quotaBytes: null }, { quotaBytes: 5050 }), 51), true);
    assert.equal(wouldExceed(usage({ quotaMessages: null }, { quotaMessages: 50 }), 10), true);
  });
});
