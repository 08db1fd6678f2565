/** The multistatus byte writer gives exactly the bytes of the joined string, whatever the parts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeParts, Utf8Writer } from '../../../protocols/dav/multistatus.js';

const parts = ['<a>', 'é', '日本語', '😀'.repeat(50), 'x'.repeat(70_000), '\uD800 lone', '', 'Grüße</a>'];

describe('Utf8Writer / encodeParts', () => {
  it('writes the UTF-8 of the joined parts, in buffers of about the size asked', () => {
    assert.deepEqual(encodeParts(parts), Buffer.from(parts.join('')));
    const w = new Utf8Writer(16);
    const early: Buffer[] = [];
    for (const p of parts) { w.add(p); early.push(...w.takeFull()); }
    const all = [...early, ...w.takeAll()];
    assert.deepEqual(Buffer.concat(all), Buffer.from(parts.join('')));
    assert.ok(all.length > 3, 'several buffers');
    // Only a part too large for one buffer makes a larger one.
    for (const b of all) assert.ok(b.length <= 16 || b.length === 70_000 || b.length === 200, `buffer of ${b.length}`);
    assert.deepEqual(encodeParts([]), Buffer.alloc(0));
  });
});
