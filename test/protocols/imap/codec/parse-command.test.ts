import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from '../../../../protocols/imap/codec/parse-command.js';
import { ImapCodecError } from '../../../../protocols/imap/codec/errors.js';

const p = (s: string) => parseCommand(Buffer.from(s + '\r\n', 'utf8'));
const bad = (s: string, tag?: string) => {
  assert.throws(() => p(s), (e: unknown) => e instanceof ImapCodecError && e.tag === tag, s);
};

describe('parseCommand: simple and login commands (RFC 9051 §6.1-6.2)', () => {
  it('reads tag, name and no-argument commands case-insensitively', () => {
    assert.deepEqual(p('a001 noop'), { command: 'NOOP', tag: 'a001', uid: false });
    assert.deepEqual(p('x.1 IDLE'), { command: 'IDLE', tag: 'x.1', uid: false });
  });
  it('LOGIN with atom, quoted and literal arguments', () => {
    assert.deepEqual(p('a LOGIN "fred \\"x\\"" {4}\r\np\\w1'), { command: 'LOGIN', tag: 'a', uid: false, user: 'fred "x"', password: 'p\\w1' });
  });
  it('AUTHENTICATE with and without SASL-IR (RFC 4959)', () => {
    assert.deepEqual(p('a AUTHENTICATE PLAIN AGZyZWQAcHc='), { command: 'AUTHENTICATE', tag: 'a', uid: false, mechanism: 'PLAIN', initialResponse: 'AGZyZWQAcHc=' });
    assert.deepEqual(p('a authenticate plain ='), { command: 'AUTHENTICATE', tag: 'a', uid: false, mechanism: 'PLAIN', initialResponse: '=' });
    assert.equal((p('a AUTHENTICATE XOAUTH2') as { initialResponse?: string }).initialResponse, undefined);
    bad('a AUTHENTICATE PLAIN ab$cd', 'a');
  });
  it('ENABLE and ID', () => {
    assert.deepEqual(p('e ENABLE condstore UTF8=ACCEPT'), { command: 'ENABLE', tag: 'e', uid: false, capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] });
    assert.deepEqual(p('i ID ("name" "imaptest" "version" NIL)'), { command: 'ID', tag: 'i', uid: false, params: [['name', 'imaptest'], ['version', null]] });
    assert.deepEqual(p('i ID NIL'), { command: 'ID', tag: 'i', uid: false, params: null });
  });
  it('COMPRESS (RFC 4978 §5)', () => {
    assert.deepEqual(p('z COMPRESS deflate'), { command: 'COMPRESS', tag: 'z', uid: false, mechanism: 'DEFLATE' });
    bad('z COMPRESS', 'z');
    bad('z COMPRESS DEFLATE LEVEL9', 'z');
  });
  it('answers malformed input with a tagged error when the tag is readable', () => {
    bad('a NOOP extra', 'a');
    bad('a LOGIN onlyuser', 'a');
    bad('a FROB', 'a');
    bad('a UID NOOP', 'a');
    bad('+ NOOP', undefined);
    bad('', undefined);
    bad('a LOGIN "unterminated', 'a');
    bad('a LOGIN {10}\r\nshort', 'a');
  });
});

describe('parseCommand: mailbox commands', () => {
  it('SELECT with CONDSTORE and QRESYNC (RFC 7162 §3.2.5)', () => {
    assert.deepEqual(p('s SELECT INBOX (CONDSTORE)'), { command: 'SELECT', tag: 's', uid: false, mailbox: 'INBOX', params: { condstore: true } });
    const q = p('s EXAMINE "a b" (QRESYNC (67890007 715194045007 41,43:211,214:541 (1:10 5:100)))');
    assert.deepEqual(q, {
      command: 'EXAMINE', tag: 's', uid: false, mailbox: 'a b', params: {
        condstore: false, qresync: {
          uidValidity: 67890007, modseq: 715194045007,
          knownUids: [{ from: 41, to: 41 }, { from: 43, to: 211 }, { from: 214, to: 541 }],
          seqMatch: { seqs: [{ from: 1, to: 10 }], uids: [{ from: 5, to: 100 }] },
        },
      },
    });
    assert.deepEqual((p('s SELECT x (QRESYNC (1 2))') as { params: unknown }).params, { condstore: false, qresync: { uidValidity: 1, modseq: 2 } });
  });
  it('CREATE with USE (RFC 6154), RENAME, DELETE', () => {
    assert.deepEqual(p('c CREATE Sent (USE (\\Sent))'), { command: 'CREATE', tag: 'c', uid: false, mailbox: 'Sent', specialUse: ['\\Sent'] });
    assert.deepEqual(p('c RENAME a "b c"'), { command: 'RENAME', tag: 'c', uid: false, from: 'a', to: 'b c' });
    assert.deepEqual(p('c DELETE foo'), { command: 'DELETE', tag: 'c', uid: false, mailbox: 'foo' });
  });
  it('LIST basic and extended (RFC 5258, RFC 5819)', () => {
    assert.deepEqual(p('l LIST "" %'), {
      command: 'LIST', tag: 'l', uid: false, reference: '', patterns: ['%'],
      selection: { subscribed: false, remote: false, recursiveMatch: false, specialUse: false },
      return: { subscribed: false, children: false, specialUse: false },
    });
    const x = p('l LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" foo/*) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))') as Record<string, unknown>;
    assert.deepEqual(x.patterns, ['INBOX', 'foo/*']);
    assert.deepEqual(x.selection, { subscribed: true, remote: false, recursiveMatch: true, specialUse: false });
    assert.deepEqual(x.return, { subscribed: false, children: true, specialUse: false, status: ['MESSAGES', 'UNSEEN'] });
    bad('l LIST (RECURSIVEMATCH) "" *', 'l');
    assert.deepEqual(p('l LSUB "" a*'), { command: 'LSUB', tag: 'l', uid: false, reference: '', pattern: 'a*' });
  });
  it('STATUS', () => {
    assert.deepEqual(p('s STATUS INBOX (MESSAGES uidnext HIGHESTMODSEQ)'), { command: 'STATUS', tag: 's', uid: false, mailbox: 'INBOX', items: ['MESSAGES', 'UIDNEXT', 'HIGHESTMODSEQ'] });
    bad('s STATUS INBOX (BOGUS)', 's');
    bad('s STATUS INBOX ()', 's');
  });
  it('APPEND with flags and date, literal8, MULTIAPPEND', () => {
    const a = p('a APPEND INBOX (\\Seen $Work) " 7-Feb-1994 21:52:25 -0800" {5}\r\nhello') as unknown as { messages: Array<Record<string, unknown>> };
    assert.deepEqual(a.messages[0].flags, ['\\Seen', '$Work']);
    assert.equal((a.messages[0].internalDate as Date).toISOString(), '1994-02-08T05:52:25.000Z');
    assert.equal((a.messages[0].message as Buffer).toString(), 'hello');
    const m = p('a APPEND INBOX {1+}\r\nx ~{2}\r\n\x00y UTF8 (~{1}\r\nz)') as unknown as { messages: Array<{ message: Buffer; binary: boolean }> };
    assert.deepEqual(m.messages.map((x) => [x.message.toString('latin1'), x.binary]), [['x', false], ['\x00y', true], ['z', true]]);
    const cat = p('a APPEND INBOX (\\Seen) CATENATE (URL "/INBOX;UIDVALIDITY=1/;UID=2/;SECTION=HEADER" TEXT {2}\r\nhi) CATENATE (TEXT ~{1}\r\n\x00)') as unknown as { messages: Array<{ catenate: unknown[] }> };
    assert.deepEqual(cat.messages.map((m) => m.catenate), [
      [{ url: '/INBOX;UIDVALIDITY=1/;UID=2/;SECTION=HEADER' }, { text: Buffer.from('hi'), binary: false }],
      [{ text: Buffer.from([0]), binary: true }],
    ]);
    bad('a APPEND INBOX CATENATE ()', 'a');
    assert.deepEqual(p('c CANCELUPDATE "A1" "b2"'), { command: 'CANCELUPDATE', tag: 'c', uid: false, tags: ['A1', 'b2'] });
    bad('a APPEND INBOX "31-Feb-2020 00:00:00 +0000" {1}\r\nx', 'a');
    bad('a APPEND INBOX {2}\r\n\x00x', 'a'); // NUL only in literal8
  });
});

describe('parseCommand: message commands', () => {
  it('FETCH macros, items, sections and partials (RFC 9051 §6.4.5)', () => {
    assert.deepEqual(p('f FETCH 1:* FAST'), { command: 'FETCH', tag: 'f', uid: false, set: [{ from: 1, to: '*' }], items: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }], modifiers: { vanished: false } });
    const f = p('f UID FETCH 3,5:7 (UID rfc822.size BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<0.100> BODY[] BODY[2.MIME] body[TEXT] BINARY.PEEK[1]<5.6> BINARY.SIZE[2] MODSEQ) (CHANGEDSINCE 12345 VANISHED)') as Record<string, unknown>;
    assert.equal(f.uid, true);
    assert.deepEqual(f.items, [
      { item: 'UID' },
      { item: 'RFC822.SIZE' },
      { item: 'BODY[]', peek: true, section: { part: [1, 2], text: 'HEADER.FIELDS', fields: ['FROM', 'TO'] }, partial: { offset: 0, length: 100 } },
      { item: 'BODY[]', peek: false, section: { part: [] }, partial: undefined },
      { item: 'BODY[]', peek: false, section: { part: [2], text: 'MIME' }, partial: undefined },
      { item: 'BODY[]', peek: false, section: { part: [], text: 'TEXT' }, partial: undefined },
      { item: 'BINARY[]', peek: true, part: [1], partial: { offset: 5, length: 6 } },
      { item: 'BINARY.SIZE[]', part: [2] },
      { item: 'MODSEQ' },
    ]);
    assert.deepEqual(f.modifiers, { changedSince: 12345, vanished: true });
    for (const x of ['f FETCH 1 BODY[MIME]', 'f FETCH 1 BODY[1.]', 'f FETCH 1 (FLAGS', 'f FETCH 0 FLAGS', 'f FETCH 1 BODY[]<1>', 'f FETCH 1 (FAST)', 'f FETCH 1 FLAGS (VANISHED)', 'f FETCH 1 BOGUS']) bad(x, 'f');
  });
  it('SEARCH full syntax with CHARSET and RETURN (RFC 9051 §6.4.4, RFC 4731)', () => {
    const s = p('s UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM "Zoë" SINCE 1-Feb-1994) NOT UID 1:5 HEADER X-Spam yes 2,4:* LARGER 100 KEYWORD $Work MODSEQ "/flags/\\\\draft" all 620162338') as Record<string, unknown>;
    assert.equal(s.charset, 'UTF-8');
    assert.deepEqual(s.return, ['MIN', 'COUNT']);
    assert.deepEqual(s.key, {
      op: 'AND', keys: [
        { op: 'OR', left: { op: 'AND', keys: [{ op: 'FROM', value: 'Zoë' }, { op: 'SINCE', date: { year: 1994, month: 2, day: 1 } }] }, right: { op: 'NOT', key: { op: 'UID', set: [{ from: 1, to: 5 }] } } },
        { op: 'HEADER', field: 'X-Spam', value: 'yes' },
        { op: 'SEQ', set: [{ from: 2, to: 2 }, { from: 4, to: '*' }] },
        { op: 'LARGER', size: 100 },
        { op: 'KEYWORD', flag: '$Work' },
        { op: 'MODSEQ', modseq: 620162338, entry: { name: '/flags/\\draft', type: 'all' } },
      ],
    });
    assert.deepEqual((p('s SEARCH $') as { key: unknown }).key, { op: 'SEQ', set: '$' });
    assert.deepEqual((p('s UID SEARCH RETURN (UPDATE PARTIAL -1:-100 COUNT) ALL') as { return: unknown }).return, ['UPDATE', { partial: { from: -1, to: -100 } }, 'COUNT']);
    assert.deepEqual((p('s SEARCH RETURN (PARTIAL 2:4) ALL') as { return: unknown }).return, [{ partial: { from: 2, to: 4 } }]);
    bad('s SEARCH RETURN (PARTIAL -1:4) ALL', 's');
    assert.deepEqual((p('s SEARCH subject {3}\r\nabc') as { key: unknown }).key, { op: 'SUBJECT', value: 'abc' });
    for (const x of ['s SEARCH', 's SEARCH FROM', 's SEARCH BEFORE 30-Feb-2000', 's SEARCH OR SEEN', 's SEARCH BOGUS', 's SEARCH ()', 's SEARCH 1:x']) bad(x, 's');
  });
  it('STORE forms (RFC 9051 §6.4.6, RFC 7162 UNCHANGEDSINCE)', () => {
    assert.deepEqual(p('t STORE 1 flags \\deleted'), { command: 'STORE', tag: 't', uid: false, set: [{ from: 1, to: 1 }], operation: 'set', silent: false, flags: ['\\deleted'], unchangedSince: undefined });
    assert.deepEqual(p('t UID STORE 1:3 (UNCHANGEDSINCE 5) +FLAGS.SILENT (\\Seen foo)'), { command: 'STORE', tag: 't', uid: true, set: [{ from: 1, to: 3 }], operation: 'add', silent: true, flags: ['\\Seen', 'foo'], unchangedSince: 5 });
    assert.equal((p('t STORE 1 -FLAGS ()') as { operation: string }).operation, 'remove');
    bad('t STORE 1 FLAGZ x', 't');
  });
  it('COPY, MOVE, UID EXPUNGE, SORT, THREAD', () => {
    assert.deepEqual(p('c UID MOVE 1:* Trash'), { command: 'MOVE', tag: 'c', uid: true, set: [{ from: 1, to: '*' }], mailbox: 'Trash' });
    assert.deepEqual(p('c UID EXPUNGE 3:5'), { command: 'EXPUNGE', tag: 'c', uid: true, uids: [{ from: 3, to: 5 }] });
    assert.deepEqual(p('c SORT (REVERSE DATE subject) UTF-8 ALL') , { command: 'SORT', tag: 'c', uid: false, criteria: [{ key: 'DATE', reverse: true }, { key: 'SUBJECT', reverse: false }], charset: 'UTF-8', key: { op: 'ALL' }, return: undefined });
    assert.deepEqual(p('c THREAD REFERENCES US-ASCII SEEN'), { command: 'THREAD', tag: 'c', uid: false, algorithm: 'REFERENCES', charset: 'US-ASCII', key: { op: 'SEEN' } });
  });
});
