/**
 * The streaming form of the WBXML encoder: a document with streamed content decodes to the same
 * tree as the one with the content in memory, and content that breaks its promise (an opaque of
 * another length than announced, a string with NUL) fails the stream instead of writing a lie.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWbxml, encodeWbxml, encodeWbxmlStream } from '../../../../protocols/activesync/wbxml/index.js';
import { el, type WbxmlElement } from '../../../../protocols/activesync/wbxml/types.js';

async function collect(doc: WbxmlElement): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of encodeWbxmlStream(doc)) out.push(c as Buffer);
  return Buffer.concat(out);
}

const pieces = (...parts: string[]) => async function* () { for (const p of parts) yield Buffer.from(p); };

test('streamed string and opaque content encode as the in-memory tree does', async () => {
  const streamed = el('ItemOperations', 'ItemOperations', [el('ItemOperations', 'Status', '1'), el('ItemOperations', 'Response', [
    el('ItemOperations', 'Fetch', [el('ItemOperations', 'Properties', [
      { ns: 'ItemOperations', tag: 'Data', children: [], stream: { kind: 'string', open: pieces('QUJD', 'REVG', '') } },
      { ns: 'AirSyncBase', tag: 'Content', children: [], stream: { kind: 'opaque', length: 300, open: pieces('x'.repeat(100), 'y'.repeat(200)) } },
    ])]),
  ])]);
  const inMemory = el('ItemOperations', 'ItemOperations', [el('ItemOperations', 'Status', '1'), el('ItemOperations', 'Response', [
    el('ItemOperations', 'Fetch', [el('ItemOperations', 'Properties', [
      el('ItemOperations', 'Data', 'QUJDREVG'), el('AirSyncBase', 'Content', Buffer.from('x'.repeat(100) + 'y'.repeat(200))),
    ])]),
  ])]);
  const bytes = await collect(streamed);
  assert.deepEqual(bytes, encodeWbxml(inMemory));
  assert.equal(decodeWbxml(bytes).children.length, 2);
});

test('broken promises fail the stream; encodeWbxml refuses streamed content', async () => {
  const withStream = (stream: WbxmlElement['stream']) => el('ItemOperations', 'ItemOperations', [{ ns: 'ItemOperations', tag: 'Data', children: [], stream }]);
  await assert.rejects(collect(withStream({ kind: 'opaque', length: 5, open: pieces('abc') })), /shorter/);
  await assert.rejects(collect(withStream({ kind: 'opaque', length: 2, open: pieces('abc') })), /longer/);
  await assert.rejects(collect(withStream({ kind: 'string', open: pieces('a\0b') })), /U\+0000/);
  assert.throws(() => encodeWbxml(withStream({ kind: 'string', open: pieces('a') })), /encodeWbxmlStream/);
  assert.throws(() => encodeWbxmlStream(withStream({ kind: 'opaque', open: pieces('a') })), /length/);
});
