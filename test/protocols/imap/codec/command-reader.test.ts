import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandReader, type ReaderEvent } from '../../../../protocols/imap/codec/command-reader.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const texts = (events: ReaderEvent[]) =>
  events.map((e) => (e.type === 'command' ? `cmd:${e.bytes.toString('latin1')}` : e.type === 'continue' ? `+${e.tag}` : `err:${e.error.code}:${e.error.tag}`));

describe('CommandReader framing (RFC 9051 §4.3, RFC 7888)', () => {
  it('yields whole lines, across chunk boundaries', () => {
    const r = new CommandReader();
    assert.deepEqual(texts(r.push(b('a1 NO'))), []);
    assert.deepEqual(texts(r.push(b('OP\r\na2 CAPA'))), ['cmd:a1 NOOP\r\n']);
    assert.deepEqual(texts(r.push(b('BILITY\r\n'))), ['cmd:a2 CAPABILITY\r\n']);
  });

  it('asks for a continuation on a synchronizing literal and keeps its bytes verbatim', () => {
    const r = new CommandReader();
    assert.deepEqual(texts(r.push(b('a LOGIN {8}\r\n'))), ['+a']);
    // The literal may contain CRLF and look like a literal marker itself.
    assert.deepEqual(texts(r.push(b('x {5}\r\ny'))), []);
    assert.deepEqual(texts(r.push(b(' pass\r\n'))), ['cmd:a LOGIN {8}\r\nx {5}\r\ny pass\r\n']);
  });

  it('does not ask for a continuation for LITERAL+', () => {
    const r = new CommandReader();
    assert.deepEqual(texts(r.push(b('a LOGIN {1+}\r\nu {2+}\r\npw\r\n'))), ['cmd:a LOGIN {1+}\r\nu {2+}\r\npw\r\n']);
  });

  it('refuses a literal over the limit with TOOBIG and no continuation', () => {
    const r = new CommandReader({ maxLiteralBytes: 10 });
    assert.deepEqual(texts(r.push(b('t1 APPEND INBOX {11}\r\n'))), ['err:TooBig:t1']);
    // The client saw BAD instead of "+": its next line is a new command.
    assert.deepEqual(texts(r.push(b('t2 NOOP\r\n'))), ['cmd:t2 NOOP\r\n']);
  });

  it('skips the bytes of a refused non-synchronizing literal and the rest of its command', () => {
    const r = new CommandReader({ maxLiteralBytes: 4 });
    const events = r.push(b('t1 APPEND INBOX {6+}\r\nabcdef more {2+}\r\nxy\r\nt2 NOOP\r\n'));
    assert.deepEqual(texts(events), ['err:TooBig:t1', 'cmd:t2 NOOP\r\n']);
  });

  it('enforces LITERAL- (RFC 7888 §5: at most 4096 bytes)', () => {
    const r = new CommandReader({ nonSync: 'minus' });
    assert.deepEqual(texts(r.push(b('t1 APPEND INBOX {4097+}\r\n'))), ['err:TooBig:t1']);
    const ok = new CommandReader({ nonSync: 'minus' });
    assert.deepEqual(texts(ok.push(b('t1 LOGIN {1+}\r\nu p\r\n'))), ['cmd:t1 LOGIN {1+}\r\nu p\r\n']);
  });

  it('refuses an overlong line and resynchronizes at its end', () => {
    const r = new CommandReader({ maxLineBytes: 50 });
    const first = r.push(b('t9 SEARCH ' + 'X'.repeat(100)));
    assert.deepEqual(texts(first), ['err:TooBig:t9']);
    assert.deepEqual(texts(r.push(b('Y'.repeat(1000)))), []);
    assert.deepEqual(texts(r.push(b('\r\nt10 NOOP\r\n'))), ['cmd:t10 NOOP\r\n']);
  });

  it('keeps memory bounded while discarding a huge line', () => {
    const r = new CommandReader({ maxLineBytes: 100 });
    r.push(b('t1 X'));
    for (let i = 0; i < 200; i++) r.push(Buffer.alloc(64 * 1024, 0x41));
    assert.deepEqual(texts(r.push(b('\r\nt2 NOOP\r\n'))), ['err:TooBig:t1', 'cmd:t2 NOOP\r\n'].slice(1));
  });

  it('handles a zero-length literal', () => {
    const r = new CommandReader();
    assert.deepEqual(texts(r.push(b('a LOGIN {0}\r\n pw\r\n'))), ['+a', 'cmd:a LOGIN {0}\r\n pw\r\n']);
  });
});
