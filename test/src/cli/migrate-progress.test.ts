/** The migration's progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressReporter } from '../../../src/cli/migrate-progress.js';

const step = (done: number, folder = 'INBOX') => ({ folder, done, total: 4, bytesDone: done * 1_048_576, bytesTotal: 4 * 1_048_576 });

test('terminal: one line redrawn with \\r, ended by a newline', () => {
  let out = '';
  const p = progressReporter(
    {
      err: (s) => {
        out += s;
      },
      tty: true,
    },
    'migrate',
  );
  p.update(step(0));
  p.update(step(4));
  p.done();
  assert.match(out, /^\r\x1b\[Kmigrate \[-{24}\] 0% {2}0\/4 messages {2}0\.0 MB\/4\.0 MB {2}INBOX/);
  assert.match(out, /\r\x1b\[Kmigrate \[#{24}\] 100% {2}4\/4 messages {2}4\.0 MB\/4\.0 MB {2}INBOX\n$/);
  assert.equal(out.split('\n').length, 2, 'no other line breaks');
});

test('not a terminal: a line per folder and per 10 %, no control characters', () => {
  let out = '';
  const p = progressReporter(
    {
      err: (s) => {
        out += s;
      },
      tty: false,
    },
    'migrate',
  );
  for (const [d, f] of [
    [0, ''],
    [1, 'INBOX'],
    [2, 'INBOX'],
    [3, 'Sent'],
    [4, 'Sent'],
  ] as const)
    p.update(step(d, f));
  p.done();
  assert.deepEqual(out.trimEnd().split('\n'), [
    'migrate: 0% (0/4 messages, 0.0 MB of 4.0 MB)',
    'migrate: folder INBOX',
    'migrate: 25% (1/4 messages, 1.0 MB of 4.0 MB)',
    'migrate: 50% (2/4 messages, 2.0 MB of 4.0 MB)',
    'migrate: folder Sent',
    'migrate: 75% (3/4 messages, 3.0 MB of 4.0 MB)',
    'migrate: 100% (4/4 messages, 4.0 MB of 4.0 MB)',
  ]);
  assert.doesNotMatch(out, /[\r\x1b]/);
});
