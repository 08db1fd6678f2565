import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Srs, MAX_AGE_DAYS } from '../../../src/mail/srs.js';

const DAY = 86_400_000;
const secret = Buffer.alloc(32, 7);

test('SRS0: forward and reverse give back the sender; the null sender stays null', () => {
  const srs = new Srs(secret, () => 1_800_000_000_000);
  const rewritten = srs.forward('Jane.Doe@Origin.example', 'forward.test');
  assert.match(rewritten, /^SRS0=[a-z2-7]{8}=[a-z2-7]{2}=Origin\.example=Jane\.Doe@forward\.test$/);
  assert.equal(srs.reverse(rewritten), 'Jane.Doe@Origin.example');
  // Some MTAs change the case of local parts: the address still verifies.
  assert.equal(srs.reverse(rewritten.toUpperCase())?.toLowerCase(), 'jane.doe@origin.example');
  assert.equal(srs.forward('', 'forward.test'), '');
});

test('SRS0: a changed hash, sender or secret, a malformed address and an expired stamp are refused', () => {
  let now = 1_800_000_000_000;
  const srs = new Srs(secret, () => now);
  const good = srs.forward('jane@origin.example', 'forward.test');
  assert.equal(srs.reverse(good.replace('=jane@', '=joe@')), null);
  assert.equal(srs.reverse(good.replace(/^SRS0=[a-z2-7]{8}/, 'SRS0=aaaaaaaa')), null);
  assert.equal(new Srs(Buffer.alloc(32, 8), () => now).reverse(good), null);
  for (const bad of ['SRS0=x@forward.test', 'jane@forward.test', 'SRS0==aa=d=l@f.test', 'SRS1=abc=f.test==x=y=z@f.test']) assert.equal(srs.reverse(bad), null);
  now += MAX_AGE_DAYS * DAY;
  assert.equal(srs.reverse(good), 'jane@origin.example');
  now += 2 * DAY;
  assert.equal(srs.reverse(good), null);
});

test('the key is the store\'s, shared by every node; a key kept in DATA/srs.key before is the one stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-srs-'));
  const stored = new Map<string, string>();
  // The store's contract (test/src/store/admin-store.test.ts): the first value stored stays.
  const store = { async serverSecret(name: string, initial: string) { if (!stored.has(name)) stored.set(name, initial); return stored.get(name)!; } };
  try {
    const a = await Srs.fromStore(store, join(dir, 'none.key'));
    assert.equal(Buffer.from(stored.get('srs')!, 'hex').length, 32, '32 random bytes');
    const b = await Srs.fromStore(store, null);
    assert.equal(b.reverse(a.forward('x@y.example', 'f.test')), 'x@y.example', 'a second node reads the same key');
    // An upgraded single node: its file's key becomes the shared one.
    const file = join(dir, 'srs.key');
    writeFileSync(file, 'ab'.repeat(32));
    const old = new Srs(Buffer.from('ab'.repeat(32), 'hex'));
    stored.clear();
    const upgraded = await Srs.fromStore(store, file);
    assert.equal(upgraded.reverse(old.forward('x@y.example', 'f.test')), 'x@y.example');
    assert.equal(statSync(file).isFile(), true, 'the file is left as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
