import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMutf7, encodeMutf7 } from '../../../../protocols/imap/codec/mutf7.js';
import { ImapCodecError } from '../../../../protocols/imap/codec/errors.js';

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  const cases: Array<[string, string]> = [
    ['INBOX', 'INBOX'],
    ['p\u00e4\u00e4', 'p&AOQA5A-'], // imaptest's mutf7 script
    ['Tom & Jerry', 'Tom &- Jerry'],
    ['~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'], // the RFC's example
    ['\ud83d\ude00', '&2D3eAA-'],
  ];
  for (const [plain, encoded] of cases) {
    it(`${JSON.stringify(plain)} <-> ${encoded}`, () => {
      assert.equal(encodeMutf7(plain), encoded);
      assert.equal(decodeMutf7(encoded), plain);
    });
  }

  it('rejects malformed encodings with the codec error', () => {
    for (const bad of ['&AOQ', '&A-', '&AGE-', 'caf\u00e9', '&AOQ=-']) {
      assert.throws(() => decodeMutf7(bad), ImapCodecError, bad);
    }
  });

  it('round-trips random strings', () => {
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: 1 + (i % 12) }, (_, j) => String.fromCodePoint([0x41, 0x26, 0x2f, 0xe4, 0x4e2d, 0x1f600][(i * 7 + j * 3) % 6])).join('');
      assert.equal(decodeMutf7(encodeMutf7(s)), s);
    }
  });
});
