// Pre-encoded fragments (encodeWbxmlFragment, WbxmlElement.encoded: the Sync engine's cached
// ApplicationData): a document with any element spliced in as a fragment must be byte for byte the
// document the encoder writes from the tree, whatever code page is current before the splice and
// whichever page the fragment ends on; and libwbxml must read such a document as the same tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CODE_PAGES, WbxmlError, decodeWbxml, el, encodeWbxml, encodeWbxmlFragment, encodeWbxmlStream, fromXml, OPAQUE_TAGS, type WbxmlElement,
} from '../../../../protocols/activesync/wbxml/index.js';
import { SPEC_FIXTURES, libwbxmlLacks, libwbxmlMissing, norm, prng, readLibwbxmlXml, runLibwbxml } from './helpers.js';

/** Every element of a tree with its path of child indexes. */
function paths(root: WbxmlElement, at: number[] = []): number[][] {
  return [at, ...root.children.flatMap((c, i) => paths(c, [...at, i]))];
}

/** A copy of the tree with the element at `path` replaced by `f(element)`. */
function replaceAt(root: WbxmlElement, path: number[], f: (e: WbxmlElement) => WbxmlElement): WbxmlElement {
  if (path.length === 0) return f(root);
  const [i, ...rest] = path;
  return { ...root, children: root.children.map((c, k) => (k === i ? replaceAt(c, rest, f) : c)) };
}

const asFragment = (e: WbxmlElement): WbxmlElement => ({ ...e, encoded: encodeWbxmlFragment(e) });

/** A random tree over every code page: pages change at any depth, leaves are text, opaque or empty. */
function randomTree(rnd: () => number, depth = 0): WbxmlElement {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const page = pick(CODE_PAGES);
  const tag = pick(Object.values(page.tags));
  if (depth < 4 && rnd() < 0.6) return el(page.ns, tag, Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => randomTree(rnd, depth + 1)));
  const r = rnd();
  return r < 0.5 ? el(page.ns, tag, `v${Math.floor(rnd() * 1000)} ü`) : r < 0.75 ? el(page.ns, tag, new Uint8Array([1, 0, 255])) : el(page.ns, tag);
}

function corpus(): WbxmlElement[] {
  const docs = readdirSync(SPEC_FIXTURES).filter((x) => x.endsWith('.xml')).sort()
    .map((f) => fromXml(readFileSync(join(SPEC_FIXTURES, f), 'utf8')));
  const rnd = prng(0xf7a9);
  for (let i = 0; i < 150; i++) docs.push(el('AirSync', 'Sync', [randomTree(rnd), randomTree(rnd)]));
  return docs;
}

test('a fragment starts with SWITCH_PAGE to its page and ends on the page of its last element', () => {
  const f = encodeWbxmlFragment(el('AirSync', 'ApplicationData', [el('Contacts', 'FirstName', 'A'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1')])]));
  assert.deepEqual([...f.bytes.subarray(0, 2)], [0x00, 0x00]);
  assert.equal(f.page, 17);
  assert.equal(encodeWbxmlFragment(el('Contacts', 'FirstName', 'A')).bytes[1], 1);
});

test('every element of every document, as a fragment, encodes to the same bytes as the tree', () => {
  for (const doc of corpus()) {
    const plain = encodeWbxml(doc);
    for (const p of paths(doc)) {
      const spliced = encodeWbxml(replaceAt(doc, p, asFragment));
      assert.deepEqual(spliced, plain, `element at ${p.join('.')} of ${doc.children[0]?.tag}`);
    }
  }
});

test('fragments side by side, nested in fragments and in streamed documents encode as the tree', async () => {
  const rnd = prng(0x5ade);
  for (let i = 0; i < 100; i++) {
    const doc = el('AirSync', 'Sync', Array.from({ length: 5 }, () => randomTree(rnd)));
    const plain = encodeWbxml(doc);
    // Every child a fragment: a fragment follows a fragment that ended on another page.
    const all = { ...doc, children: doc.children.map(asFragment) };
    assert.deepEqual(encodeWbxml(all), plain);
    // A fragment made of a tree that holds fragments.
    assert.deepEqual(encodeWbxml(asFragment(all)), plain);
    assert.deepEqual(Buffer.concat(await encodeWbxmlStream(all).toArray()), plain);
    assert.deepEqual(decodeWbxml(encodeWbxml(all)), doc);
  }
});

test('a fragment whose bytes do not start with SWITCH_PAGE is refused', () => {
  const bad = { ...el('AirSync', 'SyncKey', '1'), encoded: { bytes: Buffer.from([0x4b, 0x03, 0x31, 0x00, 0x01]), page: 0 } };
  assert.throws(() => encodeWbxml(el('AirSync', 'Sync', [bad])), WbxmlError);
});

test('libwbxml reads a Sync answer made of fragments as the tree', { skip: libwbxmlMissing() }, () => {
  const data = el('AirSync', 'ApplicationData', [
    el('Contacts', 'LastName', 'Example'), el('Contacts', 'FirstName', 'Person'), el('Contacts', 'Email1Address', 'p@example.org'),
    el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '4'), el('AirSyncBase', 'Data', 'note')]),
  ]);
  const add = (id: string) => el('AirSync', 'Add', [el('AirSync', 'ServerId', id), asFragment(data)]);
  const doc = el('AirSync', 'Sync', [el('AirSync', 'Collections', [el('AirSync', 'Collection', [
    el('AirSync', 'SyncKey', '2'), el('AirSync', 'CollectionId', '9'), el('AirSync', 'Status', '1'),
    el('AirSync', 'Commands', [add('9:1'), add('9:2')]),
  ])])]);
  assert.ok(!libwbxmlLacks(doc));
  const xml = runLibwbxml('wbxml2xml', encodeWbxml(doc)).toString('utf8');
  const theirs = readLibwbxmlXml(xml.replace(/<!DOCTYPE[^>]*>/, ''), fromXml, OPAQUE_TAGS);
  const strip = (e: WbxmlElement): WbxmlElement => ({ ns: e.ns, tag: e.tag, children: e.children.map(strip), ...(e.text !== undefined ? { text: e.text } : {}) });
  assert.deepEqual(norm(theirs, { trim: true }), norm(strip(doc), { trim: true }));
});
