/**
 * Regression for issue 8.2: `lines.push(...fold(line))` in the contact converter overflowed the
 * stack on a long value (48 MiB in the report; 16 MiB already did). The converter must be
 * stack-safe on its own, whatever the protocol boundary lets through.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { el } from '../../../../protocols/activesync/wbxml/types.js';
import { easContactToVCard } from '../../../../protocols/activesync/convert/contact.js';

describe('contact conversion of a very long field', () => {
  it('converts a 16 MiB FirstName without overflowing the stack', () => {
    const first = 'x'.repeat(16 * 1024 * 1024);
    const vcard = easContactToVCard([el('Contacts', 'FirstName', first)]);
    const lines = vcard.split('\r\n');
    for (const l of lines) assert.ok(Buffer.byteLength(l) <= 75);
    const fn = lines.findIndex((l) => l.startsWith('FN:'));
    let unfolded = lines[fn];
    for (let i = fn + 1; lines[i]?.startsWith(' '); i++) unfolded += lines[i].slice(1);
    assert.equal(unfolded, `FN:${first}`);
  });
});
