import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchReply, substitute } from './match.js';
import { parseScript, splitMbox } from './script.js';

describe('imaptest script parser', () => {
  it('reads headers, sessions, results, expected and forbidden replies, pipelined groups', () => {
    const s = parseScript([
      'connections: 2', 'state: auth', '',
      '1 ok select $mailbox', '* 1 exists', '! 2 exists',
      'examine $mailbox', '* ok [uidnext $n]', 'ok [read-only]',
      'tag1 create a', 'tag2 create b', 'tag1 ok', 'tag2 no',
      '"" delete x',
    ].join('\n'));
    assert.equal(s.header.connections, 2);
    assert.equal(s.header.state, 'auth');
    assert.equal(s.groups.length, 4);
    assert.deepEqual(s.groups[0].commands, [{ conn: 1, text: 'select $mailbox', status: { word: 'ok', text: '' } }]);
    assert.deepEqual(s.groups[0].expected, [{ conn: 1, line: '1 exists' }]);
    assert.deepEqual(s.groups[0].banned, [{ conn: 1, line: '2 exists' }]);
    assert.deepEqual(s.groups[1].commands[0].status, { word: 'ok', text: '[read-only]' });
    assert.deepEqual(s.groups[2].commands.map((c) => [c.tag, c.text, c.status?.word]), [['tag1', 'create a', 'ok'], ['tag2', 'create b', 'no']]);
    assert.equal(s.groups[3].commands[0].status?.word, 'any');
  });

  it('inlines {{{ }}} reply literals and reads multi-line command literals', () => {
    const s = parseScript('messages: 1\n\nok fetch 1 body[text]\n* 1 fetch (body[text] {{{\nab\n\n}}})\n');
    assert.equal(s.groups[0].expected[0].line, '1 fetch (body[text] \u00003\u0000ab\n)');
    const a = parseScript('state: created\n\nok append $mailbox {{{\nFrom: a\n\nb\n}}} ~{{{\nx\n}}}\n');
    assert.equal(a.groups[0].commands[0].text, 'append $mailbox \u00010\u0001 \u00011\u0001');
    assert.deepEqual(a.groups[0].commands[0].literals?.map((l) => [l.data.toString(), l.binary]), [['From: a\n\nb', false], ['x', true]]);
  });

  it('splits an mbox and keeps the From-line date', () => {
    const [a, b] = splitMbox('From x  Fri Feb 22 17:06:23 2008\nSubject: a\n\nbody\n\nFrom y  Sat Mar  1 01:00:00 2008 +0200\nSubject: b\n\nB\n');
    assert.equal(a.message.toString(), 'Subject: a\r\n\r\nbody\r\n\r\n');
    assert.equal(a.date, '22-Feb-2008 17:06:23 +0000');
    assert.equal(b.message.toString(), 'Subject: b\r\n\r\nB\r\n');
    assert.equal(b.date, '01-Mar-2008 01:00:00 +0200');
  });
});

describe('imaptest reply matching', () => {
  it('binds variables once and then requires the same value', () => {
    const b = new Map<string, string>();
    assert.ok(matchReply('1 fetch (uid $uid1)', '1 FETCH (UID 7)', b));
    assert.equal(b.get('uid1'), '7');
    assert.ok(!matchReply('2 fetch (uid $uid1)', '2 FETCH (UID 8)', b));
    assert.ok(matchReply('2 fetch (uid $uid1)', '2 FETCH (UID 7)', b));
  });
  it('matches FETCH and STATUS items as pairs in any order, flags as sets', () => {
    const b = new Map<string, string>();
    assert.ok(matchReply('1 fetch (flags (\\recent \\seen) uid 3)', '1 FETCH (UID 3 FLAGS (\\Seen \\Recent))', b));
    assert.ok(!matchReply('1 fetch (flags (\\deleted))', '1 FETCH (FLAGS (\\Seen))', b));
    assert.ok(matchReply('status x (messages 1 unseen 0)', 'STATUS x (UNSEEN 0 MESSAGES 1)', b));
    assert.ok(!matchReply('status x (messages 2)', 'STATUS x (MESSAGES 1)', b));
  });
  it('requires the whole data reply but only the prefix of a status reply', () => {
    const b = new Map<string, string>();
    assert.ok(!matchReply('search 1', 'SEARCH 1 2', b));
    assert.ok(matchReply('ok [unseen 1]', 'OK [UNSEEN 1] First unseen.', b));
    assert.ok(!matchReply('ok [unseen 2]', 'OK [UNSEEN 1] First unseen.', b));
  });
  it('honours $!unordered, $!noextra and $$ keywords', () => {
    const b = new Map<string, string>();
    assert.ok(matchReply('list ($!unordered \\b \\a) "/" x', 'LIST (\\A \\B) "/" x', b));
    assert.ok(!matchReply('list ($!noextra \\a) "/" x', 'LIST (\\A \\B) "/" x', b));
    assert.ok(matchReply('1 fetch (flags ($$hello))', '1 FETCH (FLAGS ($hello))', b));
    assert.equal(substitute('store 1 +flags $$hello $x', new Map([['x', 'y']]), true), 'store 1 +flags $hello y');
  });
  it('compares literals without CR, as scripts write LF', () => {
    assert.ok(matchReply('1 fetch (body[] \u00004\u0000a\nb\n)', '1 FETCH (BODY[] \u00006\u0000a\r\nb\r\n)', new Map()));
  });
});
