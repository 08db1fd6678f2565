// Fuzz the decoder: mutated valid documents and random bytes. The decoder may only return a tree
// or throw WbxmlError; anything else (TypeError, RangeError, a hang) fails. Seeded: set
// WBXML_FUZZ_SEED to reproduce a run, WBXML_FUZZ_CASES to change its size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WbxmlError, decodeWbxml, el, encodeWbxml, fromXml, type WbxmlElement } from '../../../../protocols/activesync/wbxml/index.js';
import { SPEC_FIXTURES, SYNCGW, prng } from './helpers.js';

const SEED = Number(process.env.WBXML_FUZZ_SEED ?? 0x5eed);
const CASES = Number(process.env.WBXML_FUZZ_CASES ?? 120_000);

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of readdirSync(SPEC_FIXTURES).filter((x) => x.endsWith('.xml'))) {
    out.push(encodeWbxml(fromXml(readFileSync(join(SPEC_FIXTURES, f), 'utf8'))));
  }
  if (existsSync(SYNCGW)) for (const n of ['04', '05', '06', '07', '08', '09']) out.push(readFileSync(join(SYNCGW, `in${n}.wbxml`)));
  // a sample with a string table, STR_T and OPAQUE, which our encoder never writes
  out.push(new Uint8Array([0x03, 0x01, 0x6a, 0x04, 0x61, 0x00, 0x62, 0x00, 0x45, 0x4b, 0x83, 0x02, 0x01, 0x00, 0x15, 0x50, 0xc3, 0x02, 0x01, 0x02, 0x01, 0x01]));
  out.push(encodeWbxml(el('AirSync', 'Sync', [el('AirSync', 'Collections', [el('Calendar', 'Subject', 'ü€😀'), el('AirSyncBase', 'Body', [el('AirSyncBase', 'Data', 'x'.repeat(200))])])])));
  return out;
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b = Uint8Array.from(src);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    switch (pick(7)) {
      case 0: { // bit flips
        for (let k = 1 + pick(3); k > 0 && b.length; k--) b[pick(b.length)] ^= 1 << pick(8);
        break;
      }
      case 1: // truncation
        b = b.subarray(0, pick(b.length + 1));
        break;
      case 2: { // insert random bytes
        const at = pick(b.length + 1);
        const ins = Uint8Array.from({ length: 1 + pick(8) }, () => pick(256));
        b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
        break;
      }
      case 3: { // remove bytes
        const at = pick(b.length + 1);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + pick(8))]);
        break;
      }
      case 4: { // interesting byte values (global tokens, continuation bytes)
        const v = [0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x43, 0x80, 0x83, 0xc3, 0xff, 0x7f][pick(12)]!;
        if (b.length) b[pick(b.length)] = v;
        break;
      }
      case 5: { // duplicate a slice (deep nesting, repeated structures)
        const s = pick(b.length + 1);
        const e = Math.min(b.length, s + pick(64));
        const at = pick(b.length + 1);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(s, e), ...b.subarray(at)]);
        break;
      }
      default: { // splice a header onto random bytes
        b = Uint8Array.from([0x03, 0x01, 0x6a, 0x00, ...b.subarray(4 + pick(8))]);
      }
    }
  }
  return b;
}

test(`decoder survives ${CASES} mutated and random inputs (seed ${SEED})`, () => {
  const rnd = prng(SEED);
  const seeds = corpus();
  let ok = 0;
  let rejected = 0;
  const codes = new Map<string, number>();
  for (let n = 0; n < CASES; n++) {
    let input: Uint8Array;
    if (n % 10 === 0) {
      input = Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
      if (n % 20 === 0 && input.length > 4) input.set([0x03, 0x01, 0x6a, 0x00]);
    } else {
      input = mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd);
    }
    try {
      const tree = decodeWbxml(input, { maxDepth: 32, maxElements: 10_000, maxTableTextBytes: 4096 });
      assert.ok(tree.tag);
      // Bounded work, checked without a clock (timings flake on a loaded machine): the limits
      // hold, and the output is no larger than the input plus the string-table budget.
      const size = treeSize(tree);
      if (size.elements > 10_000 || size.depth > 32 || size.textBytes > input.length + 4096) {
        assert.fail(`case ${n} (seed ${SEED}) decoded beyond its limits: ${JSON.stringify(size)}`);
      }
      ok++;
    } catch (e) {
      if (!(e instanceof WbxmlError)) {
        assert.fail(`case ${n} (seed ${SEED}): ${String(e)} for input ${Buffer.from(input).toString('hex')}`);
      }
      rejected++;
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
  }
  assert.equal(ok + rejected, CASES);
  assert.ok(ok > 0 && rejected > 0, 'the corpus exercises both outcomes');
  console.log(`# fuzz: ${ok} decoded, ${rejected} rejected: ${[...codes].map(([c, k]) => `${c}=${k}`).join(' ')}`);
});

function treeSize(root: WbxmlElement): { elements: number; depth: number; textBytes: number } {
  let elements = 0;
  let depth = 0;
  let textBytes = 0;
  const walk = (e: WbxmlElement, d: number) => {
    elements++;
    depth = Math.max(depth, d);
    textBytes += (e.text ? Buffer.byteLength(e.text) : 0) + (e.opaque?.length ?? 0);
    for (const c of e.children) walk(c, d + 1);
  };
  walk(root, 1);
  return { elements, depth, textBytes };
}
