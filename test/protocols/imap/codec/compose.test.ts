import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atom, Concat, Literal, writeValue, type ResponseValue } from '../../../../protocols/imap/codec/compose-values.js';
import { continuation, fetchResponse, flagList, tagged, untagged, untaggedStatus } from '../../../../protocols/imap/codec/compose-response.js';
import { bodyValue, envelopeValue } from '../../../../protocols/imap/codec/compose-body.js';
import type { Envelope, MimeNode } from '../../../../protocols/imap/codec/mime-tree.js';
import { Cursor, type ImapValue } from '../../../../protocols/imap/codec/cursor.js';

const text = (b: Buffer) => b.toString('latin1');
const write = (v: ResponseValue, utf8 = false) => {
  const out: Buffer[] = [];
  writeValue(out, v, { utf8, maxQuoted: 1024 });
  return Buffer.concat(out);
};

describe('composer: values and responses (RFC 9051 §4, §7)', () => {
  it('quotes short safe strings and escapes quote and backslash', () => {
    assert.equal(text(write('a "b" \\c')), '"a \\"b\\" \\\\c"');
    assert.equal(text(write(null)), 'NIL');
    assert.equal(text(write([1, atom('\\Seen'), ['x', null]])), '(1 \\Seen ("x" NIL))');
  });
  it('chooses a literal for CR/LF, 8-bit without UTF8=ACCEPT, and long strings', () => {
    assert.equal(text(write('a\r\nb')), '{4}\r\na\r\nb');
    assert.equal(write('Zoë').toString('utf8'), '{4}\r\nZoë');
    assert.equal(write('Zoë', true).toString('utf8'), '"Zoë"');
    assert.ok(text(write('x'.repeat(2000))).startsWith('{2000}\r\n'));
    assert.equal(text(write(new Literal(Buffer.from('a\0b'), true))), '~{3}\r\na\0b');
  });
  it('writes tagged, untagged, continuation and FETCH responses', () => {
    assert.equal(text(tagged('a1', 'OK', 'done', { code: 'UIDNEXT', args: [4] })), 'a1 OK [UIDNEXT 4] done\r\n');
    assert.equal(text(tagged('a1', 'NO', 'x\r\ny')), 'a1 NO x y\r\n');
    assert.equal(text(tagged('a1', 'BAD', '[not a code]')), 'a1 BAD  [not a code]\r\n');
    assert.equal(text(untaggedStatus('OK', 'Flags permitted', { code: 'PERMANENTFLAGS', args: [flagList(['\\Seen', '\\*'])] })), '* OK [PERMANENTFLAGS (\\Seen \\*)] Flags permitted\r\n');
    assert.equal(text(untagged([3, atom('EXISTS')])), '* 3 EXISTS\r\n');
    assert.equal(text(continuation()), '+ Ready\r\n');
    assert.equal(
      text(fetchResponse(2, [['UID', 7], ['FLAGS', flagList(['\\Seen'])], ['BODY[1]<0>', new Literal(Buffer.from('hi'))]])),
      '* 2 FETCH (UID 7 FLAGS (\\Seen) BODY[1]<0> {2}\r\nhi)\r\n',
    );
  });
});

const envelope: Envelope = {
  date: 'Mon, 7 Feb 1994 21:52:25 -0800', subject: '=?utf-8?q?Caf=C3=A9?=',
  from: [{ name: 'Fred Foobar', mailbox: 'foobar', host: 'blurdybloop.example' }],
  sender: [], replyTo: [],
  to: [{ name: null, mailbox: 'mooch', host: 'owatagu.example' }],
  cc: [{ group: 'team', members: [{ name: null, mailbox: 'a', host: 'b.example' }] }],
  bcc: [], inReplyTo: null, messageId: '<B27397-0100000@blurdybloop.example>',
};

describe('composer: ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2)', () => {
  it('writes an envelope with sender/reply-to defaulted to from, and group markers', () => {
    assert.equal(
      text(write(envelopeValue(envelope))),
      '("Mon, 7 Feb 1994 21:52:25 -0800" "=?utf-8?q?Caf=C3=A9?=" (("Fred Foobar" NIL "foobar" "blurdybloop.example")) ' +
      '(("Fred Foobar" NIL "foobar" "blurdybloop.example")) (("Fred Foobar" NIL "foobar" "blurdybloop.example")) ' +
      '((NIL NIL "mooch" "owatagu.example")) ((NIL NIL "team" NIL)(NIL NIL "a" "b.example")(NIL NIL NIL NIL)) NIL NIL "<B27397-0100000@blurdybloop.example>")',
    );
  });

  const text1: MimeNode = { type: 'TEXT', subtype: 'PLAIN', params: [['CHARSET', 'US-ASCII']], id: null, description: null, encoding: '7BIT', size: 3028, lines: 92 };
  const attachment: MimeNode = {
    type: 'APPLICATION', subtype: 'PDF', params: [['NAME', 'a.pdf']], id: '<x@y>', description: null, encoding: 'BASE64', size: 100,
    disposition: { type: 'attachment', params: [['filename', 'a.pdf']] }, language: ['en', 'de'], md5: null, location: null,
  };
  const inner: MimeNode = {
    type: 'MESSAGE', subtype: 'RFC822', params: [], id: null, description: null, encoding: '7BIT', size: 500, lines: 10,
    message: { envelope, body: text1 },
  };
  const tree: MimeNode = {
    type: 'MULTIPART', subtype: 'MIXED', params: [['BOUNDARY', 'xyz']], id: null, description: null, encoding: '7BIT', size: 0,
    children: [text1, attachment, inner],
  };

  it('writes the RFC example text/plain body', () => {
    assert.equal(text(write(bodyValue(text1, false))), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)');
    assert.equal(text(write(bodyValue(text1, true))), '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)');
  });

  it('writes multipart children back to back, and message/rfc822 with envelope and body', () => {
    const body = text(write(bodyValue(tree, true)));
    assert.ok(body.startsWith('(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)("APPLICATION" "PDF"'), body);
    assert.ok(body.includes('"BASE64" 100 NIL ("attachment" ("filename" "a.pdf")) ("en" "de") NIL)'), body);
    assert.ok(body.includes('("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 ("Mon, 7 Feb 1994'), body);
    assert.ok(body.endsWith(' "MIXED" ("BOUNDARY" "xyz") NIL NIL NIL)'), body);
    const plain = text(write(bodyValue(tree, false)));
    assert.ok(plain.endsWith('"7BIT" 3028 92) 10) "MIXED")'), plain);
  });

  it('round-trips: what the composer writes, a generic reader reads back to the same tree', () => {
    const toImap = (v: ResponseValue): ImapValue => {
      if (v === null) return null;
      if (typeof v === 'number') return String(v);
      if (typeof v === 'string') return Buffer.from(v);
      // A Concat's values are elements of the enclosing list, written without spaces.
      if (Array.isArray(v)) return v.flatMap((x) => (x instanceof Concat ? x.values.map(toImap) : [toImap(x)]));
      throw new Error('unexpected');
    };
    const norm = (v: ImapValue): unknown => (v === null ? null : Array.isArray(v) ? v.map(norm) : Buffer.isBuffer(v) ? v.toString('utf8') : v);
    for (const [value, utf8] of [
      [envelopeValue(envelope), false], [bodyValue(tree, true), false], [['a\r\nb', 'Zoë', '"\\', null, ['x', ['y']], 42], false], [['Zoë', 'q"'], true],
    ] as Array<[ResponseValue, boolean]>) {
      const bytes = write(value, utf8);
      const c = new Cursor(bytes);
      const back = c.value();
      assert.equal(c.pos, bytes.length);
      assert.deepEqual(norm(back), norm(toImap(value)));
    }
  });
});
