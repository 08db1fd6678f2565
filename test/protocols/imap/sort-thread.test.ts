// SORT, THREAD, ESORT and CONTEXT on the wire (RFC 5256, RFC 5957, RFC 5267): the exact answers,
// UID forms, expunges held back during SORT/THREAD, live results told to the client after later
// commands (REMOVEFROM before the command's answers, ADDTO after), NOUPDATE, CANCELUPDATE, and
// malformed arguments answered BAD with the session and the process going on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, startImap, type ImapHarness } from './harness.js';

const USER = 'sorter@example.test';
const PASS = 'Sorter-imap-secret-1';

async function loggedIn(h: ImapHarness): Promise<RawClient> {
  const c = await RawClient.connect(h.tlsPort, true);
  await c.until((s) => s.includes('\r\n'));
  assert.match(await c.command('l', `LOGIN ${USER} ${PASS}`), /^l OK/m);
  return c;
}

/** Untagged lines of an answer, without the tagged one. */
const untaggedOf = (text: string) => text.split('\r\n').filter((l) => l.startsWith('* '));

const MESSAGES = [
  // 1: the thread root, latest From local part "zed"
  'From: Zed <zed@example.test>\r\nTo: b@example.test\r\nSubject: Plans\r\nMessage-ID: <p1@x>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nroot\r\n',
  // 2: a reply, by References
  'From: "Alice" <alice@example.test>\r\nTo: c@example.test\r\nSubject: Re: Plans\r\nMessage-ID: <p2@x>\r\nReferences: <p1@x>\r\nDate: Mon, 1 Jan 2024 12:00:00 +0000\r\n\r\nreply one\r\n',
  // 3: unrelated, earliest date
  'From: =?utf-8?q?Bj=C3=B6rn?= <bob@example.test>\r\nTo: a@example.test\r\nSubject: [list] Agenda\r\nMessage-ID: <a1@x>\r\nDate: Mon, 1 Jan 2024 08:00:00 +0000\r\n\r\nagenda\r\n',
  // 4: a reply by In-Reply-To only, to 2
  'From: carol@example.test\r\nTo: d@example.test\r\nSubject: RE: Re: plans\r\nMessage-ID: <p3@x>\r\nIn-Reply-To: <p2@x>\r\nDate: Mon, 1 Jan 2024 13:00:00 +0000\r\n\r\nreply two, a bit longer than the others\r\n',
  // 5: no Date (sorts by its internal date, now), no Message-ID, same base subject as 3
  'From: dave@example.test\r\nSubject: Fwd: agenda\r\n\r\nforwarded\r\n',
];

for (const backend of ['sqlite', 'postgres'] as const) test(`SORT, THREAD, ESORT and CONTEXT on the wire (${backend})`, async (t) => {
  const h = await startImap({ backend, limits: { maxBadInARow: 1000 } });
  await h.t.addUser(USER, PASS);
  t.after(() => h.close());
  const a = await loggedIn(h);
  t.after(() => a.close());
  for (const m of MESSAGES) assert.match(await a.command('ap', `APPEND INBOX {${m.length}+}\r\n${m}`), /^ap OK/m);
  assert.match(await a.command('s', 'SELECT INBOX'), /^s OK/m);

  await t.test('capabilities announce what is served', async () => {
    const caps = await a.command('c', 'CAPABILITY');
    for (const cap of ['SORT', 'SORT=DISPLAY', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'ESORT', 'CONTEXT=SEARCH', 'CONTEXT=SORT']) {
      assert.match(caps, new RegExp(` ${cap}( |\\r)`), cap);
    }
  });

  await t.test('SORT by each key, REVERSE and several criteria; UID SORT answers UIDs', async () => {
    const sort = async (args: string) => untaggedOf(await a.command('q', `SORT ${args}`));
    assert.deepEqual(await sort('(DATE) UTF-8 ALL'), ['* SORT 3 1 2 4 5']);
    assert.deepEqual(await sort('(REVERSE DATE) UTF-8 ALL'), ['* SORT 5 4 2 1 3']);
    assert.deepEqual(await sort('(ARRIVAL) US-ASCII ALL'), ['* SORT 1 2 3 4 5']);
    assert.deepEqual(await sort('(SUBJECT) UTF-8 ALL'), ['* SORT 3 5 1 2 4']);
    assert.deepEqual(await sort('(SUBJECT REVERSE DATE) UTF-8 ALL'), ['* SORT 5 3 4 2 1']);
    assert.deepEqual(await sort('(FROM) UTF-8 ALL'), ['* SORT 2 3 4 5 1']);
    assert.deepEqual(await sort('(DISPLAYFROM) UTF-8 ALL'), ['* SORT 2 3 4 5 1'], 'Alice, Björn, carol@, dave@, Zed');
    assert.deepEqual(await sort('(TO) UTF-8 ALL'), ['* SORT 5 3 1 2 4'], 'no To sorts as the empty string, first');
    assert.deepEqual(await sort('(CC DATE) UTF-8 ALL'), ['* SORT 3 1 2 4 5'], 'no Cc anywhere: the next criterion decides');
    assert.deepEqual(await sort('(SIZE) UTF-8 SUBJECT plans'), ['* SORT 1 2 4']);
    assert.deepEqual(await sort('(DATE) UTF-8 SUBJECT nothing-matches'), ['* SORT']);
    const uids = untaggedOf(await a.command('f', 'FETCH 1:* (UID)')).map((l) => Number(/UID (\d+)/.exec(l)![1]));
    assert.deepEqual(untaggedOf(await a.command('q', 'UID SORT (REVERSE DATE) UTF-8 ALL')), [`* SORT ${[5, 4, 2, 1, 3].map((n) => uids[n - 1]).join(' ')}`]);
  });

  await t.test('THREAD REFERENCES and ORDEREDSUBJECT, UID THREAD', async () => {
    assert.deepEqual(untaggedOf(await a.command('q', 'THREAD REFERENCES UTF-8 ALL')), ['* THREAD (3 5)(1 2 4)']);
    assert.deepEqual(untaggedOf(await a.command('q', 'THREAD ORDEREDSUBJECT UTF-8 ALL')), ['* THREAD (3 5)(1 (2)(4))']);
    assert.deepEqual(untaggedOf(await a.command('q', 'THREAD REFERENCES UTF-8 NOT SUBJECT agenda')), ['* THREAD (1 2 4)']);
    assert.deepEqual(untaggedOf(await a.command('q', 'THREAD REFERENCES UTF-8 SUBJECT nothing-matches')), ['* THREAD']);
    const uid = untaggedOf(await a.command('q', 'UID THREAD REFERENCES UTF-8 ALL'))[0];
    assert.match(uid, /^\* THREAD \(\d+ \d+\)\(\d+ \d+ \d+\)$/);
    assert.match(await a.command('q', 'THREAD REFERENCES ISO-2022-JP ALL'), /^q NO \[BADCHARSET/m);
  });

  await t.test('ESORT: MIN and MAX are the first and last in sort order, ALL keeps it, PARTIAL windows it', async () => {
    assert.deepEqual(untaggedOf(await a.command('e1', 'SORT RETURN (MIN MAX COUNT ALL) (REVERSE DATE) UTF-8 ALL')), ['* ESEARCH (TAG "e1") MIN 5 MAX 3 ALL 5,4,2,1,3 COUNT 5']);
    assert.deepEqual(untaggedOf(await a.command('e2', 'SORT RETURN () (DATE) UTF-8 ALL')), ['* ESEARCH (TAG "e2") ALL 3,1:2,4:5']);
    assert.deepEqual(untaggedOf(await a.command('e3', 'SORT RETURN (PARTIAL 4:2) (REVERSE DATE) UTF-8 ALL')), ['* ESEARCH (TAG "e3") PARTIAL (2:4 4,2,1)']);
    assert.deepEqual(untaggedOf(await a.command('e4', 'SORT RETURN (PARTIAL 9:10) (DATE) UTF-8 ALL')), ['* ESEARCH (TAG "e4") PARTIAL (9:10 NIL)']);
    assert.deepEqual(untaggedOf(await a.command('e5', 'SORT RETURN (COUNT) (DATE) UTF-8 SUBJECT nothing-matches')), ['* ESEARCH (TAG "e5") COUNT 0']);
    assert.deepEqual(untaggedOf(await a.command('e6', 'SEARCH RETURN (PARTIAL -1:-2) ALL')), ['* ESEARCH (TAG "e6") PARTIAL (-1:-2 4:5)']);
  });

  await t.test('no EXPUNGE while answering SORT or THREAD with sequence numbers; UID SORT may carry it', async () => {
    const b = await loggedIn(h);
    t.after(() => b.close());
    const extra = 'Subject: doomed\r\n\r\nx\r\n';
    assert.match(await b.command('b1', `APPEND INBOX (\\Deleted) {${extra.length}+}\r\n${extra}`), /^b1 OK/m);
    assert.match(await a.command('n', 'NOOP'), /\* 6 EXISTS/);
    assert.match(await b.command('b2', 'SELECT INBOX'), /^b2 OK/m);
    assert.match(await b.command('b3', 'EXPUNGE'), /\* 6 EXPUNGE/);
    const sorted = await a.command('q', 'SORT (ARRIVAL) UTF-8 ALL');
    assert.doesNotMatch(sorted, /EXPUNGE/);
    assert.match(sorted, /\* SORT 1 2 3 4 5\r\n/, 'the expunged message is not in the answer');
    assert.doesNotMatch(await a.command('q', 'THREAD REFERENCES UTF-8 ALL'), /EXPUNGE/);
    assert.match(await a.command('q', 'UID SORT (ARRIVAL) UTF-8 ALL'), /\* 6 EXPUNGE/);
  });

  await t.test('live SEARCH and SORT results: REMOVEFROM before the answers, ADDTO after; CANCELUPDATE', async () => {
    const b = await loggedIn(h);
    t.after(() => b.close());
    assert.match(await b.command('b0', 'SELECT INBOX'), /^b0 OK/m);
    assert.deepEqual(untaggedOf(await a.command('u1', 'SEARCH RETURN (UPDATE) UNSEEN')), ['* ESEARCH (TAG "u1")']);
    assert.deepEqual(untaggedOf(await a.command('u2', 'SORT RETURN (UPDATE ALL) (REVERSE DATE) UTF-8 UNFLAGGED')), ['* ESEARCH (TAG "u2") ALL 5,4,2,1,3']);
    // Another session flags 2 and 4 and marks 1 read: the client is told at its next command.
    assert.match(await b.command('b1', 'STORE 2,4 +FLAGS (\\Flagged)'), /^b1 OK/m);
    assert.match(await b.command('b2', 'STORE 1 +FLAGS (\\Seen)'), /^b2 OK/m);
    const noop = untaggedOf(await a.command('n1', 'NOOP'));
    assert.deepEqual(noop.filter((l) => l.includes('ESEARCH')), ['* ESEARCH (TAG "u1") REMOVEFROM (0 1)', '* ESEARCH (TAG "u2") REMOVEFROM (2 4,2)']);
    assert.ok(noop.indexOf('* ESEARCH (TAG "u1") REMOVEFROM (0 1)') < noop.findIndex((l) => l.includes('FETCH')), 'REMOVEFROM before the FETCH answers');
    // A new message: ADDTO after EXISTS, at its place in the sort (latest internal date: first).
    const m = 'Subject: late\r\n\r\nx\r\n';
    assert.match(await b.command('b3', `APPEND INBOX {${m.length}+}\r\n${m}`), /^b3 OK/m);
    const noop2 = untaggedOf(await a.command('n2', 'NOOP'));
    assert.ok(noop2.indexOf('* 6 EXISTS') >= 0 && noop2.indexOf('* 6 EXISTS') < noop2.indexOf('* ESEARCH (TAG "u1") ADDTO (0 6)'), JSON.stringify(noop2));
    assert.ok(noop2.includes('* ESEARCH (TAG "u2") ADDTO (1 6)'), JSON.stringify(noop2));
    // An expunge: REMOVEFROM numbered before the EXPUNGE, and sent before it.
    assert.match(await a.command('d', 'STORE 6 +FLAGS (\\Deleted)'), /^d OK/m);
    const expunged = untaggedOf(await a.command('x', 'EXPUNGE'));
    assert.deepEqual(expunged, ['* ESEARCH (TAG "u1") REMOVEFROM (0 6)', '* ESEARCH (TAG "u2") REMOVEFROM (1 6)', '* 6 EXPUNGE']);
    assert.match(await a.command('cu', 'CANCELUPDATE "u1" "u2"'), /^cu OK/m);
    assert.match(await b.command('b4', 'STORE 2 -FLAGS (\\Flagged)'), /^b4 OK/m);
    assert.doesNotMatch(await a.command('n3', 'NOOP'), /ESEARCH/);
  });

  await t.test('more live results than the server keeps: NO [NOUPDATE] and the result still answered', async () => {
    for (let i = 1; i <= 5; i++) assert.match(await a.command(`k${i}`, 'SEARCH RETURN (UPDATE COUNT) ALL'), new RegExp(`ESEARCH \\(TAG "k${i}"\\) COUNT 5`));
    const sixth = untaggedOf(await a.command('k6', 'SEARCH RETURN (UPDATE COUNT) ALL'));
    assert.deepEqual(sixth, ['* NO [NOUPDATE "k6"] Too many live results', '* ESEARCH (TAG "k6") COUNT 5']);
    // A new selection ends them all.
    assert.match(await a.command('s2', 'SELECT INBOX'), /^s2 OK/m);
    assert.match(await a.command('k7', 'SEARCH RETURN (UPDATE) ALL'), /^k7 OK/m);
  });

  await t.test('malformed SORT and THREAD arguments answer BAD; the session and the server go on', async () => {
    const bad = [
      'SORT', 'SORT ()', 'SORT (DATE)', 'SORT (DATE) UTF-8', 'SORT DATE UTF-8 ALL', 'SORT (REVERSE) UTF-8 ALL',
      'SORT (REVERSE REVERSE DATE) UTF-8 ALL', 'SORT (FOO) UTF-8 ALL', 'SORT (DATE)) UTF-8 ALL', 'SORT (DATE) UTF-8 (ALL',
      'SORT (DATE) UTF-8 NOSUCHKEY', 'SORT RETURN (PARTIAL 0:1) (DATE) UTF-8 ALL', 'SORT RETURN (PARTIAL 1) (DATE) UTF-8 ALL',
      'SORT RETURN (PARTIAL 1:*) (DATE) UTF-8 ALL', 'SORT RETURN (PARTIAL 1:2 ALL) (DATE) UTF-8 ALL', 'SORT RETURN (BOGUS) (DATE) UTF-8 ALL',
      'SORT RETURN (DATE) UTF-8 ALL', 'UID SORT (DATE) UTF-8 UID 1:x', 'SORT (DATE "x") UTF-8 ALL', 'SORT (DISPLAYFROM) UTF-8 SINCE 32-Jan-2024',
      'THREAD', 'THREAD REFERENCES', 'THREAD REFERENCES UTF-8', 'THREAD (REFERENCES) UTF-8 ALL', 'THREAD FOO UTF-8 ALL',
      'THREAD REFERENCES UTF-8 FOO', 'THREAD "REFERENCES" UTF-8 ALL', 'THREAD REFERENCES UTF-8 OR ALL', 'CANCELUPDATE', 'CANCELUPDATE u1',
    ];
    for (const [i, cmd] of bad.entries()) {
      const r = await a.command(`m${i}`, cmd);
      assert.match(r, new RegExp(`^m${i} BAD`, 'm'), `${cmd}: ${r}`);
      assert.doesNotMatch(r, /BYE|SERVERBUG/);
    }
    assert.match(await a.command('alive', 'SORT (DATE) UTF-8 ALL'), /^\* SORT \d/m);
  });

  await t.test('mutated SORT and THREAD commands: answered, never a server error', async () => {
    const seed = Date.now() >>> 0;
    let state = seed;
    const rand = (n: number) => { state = (state * 1103515245 + 12345) >>> 0; return state % n; };
    const valid = ['SORT RETURN (MIN PARTIAL 1:3) (REVERSE SUBJECT DISPLAYTO) UTF-8 OR FROM a TO "b"', 'UID THREAD REFERENCES US-ASCII NOT (SEEN 1:*)', 'THREAD ORDEREDSUBJECT UTF-8 SINCE 1-Jan-2020'];
    const alphabet = '() "*:\\{}[]0123456789-RETURNSORTHREAD \x00\x7f\xff';
    for (let i = 0; i < 150; i++) {
      const chars = [...valid[i % valid.length]];
      for (let k = 0; k <= rand(4); k++) {
        const at = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rand(alphabet.length)]);
        else chars[at] = alphabet[rand(alphabet.length)];
      }
      const line = chars.join('').replace(/[\r\n{}]/g, ' ');
      const r = await a.command(`z${i}`, line);
      assert.match(r, new RegExp(`^z${i} (OK|NO|BAD)`, 'm'), `seed ${seed}: ${line}: ${r}`);
      assert.doesNotMatch(r, /\* BYE|SERVERBUG/, `seed ${seed}: ${line}`);
    }
    assert.match(await a.command('alive', 'NOOP'), /^alive OK/m);
  });
});
