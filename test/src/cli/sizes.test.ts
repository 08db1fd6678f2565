import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, formatSize, parseSize } from '../../../src/cli/sizes.js';

describe('SIZE (CONTRACT.md: 500K, 25M, 2G)', () => {
  it('parses binary units, case-insensitively, with optional B / iB', () => {
    assert.equal(parseSize('500K'), 500 * 1024);
    assert.equal(parseSize('25M'), 25 * 1024 ** 2);
    assert.equal(parseSize('2G'), 2 * 1024 ** 3);
    assert.equal(parseSize('1T'), 1024 ** 4);
    assert.equal(parseSize('25m'), 25 * 1024 ** 2);
    assert.equal(parseSize('25MB'), 25 * 1024 ** 2);
    assert.equal(parseSize('25MiB'), 25 * 1024 ** 2);
    assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('1234'), 1234);
    assert.equal(parseSize(' 10K '), 10240);
  });

  it('refuses anything else with a UsageError naming the value', () => {
    for (const bad of ['', 'big', '2X', '-1G', '1e3', 'G', '2 G B', '0x10', '1,5G', '99999999999T']) {
      assert.throws(() => parseSize(bad), (e: unknown) => e instanceof UsageError && e.message.includes(`'${bad}'`), bad);
    }
  });

  it('formats sizes back the way operators write them', () => {
    assert.equal(formatSize(null), 'unlimited');
    assert.equal(formatSize(2 * 1024 ** 3), '2G');
    assert.equal(formatSize(25 * 1024 ** 2), '25M');
    assert.equal(formatSize(500 * 1024), '500K');
    assert.equal(formatSize(1.5 * 1024 ** 3), '1.5G');
    assert.equal(formatSize(1000), '1000');
    for (const s of ['500K', '25M', '2G', '1T']) assert.equal(formatSize(parseSize(s)), s);
  });
});
