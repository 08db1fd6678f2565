/**
 * DKIM signing of outgoing mail (src/mail/dkim-sign.ts) against a clock that moves while the
 * signature is made: mailauth reads the clock for the t= tag of the header it signs and again for
 * the header it writes, so without a fixed signing time the two differ and the signature fails.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { signOutgoing } from '../../../src/mail/dkim-sign.js';
import { dkimDnsRecord, ensureDkimKey } from '../../../src/mail/dkim-keys.js';
import { fakeResolver } from '../../helpers/fake-dns.js';

describe('DKIM signing', () => {
  let dir: string;
  let store: Store;
  let zone: Record<string, { TXT: string[] }>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-dkim-sign-'));
    store = await openStore(undefined, dir);
    const d = await store.createDomain({ name: 'acme.test' });
    const { key } = await ensureDkimKey(store, d);
    const record = dkimDnsRecord('acme.test', key);
    zone = { [record.name]: { TXT: [record.value] } };
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a signature made while the clock moves on by seconds still verifies', async (t) => {
    const raw = Buffer.from('From: ann@acme.test\r\nTo: x@example.net\r\nSubject: s\r\nDate: Thu, 03 Dec 2026 12:00:00 +0000\r\n\r\nbody\r\n');
    // Every read of the clock is a second later than the one before, as on a machine so busy that
    // signing takes that long between two reads.
    let fake = Date.parse('2026-12-03T12:00:00Z');
    t.mock.method(Date, 'now', () => (fake += 1000));
    const { bytes, signedBy } = await signOutgoing(store, raw);
    t.mock.restoreAll();
    assert.equal(signedBy, 'acme.test');
    const res = await dkimVerify(bytes, { resolver: fakeResolver(zone) as never });
    assert.deepEqual(res.results.map((r) => r.status.result), ['pass']);
  });

  it("a list copy's List-Unsubscribe and List-Unsubscribe-Post are signed (RFC 8058 §4)", async () => {
    const raw = Buffer.from([
      'From: ann@acme.test', 'To: far@example.net', 'Subject: news', 'Date: Thu, 03 Dec 2026 12:00:00 +0000',
      'List-Unsubscribe: <https://mail.acme.test/lists/unsubscribe/1.x.y>, <mailto:team-unsubscribe@acme.test>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click', '', 'body', '',
    ].join('\r\n'));
    const { bytes } = await signOutgoing(store, raw);
    const h = /\bh=([^;]+);/.exec(bytes.toString().replace(/\r\n\s+/g, ''))![1].toLowerCase().split(/\s*:\s*/).map((x) => x.trim());
    assert.ok(h.includes('list-unsubscribe') && h.includes('list-unsubscribe-post'), h.join(':'));
    const res = await dkimVerify(bytes, { resolver: fakeResolver(zone) as never });
    assert.deepEqual(res.results.map((r) => r.status.result), ['pass']);
  });

  it('mail from a domain without a key leaves unsigned and unchanged', async () => {
    const raw = Buffer.from('From: bob@elsewhere.example\r\nSubject: s\r\n\r\nbody\r\n');
    const out = await signOutgoing(store, raw);
    assert.equal(out.signedBy, null);
    assert.ok(out.bytes.equals(raw));
  });
});
