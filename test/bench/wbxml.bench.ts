// WBXML codec throughput, ours and libwbxml's. Prints results; asserts nothing.
// Run: node --import tsx test/bench/wbxml.bench.ts
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWbxml, el, encodeWbxml, fromXml, toXml, OPAQUE_TAGS, type WbxmlElement } from '../../protocols/activesync/wbxml/index.js';
import { DOCTYPE, LIBWBXML_SAMPLES, SYNCGW, libwbxmlMissing, readLibwbxmlXml, renameTree, toLibwbxmlName } from '../protocols/activesync/wbxml/helpers.js';

function contact(i: number): WbxmlElement {
  return el('AirSync', 'Add', [
    el('AirSync', 'ServerId', `2:${i}`),
    el('AirSync', 'ApplicationData', [
      el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', '42'), el('AirSyncBase', 'Data', `Notes for contact ${i}: met at the conference, prefers e-mail.`)]),
      el('Contacts', 'FileAs', `Müller, Jörg ${i}`), el('Contacts', 'FirstName', 'Jörg'), el('Contacts', 'LastName', `Müller ${i}`),
      el('Contacts', 'CompanyName', 'Example GmbH'), el('Contacts', 'JobTitle', 'Engineer'),
      el('Contacts', 'Email1Address', `"Jörg Müller" <joerg${i}@example.com>`), el('Contacts', 'MobilePhoneNumber', `+49 170 555${i}`),
      el('Contacts', 'BusinessAddressStreet', 'Hauptstraße 1'), el('Contacts', 'BusinessAddressCity', 'Berlin'),
      el('Contacts', 'BusinessAddressPostalCode', '10115'), el('Contacts', 'Birthday', '1980-01-01T00:00:00.000Z'),
      el('Contacts', 'Categories', [el('Contacts', 'Category', 'Work')]), el('Contacts2', 'NickName', 'JM'),
      el('AirSyncBase', 'NativeBodyType', '1'),
    ]),
  ]);
}

function email(i: number): WbxmlElement {
  const body = `Hello,\n\nthis is message ${i}. `.repeat(20);
  return el('AirSync', 'Add', [
    el('AirSync', 'ServerId', `5:${i}`),
    el('AirSync', 'ApplicationData', [
      el('Email', 'To', '"Alice" <alice@example.com>'), el('Email', 'From', '"Bob" <bob@example.com>'),
      el('Email', 'Subject', `Quarterly report ${i}`), el('Email', 'DateReceived', '2024-03-01T10:00:00.000Z'),
      el('Email', 'DisplayTo', 'Alice'), el('Email', 'ThreadTopic', `Quarterly report ${i}`), el('Email', 'Importance', '1'),
      el('Email', 'Read', '0'),
      el('AirSyncBase', 'Body', [el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'EstimatedDataSize', String(body.length)), el('AirSyncBase', 'Data', body)]),
      el('Email', 'MessageClass', 'IPM.Note'), el('Email', 'InternetCPID', '65001'),
      el('Email', 'Flag'), el('Email2', 'ConversationId', new Uint8Array(16).fill(i & 0xff)),
      el('Email2', 'ConversationIndex', new Uint8Array(22).fill(7)),
      el('AirSyncBase', 'NativeBodyType', '1'),
    ]),
  ]);
}

function syncResponse(n: number): WbxmlElement {
  const coll = (id: string, items: WbxmlElement[]) => el('AirSync', 'Collection', [
    el('AirSync', 'SyncKey', '42'), el('AirSync', 'CollectionId', id), el('AirSync', 'Status', '1'),
    el('AirSync', 'Commands', items),
  ]);
  return el('AirSync', 'Sync', [el('AirSync', 'Collections', [
    coll('2', Array.from({ length: n }, (_, i) => contact(i))),
    coll('5', Array.from({ length: n }, (_, i) => email(i))),
  ])]);
}

function bench(fn: () => void, minMs = 1000): { opsPerSec: number; msPerOp: number } {
  for (let i = 0; i < 3; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    n++;
    t = performance.now();
  }
  const ms = (t - t0) / n;
  return { opsPerSec: 1000 / ms, msPerOp: ms };
}

const mb = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);

// Documents: the big generated Sync response, and the vector samples together
const big = syncResponse(500);
const docs: { name: string; trees: WbxmlElement[] }[] = [{ name: 'Sync response, 500 contacts + 500 emails', trees: [big] }];
if (existsSync(LIBWBXML_SAMPLES)) {
  const trees = readdirSync(LIBWBXML_SAMPLES).filter((f) => f.endsWith('.xml')).sort()
    .map((f) => readLibwbxmlXml(readFileSync(join(LIBWBXML_SAMPLES, f), 'utf8'), fromXml, OPAQUE_TAGS));
  docs.push({ name: `libwbxml samples (${trees.length} docs, each op = all)`, trees });
}
if (existsSync(SYNCGW)) {
  const trees = ['05', '06', '07', '08', '09'].map((n) => decodeWbxml(readFileSync(join(SYNCGW, `in${n}.wbxml`))));
  docs.push({ name: `syncgw captures (${trees.length} docs, each op = all)`, trees });
}

console.log('Hearth WBXML codec (node ' + process.version + ')\n');
const rows: string[][] = [['document', 'WBXML bytes', 'encode MB/s', 'decode MB/s', 'encode ms/op', 'decode ms/op']];
for (const d of docs) {
  const trees = d.trees;
  const encoded = trees.map((t) => encodeWbxml(t));
  const bytes = encoded.reduce((a, b) => a + b.length, 0);
  const enc = bench(() => { for (const t of trees) encodeWbxml(t); });
  const dec = bench(() => { for (const b of encoded) decodeWbxml(b); });
  rows.push([d.name, String(bytes), mb(bytes, enc.msPerOp).toFixed(1), mb(bytes, dec.msPerOp).toFixed(1), enc.msPerOp.toFixed(3), dec.msPerOp.toFixed(3)]);
}
printTable(rows);

// libwbxml: one process per run, so time a large file and subtract a tiny file's time (start-up)
const skip = libwbxmlMissing();
if (skip) {
  console.log(`\nlibwbxml: skipped (${skip})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-wbxml-bench-'));
  try {
    const bigWbxml = encodeWbxml(big);
    const bigXml = `<?xml version="1.0" encoding="utf-8"?>\n${DOCTYPE}${toXml(renameTree(big, toLibwbxmlName), { declaration: false, indent: '' })}`;
    const tiny = el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]);
    const tinyXml = `<?xml version="1.0" encoding="utf-8"?>\n${DOCTYPE}${toXml(tiny, { declaration: false, indent: '' })}`;
    writeFileSync(join(dir, 'big.wbxml'), bigWbxml);
    writeFileSync(join(dir, 'big.xml'), bigXml);
    writeFileSync(join(dir, 'tiny.wbxml'), encodeWbxml(tiny));
    writeFileSync(join(dir, 'tiny.xml'), tinyXml);
    const run = (args: string[]): number => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const r = spawnSync(args[0]!, args.slice(1), { stdio: 'ignore' });
        times.push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`${args.join(' ')} failed`);
      }
      return times.sort((a, b) => a - b)[3]!; // median of 7
    };
    const enc = (f: string) => run(['xml2wbxml', '-n', '-a', '-o', join(dir, `${f}.out.wbxml`), join(dir, `${f}.xml`)]);
    const dec = (f: string) => run(['wbxml2xml', '-l', 'ACTIVESYNC', '-m', '0', '-o', join(dir, `${f}.out.xml`), join(dir, `${f}.wbxml`)]);
    const encBig = enc('big'), encTiny = enc('tiny'), decBig = dec('big'), decTiny = dec('tiny');
    const libEnc = Math.max(encBig - encTiny, 0.001);
    const libDec = Math.max(decBig - decTiny, 0.001);
    const ourEnc = bench(() => encodeWbxml(big)).msPerOp;
    const ourDec = bench(() => decodeWbxml(bigWbxml)).msPerOp;
    const libOut = readFileSync(join(dir, 'big.out.wbxml')).length;
    console.log(`\nlibwbxml 0.11.8 vs ours on the 500+500 Sync response (${bigWbxml.length} bytes ours, ${libOut} bytes libwbxml).`);
    console.log(`libwbxml runs one process per document: each figure is the median of 7 runs on the large file minus the median`);
    console.log(`of 7 runs on a tiny FolderSync (process start-up: encode ${encTiny.toFixed(1)} ms, decode ${decTiny.toFixed(1)} ms).`);
    console.log('libwbxml encode reads XML and decode writes XML, so it also pays for XML parsing/printing that ours does not.\n');
    printTable([
      ['direction', 'libwbxml ms', 'libwbxml MB/s', 'ours ms', 'ours MB/s', 'ours / libwbxml'],
      ['encode (XML -> WBXML vs tree -> WBXML)', libEnc.toFixed(2), mb(bigWbxml.length, libEnc).toFixed(1), ourEnc.toFixed(2), mb(bigWbxml.length, ourEnc).toFixed(1), `${(libEnc / ourEnc).toFixed(1)}x`],
      ['decode (WBXML -> XML vs WBXML -> tree)', libDec.toFixed(2), mb(bigWbxml.length, libDec).toFixed(1), ourDec.toFixed(2), mb(bigWbxml.length, ourDec).toFixed(1), `${(libDec / ourDec).toFixed(1)}x`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows: string[][]): void {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [k, r] of rows.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
    if (k === 0) console.log(w.map((n) => '-'.repeat(n)).join('  '));
  }
}
