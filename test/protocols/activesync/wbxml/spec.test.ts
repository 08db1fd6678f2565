// Examples from Microsoft's specifications (fixtures/activesync/spec, see meta.json there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWbxml, encodeWbxml, fromXml, toXml } from '../../../../protocols/activesync/wbxml/index.js';
import { SPEC_FIXTURES, norm } from './helpers.js';

const meta = JSON.parse(readFileSync(join(SPEC_FIXTURES, 'meta.json'), 'utf8')) as {
  files: Record<string, { spec: string; wbxmlPrefix?: string }>;
};

for (const [file, info] of Object.entries(meta.files)) {
  test(`spec example ${file} round-trips`, () => {
    const tree = fromXml(readFileSync(join(SPEC_FIXTURES, file), 'utf8'));
    const wbxml = encodeWbxml(tree);
    assert.deepEqual(decodeWbxml(wbxml), tree);
    assert.deepEqual(norm(fromXml(toXml(tree))), norm(tree));
    if (info.wbxmlPrefix) {
      const want = Buffer.from(info.wbxmlPrefix.replace(/\s+/g, ''), 'hex');
      assert.equal(wbxml.subarray(0, want.length).toString('hex'), want.toString('hex'), 'matches the bytes the specification publishes');
    }
  });
}
