// Unit tests of the WBXML codec: header, string table, opaque, code pages, limits, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CODE_PAGES, DEFAULT_LIMITS, WbxmlError, decodeWbxml, el, encodeWbxml, fromXml, lookupTag, toXml, childText,
  type WbxmlElement, type WbxmlErrorCode,
} from '../../../../protocols/activesync/wbxml/index.js';

const bytes = (...b: (number | string)[]): Uint8Array =>
  new Uint8Array(b.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x, 'utf8'), 0] : [x])));
const HEADER = [0x03, 0x01, 0x6a, 0x00];

function throwsCode(f: () => unknown, code: WbxmlErrorCode): void {
  assert.throws(f, (e: unknown) => e instanceof WbxmlError && e.code === code);
}

test('code pages: 26 pages, numbered 0-25, MS-ASWBXML namespace names, unique names per page', () => {
  assert.equal(CODE_PAGES.length, 26);
  CODE_PAGES.forEach((cp, i) => assert.equal(cp.page, i));
  assert.deepEqual(CODE_PAGES.map((c) => c.ns), [
    'AirSync', 'Contacts', 'Email', 'AirNotify', 'Calendar', 'Move', 'GetItemEstimate', 'FolderHierarchy',
    'MeetingResponse', 'Tasks', 'ResolveRecipients', 'ValidateCert', 'Contacts2', 'Ping', 'Provision', 'Search',
    'GAL', 'AirSyncBase', 'Settings', 'DocumentLibrary', 'ItemOperations', 'ComposeMail', 'Email2', 'Notes',
    'RightsManagement', 'Find']);
  // a few 16.x tokens, by the spec's numbers
  assert.deepEqual(lookupTag('AirSyncBase', 'Location'), { page: 17, token: 0x20 });
  assert.deepEqual(lookupTag('AirSyncBase', 'InstanceId'), { page: 17, token: 0x2d });
  assert.deepEqual(lookupTag('Email2', 'IsDraft'), { page: 22, token: 0x15 });
  assert.deepEqual(lookupTag('Email2', 'Bcc'), { page: 22, token: 0x16 });
  assert.deepEqual(lookupTag('Email2', 'Send'), { page: 22, token: 0x17 });
  assert.deepEqual(lookupTag('Calendar', 'ClientUid'), { page: 4, token: 0x3c });
  assert.deepEqual(lookupTag('Find', 'Picture'), { page: 25, token: 0x22 });
  assert.deepEqual(lookupTag('Provision', 'DeviceEncryptionEnabled'), lookupTag('Provision', 'RequireStorageCardEncryption'));
});

test('every tag of every page encodes and decodes back to itself', () => {
  for (const cp of CODE_PAGES) {
    const kids = Object.values(cp.tags).map((t, i) => el(cp.ns, t, i % 2 ? 'x' : null));
    const doc = el('AirSync', 'Sync', kids);
    assert.deepEqual(decodeWbxml(encodeWbxml(doc)), doc);
  }
});

test('encoder: header, SWITCH_PAGE only on change, STR_I, empty element without content flag, OPAQUE', () => {
  const doc = el('AirSync', 'Sync', [
    el('AirSync', 'SyncKey', '0'),
    el('Contacts', 'FileAs', 'Ä'),
    el('Contacts', 'FirstName'),
    el('AirSync', 'Status', ''),
    el('ComposeMail', 'Mime', new Uint8Array([1, 2, 0, 255])),
  ]);
  const hex = encodeWbxml(doc).toString('hex');
  assert.equal(hex, [
    '03016a00', // version 1.3, public id 1, UTF-8, no string table
    '45', '4b', '033000', '01', // Sync, SyncKey "0"
    '0001', '5e', '03c38400', '01', '1f', // page 1: FileAs "Ä", FirstName (empty: no content flag)
    '0000', '4e', '0300', '01', // page 0: Status ""
    '0015', '50', 'c3', '04', '010200ff', '01', // page 21: Mime, OPAQUE of 4 bytes
    '01', // end Sync
  ].join(''));
});

test('encoder: long opaque uses a multi-byte length; buffer grows past the initial size', () => {
  const big = new Uint8Array(300_000).map((_, i) => i & 0xff);
  const doc = el('ComposeMail', 'SendMail', [el('ComposeMail', 'Mime', big)]);
  const out = encodeWbxml(doc);
  assert.deepEqual(Array.from(out.subarray(0, 11)), [0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x45, 0x50, 0xc3, 0x92, 0xa7]);
  assert.deepEqual(decodeWbxml(out), doc);
});

test('encoder: unknown namespace, unknown tag, NUL in text, children with text are WbxmlErrors', () => {
  throwsCode(() => encodeWbxml(el('Nope', 'Sync')), 'unknown-page');
  throwsCode(() => encodeWbxml(el('AirSync', 'Nope')), 'unknown-tag');
  throwsCode(() => encodeWbxml(el('AirSync', 'SyncKey', 'a\0b')), 'bad-string');
  throwsCode(() => encodeWbxml({ ns: 'AirSync', tag: 'Sync', children: [el('AirSync', 'Status')], text: 'x' }), 'bad-structure');
});

test('decoder: string table references (STR_T) are resolved; public id as string index tolerated', () => {
  // header with public id 0 + index 0, charset 106, string table "abc\0de\0"
  const table = [...Buffer.from('abc\0de\0')];
  const doc = new Uint8Array([0x03, 0x00, 0x00, 0x6a, table.length, ...table,
    0x45, 0x4b, 0x83, 0x04, 0x01, 0x4e, 0x83, 0x00, 0x03, ...Buffer.from('!'), 0x00, 0x01, 0x01]);
  const t = decodeWbxml(doc);
  assert.equal(childText(t, 'SyncKey'), 'de');
  assert.equal(childText(t, 'Status'), 'abc!'); // STR_T followed by STR_I concatenates
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER.slice(0, 3), 2, 0x61, 0x00, 0x45, 0x4b, 0x83, 0x05, 0x01, 0x01])), 'bad-structure');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER.slice(0, 3), 2, 0x61, 0x62, 0x45, 0x4b, 0x83, 0x00, 0x01, 0x01])), 'bad-structure');
});

test('decoder: opaque and switch page', () => {
  const t = decodeWbxml(bytes(...HEADER, 0x00, 0x15, 0x45, 0x50, 0xc3, 0x03, 0xff, 0x00, 0x41, 0x01, 0x00, 0x00, 0x4e, 0x03, 'x', 0x01, 0x01));
  assert.equal(t.tag, 'SendMail');
  assert.deepEqual(t.children[0], { ns: 'ComposeMail', tag: 'Mime', children: [], opaque: new Uint8Array([0xff, 0x00, 0x41]) });
});

test('decoder: an inline string', () => {
  const t = decodeWbxml(bytes(...HEADER, 0x00, 0x00, 0x45, 0x4e, 0x03, '1', 0x01, 0x01));
  assert.equal(t.children[0]!.ns, 'AirSync');
  assert.equal(childText(t, 'Status'), '1');
});

test('decoder: header errors', () => {
  throwsCode(() => decodeWbxml(new Uint8Array([])), 'truncated');
  throwsCode(() => decodeWbxml(new Uint8Array([0x02, 0x01, 0x6a, 0x00, 0x45, 0x01])), 'bad-header');
  throwsCode(() => decodeWbxml(new Uint8Array([0x03, 0x01, 0x04, 0x00, 0x45, 0x01])), 'bad-header'); // ISO-8859-1
  throwsCode(() => decodeWbxml(new Uint8Array([0x03, 0x01, 0x6a, 0x10, 0x45, 0x01])), 'truncated');
});

test('decoder: structural errors have stable codes', () => {
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45])), 'truncated');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0x03, 0x61])), 'truncated');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0xc3, 0x10, 0x01])), 'truncated');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0xc5, 0x01, 0x01])), 'bad-token'); // attributes
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0x02, 0x41, 0x01])), 'bad-token'); // ENTITY
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0x43, 0x01])), 'bad-token'); // PI
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x00, 0x1a, 0x45, 0x01])), 'unknown-page');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0x7f, 0x01])), 'unknown-tag');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0x01, 0x45, 0x01])), 'bad-structure'); // trailing
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x01])), 'bad-structure');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x03, 0x61, 0x00])), 'bad-structure'); // text before root
  throwsCode(() => decodeWbxml(bytes(...HEADER, 0x45, 0x4b, 0x03, 'a', 0x4b, 0x01, 0x01)), 'bad-structure'); // mixed
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x45, 0xc3, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), 'bad-token');
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER])), 'truncated');
});

test('limits: input size, depth, element count, string and opaque length are enforced', () => {
  const deep = (n: number): WbxmlElement => (n === 1 ? el('AirSync', 'Status', '1') : el('AirSync', 'Collection', [deep(n - 1)]));
  const d10 = encodeWbxml(deep(10));
  assert.ok(decodeWbxml(d10, { maxDepth: 10 }));
  throwsCode(() => decodeWbxml(d10, { maxDepth: 9 }), 'limit');
  throwsCode(() => decodeWbxml(encodeWbxml(deep(DEFAULT_LIMITS.maxDepth + 1))), 'limit');
  // an empty element at the limit counts too
  throwsCode(() => decodeWbxml(encodeWbxml(el('AirSync', 'Sync', [el('AirSync', 'Collection', [el('AirSync', 'Status')])])), { maxDepth: 2 }), 'limit');

  const many = encodeWbxml(el('AirSync', 'Sync', Array.from({ length: 99 }, () => el('AirSync', 'Status'))));
  assert.ok(decodeWbxml(many, { maxElements: 100 }));
  throwsCode(() => decodeWbxml(many, { maxElements: 99 }), 'limit');

  throwsCode(() => decodeWbxml(many, { maxInputBytes: many.length - 1 }), 'limit');
  const str = encodeWbxml(el('AirSync', 'SyncKey', 'x'.repeat(1000)));
  assert.ok(decodeWbxml(str, { maxStringBytes: 1000 }));
  throwsCode(() => decodeWbxml(str, { maxStringBytes: 999 }), 'limit');
  const opq = encodeWbxml(el('ComposeMail', 'Mime', new Uint8Array(1000)));
  throwsCode(() => decodeWbxml(opq, { maxOpaqueBytes: 999 }), 'limit');
  // a huge claimed opaque length is refused before any allocation
  throwsCode(() => decodeWbxml(new Uint8Array([...HEADER, 0x00, 0x15, 0x50, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f])), 'limit');
});

test('string-table references cannot expand a small document into a huge one', () => {
  // version, public id 1, UTF-8, a 1,000-byte table entry, then <Sync> with 2,000 references to it.
  const entry = [...Buffer.from('x'.repeat(999)), 0];
  const table = [0x87, 0x68, ...entry]; // mb_u_int32 1000 = 0x87 0x68
  const refs = Array.from({ length: 2000 }, () => [0x83, 0x00]).flat();
  const doc = new Uint8Array([0x03, 0x01, 0x6a, ...table, 0x45, 0x4b, ...refs, 0x01, 0x01]);
  throwsCode(() => decodeWbxml(doc), 'limit');
  assert.equal(decodeWbxml(doc, { maxTableTextBytes: 2000 * 999 }).children[0].text!.length, 2000 * 999);
});

test('invalid UTF-8 decodes with replacement characters rather than failing the request', () => {
  const t = decodeWbxml(new Uint8Array([...HEADER, 0x4b, 0x03, 0xff, 0x61, 0x00, 0x01]));
  assert.equal(t.text, '\ufffda');
});

test('toXml / fromXml: namespaces by URI with any prefix, opaque as base64, text kept exactly', () => {
  const doc = el('AirSync', 'Sync', [
    el('AirSync', 'Collections', [el('Calendar', 'Subject', ' a <b> & "c"\n'), el('ComposeMail', 'Mime', new Uint8Array([0, 1, 2]))]),
  ]);
  const xml = toXml(doc);
  assert.match(xml, /<Subject xmlns="Calendar:"> a &lt;b&gt; &amp; &quot;c&quot;\n<\/Subject>/);
  assert.match(xml, /<Mime xmlns="ComposeMail:">AAEC<\/Mime>/);
  assert.deepEqual(fromXml(xml), doc);
  const prefixed = '<a:Sync xmlns:a="AirSync:" xmlns:c="Calendar"><c:Subject>x</c:Subject><a:Status/></a:Sync>';
  assert.deepEqual(fromXml(prefixed), el('AirSync', 'Sync', [el('Calendar', 'Subject', 'x'), el('AirSync', 'Status')]));
  assert.match(toXml(el('ComposeMail', 'Mime', new Uint8Array(Buffer.from('hi'))), { opaque: 'text' }), />hi</);
  throwsCode(() => fromXml('<Sync>'), 'bad-xml');
  throwsCode(() => fromXml('<Sync/>'), 'bad-xml'); // no namespace
  throwsCode(() => fromXml('<Sync xmlns="AirSync:">a<Status/></Sync>'), 'bad-xml');
});

// The encoder copies short ASCII strings itself and hands the rest to Buffer.write: every case
// must give the same UTF-8 bytes (an ASCII start then a non-ASCII character, the length limit).
test('strings encode as UTF-8 whether ASCII or not, short or long, including a non-ASCII character after an ASCII start', () => {
  for (const text of ['', 'a', 'Person12 Example', 'Müller', 'abcdefé', 'x'.repeat(64), 'x'.repeat(65), `${'y'.repeat(63)}ß`, `${'z'.repeat(70)}€`, 'emoji 😀 end']) {
    const enc = encodeWbxml(el('AirSync', 'ServerId', text));
    assert.deepEqual([...enc], [...HEADER, 0x0d | 0x40, 0x03, ...Buffer.from(text, 'utf8'), 0x00, 0x01], JSON.stringify(text));
    assert.equal(childText(el('x', 'x', [decodeWbxml(enc)]), 'ServerId'), text);
  }
});
