/** The POP3 codec: command lines (RFC 1939 §3, RFC 2449 §4) and byte-stuffed multi-line bodies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multilineMessage, multilineText } from '../../../../protocols/pop3/codec/multiline.js';
import { parseCommand, parseLineCount, parseMessageNumber } from '../../../../protocols/pop3/codec/command.js';

const m = (s: string, n?: number) => multilineMessage(Buffer.from(s), n).toString('latin1');

test('byte-stuffing, CRLF normalisation and the terminator', () => {
  assert.equal(m('A: b\r\n\r\n.x\r\n..y\r\nz\r\n'), 'A: b\r\n\r\n..x\r\n...y\r\nz\r\n.\r\n');
  assert.equal(m('A: b\n\n.only LF\nend'), 'A: b\r\n\r\n..only LF\r\nend\r\n.\r\n', 'bare LF and a missing final line end');
  assert.equal(m('A: b\r\r.cr'), 'A: b\r\n\r\n..cr\r\n.\r\n', 'bare CR');
  assert.equal(m(''), '.\r\n');
  assert.equal(m('.\r\n'), '..\r\n.\r\n', 'a lone dot line is stuffed, not taken as the end');
});

test('TOP: header, blank line and n body lines', () => {
  const msg = 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n';
  assert.equal(m(msg, 0), 'A: 1\r\nB: 2\r\n\r\n.\r\n');
  assert.equal(m(msg, 2), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n.\r\n');
  assert.equal(m(msg, 99), `${msg}.\r\n`);
  assert.equal(m('A: 1\r\n', 0), 'A: 1\r\n.\r\n', 'a message with no body');
});

test('multilineText stuffs lines that begin with a dot', () => {
  assert.equal(multilineText(['TOP', '.odd']), 'TOP\r\n..odd\r\n.\r\n');
  assert.equal(multilineText([]), '.\r\n');
});

test('command lines: keywords, arguments, the raw rest for PASS, and rejects', () => {
  assert.deepEqual(parseCommand('retr 12'), { keyword: 'RETR', args: ['12'], rest: '12' });
  assert.deepEqual(parseCommand('PASS a b  c'), { keyword: 'PASS', args: ['a', 'b', '', 'c'], rest: 'a b  c' });
  for (const bad of ['', ' USER', 'US', 'USERX', 'US3R', 'USER\0x', 'NOOP\t', '\u00e9t\u00e9']) assert.equal(parseCommand(bad), null, bad);
  assert.equal(parseMessageNumber('1'), 1);
  for (const bad of [undefined, '0', '-1', '+1', '1x', '1e3', '9999999999', '']) assert.equal(parseMessageNumber(bad), null, String(bad));
  assert.equal(parseLineCount('0'), 0);
  assert.equal(parseLineCount('-1'), null);
});
