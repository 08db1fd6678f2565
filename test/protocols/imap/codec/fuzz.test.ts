// Hostile input: random bytes and mutated valid commands must never make the codec throw
// anything but ImapCodecError (issue 11, "a process that survives every fuzzed input").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandReader } from '../../../../protocols/imap/codec/command-reader.js';
import { parseCommand } from '../../../../protocols/imap/codec/parse-command.js';
import { ImapCodecError } from '../../../../protocols/imap/codec/errors.js';
import { decodeMutf7 } from '../../../../protocols/imap/codec/mutf7.js';

/** A seeded generator (mulberry32), so a failure reproduces from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID = [
  'a LOGIN fred {4+}\r\npass',
  'a SELECT INBOX (QRESYNC (1 2 1:5 (1:3 1:3)))',
  'a UID FETCH 1:*,3 (UID FLAGS BODY.PEEK[1.2.HEADER.FIELDS.NOT (From To)]<0.10> BINARY[1] MODSEQ) (CHANGEDSINCE 5 VANISHED)',
  'a SEARCH RETURN (ALL) CHARSET UTF-8 OR NOT (FROM "x" SINCE 1-Jan-2020) UID 2:4 HEADER Subject {3+}\r\nabc',
  'a APPEND INBOX (\\Seen) " 1-Jan-2020 10:00:00 +0100" {5+}\r\nhello ~{2+}\r\nab',
  'a LIST (SUBSCRIBED) "" ("a" b/%) RETURN (CHILDREN STATUS (MESSAGES))',
  'a STORE 1:3 (UNCHANGEDSINCE 9) +FLAGS.SILENT (\\Deleted $x)',
  'a ID ("name" "x" "os" NIL)',
  'a SORT RETURN (MIN) (REVERSE ARRIVAL) UTF-8 ALL',
  'a AUTHENTICATE PLAIN AGEAYg==',
  'a CREATE x (USE (\\Drafts))',
];

function feed(bytes: Buffer, splitAt: (n: number) => number): void {
  const reader = new CommandReader({ maxLineBytes: 2000, maxLiteralBytes: 5000 });
  for (let pos = 0; pos < bytes.length; ) {
    const n = Math.max(1, splitAt(bytes.length - pos));
    for (const event of reader.push(bytes.subarray(pos, pos + n))) {
      if (event.type === 'error') assert.ok(event.error instanceof ImapCodecError);
      if (event.type !== 'command') continue;
      try {
        parseCommand(event.bytes);
      } catch (error) {
        if (!(error instanceof ImapCodecError)) throw new Error(`non-codec error for ${JSON.stringify(event.bytes.toString('latin1'))}: ${error}`);
      }
    }
    pos += n;
  }
}

describe('codec fuzzing', () => {
  it('random bytes never escape as anything but ImapCodecError', () => {
    const r = rng(11);
    const alphabet = Buffer.from('a1 {}()[]<>."\\*%:,+-~$NIL\r\n0123456789 UIDFETCHBODY\x00\xff');
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(r() * 300);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = r() < 0.7 ? alphabet[Math.floor(r() * alphabet.length)] : Math.floor(r() * 256);
      feed(bytes, (left) => Math.ceil(r() * left));
    }
  });

  it('mutated valid commands never escape as anything but ImapCodecError', () => {
    const r = rng(3501);
    for (let i = 0; i < 6000; i++) {
      const base = Buffer.from(VALID[i % VALID.length] + '\r\n', 'latin1');
      const bytes = [...base];
      const edits = 1 + Math.floor(r() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * bytes.length);
        const kind = r();
        if (kind < 0.3) bytes[at] = Math.floor(r() * 256);
        else if (kind < 0.55) bytes.splice(at, 1);
        else if (kind < 0.8) bytes.splice(at, 0, '(){}[]" \\*:0~+'.charCodeAt(Math.floor(r() * 15)));
        else bytes.splice(at, Math.floor(r() * 10));
      }
      const mutated = Buffer.from(bytes);
      // Straight to the parser (as if framing had passed it) and through the reader.
      try {
        parseCommand(mutated);
      } catch (error) {
        if (!(error instanceof ImapCodecError)) throw new Error(`non-codec error for ${JSON.stringify(mutated.toString('latin1'))}: ${error}`);
      }
      feed(Buffer.concat([mutated, Buffer.from('\r\nz NOOP\r\n')]), () => 1 + Math.floor(r() * 40));
    }
  });

  it('valid commands parse both in one chunk and byte by byte', () => {
    for (const text of VALID) {
      const bytes = Buffer.from(text + '\r\n', 'latin1');
      const whole = new CommandReader().push(bytes);
      const bytewise = new CommandReader();
      const events = [...bytes].flatMap((b) => bytewise.push(Buffer.from([b])));
      const cmd = (list: typeof whole) => list.filter((e) => e.type === 'command');
      assert.deepEqual(cmd(events), cmd(whole));
      assert.equal(cmd(whole).length, 1, text);
      const first = cmd(whole)[0];
      assert.ok(first.type === 'command');
      assert.doesNotThrow(() => parseCommand(first.bytes), text);
    }
  });

  it('modified UTF-7 decoding of random text throws only ImapCodecError', () => {
    const r = rng(5);
    const alphabet = 'AZaz09+,&-/ \u00e4';
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: Math.floor(r() * 20) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      try {
        decodeMutf7(s);
      } catch (error) {
        assert.ok(error instanceof ImapCodecError, s);
      }
    }
  });
});
