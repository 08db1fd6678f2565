/** Folding and serialising content lines: exact, linear, and stack-safe on hostile sizes (issue 8.2). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fold, parseRaw, serializeRaw, unfold } from '../../../src/pim/raw.js';

describe('src/pim/raw fold and serialise', () => {
  it('folds at 75 octets, continuation lines at 74 plus a space, and unfolds to the input', () => {
    const line = `NOTE:${'abcdefghij'.repeat(30)}`;
    const lines = fold(line);
    assert.equal(Buffer.byteLength(lines[0]), 75);
    for (const l of lines.slice(1)) {
      assert.ok(l.startsWith(' '));
      assert.ok(Buffer.byteLength(l) <= 75);
    }
    assert.equal(unfold(lines), line);
    assert.deepEqual(fold('FN:short'), ['FN:short']);
  });

  it('never splits a UTF-8 sequence or a surrogate pair', () => {
    const line = `FN:${'é😀漢'.repeat(100)}`;
    const lines = fold(line);
    for (const l of lines) {
      assert.ok(Buffer.byteLength(l) <= 75);
      assert.ok(!/[\ud800-\udbff]$/.test(l), 'ends inside a surrogate pair');
    }
    assert.equal(unfold(lines), line);
  });

  it('folds a 16 MiB value without overflowing the stack', () => {
    const line = `FN:${'x'.repeat(16 * 1024 * 1024)}`;
    const lines = fold(line);
    assert.equal(lines.length, Math.ceil((line.length - 75) / 74) + 1);
    assert.equal(unfold(lines).length, line.length);
  });

  it('serialises a property of 500,000 physical lines and 20,000 nested components', () => {
    const many = ['BEGIN:VCARD', 'NOTE:a', ...Array.from({ length: 500_000 }, () => ' b'), 'END:VCARD', ''].join('\r\n');
    assert.equal(serializeRaw(parseRaw(many)), many);
    const deep = `${'BEGIN:X\r\n'.repeat(20_000)}${'END:X\r\n'.repeat(20_000)}`;
    assert.equal(serializeRaw(parseRaw(deep)), deep);
  });
});
