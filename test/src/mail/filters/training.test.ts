/** Which moves teach the spam filter what (src/mail/filters/training.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessonOfMove, trainOnMove } from '../../../../src/mail/filters/training.js';
import { FilterUnavailableError, type SpamTrainer } from '../../../../src/mail/filters/filter.js';

test('into Junk is spam, out of Junk is ham, Trash and staying put teach nothing', () => {
  assert.equal(lessonOfMove('inbox', 'junk'), 'spam');
  assert.equal(lessonOfMove(null, 'junk'), 'spam', 'from a user folder without a role');
  assert.equal(lessonOfMove('junk', 'inbox'), 'ham');
  assert.equal(lessonOfMove('junk', null), 'ham');
  assert.equal(lessonOfMove('junk', 'trash'), null);
  assert.equal(lessonOfMove('trash', 'junk'), null);
  assert.equal(lessonOfMove('junk', 'junk'), null);
  assert.equal(lessonOfMove('inbox', 'archive'), null);
});

test('trainOnMove calls the right hook with the user, and never rejects', async () => {
  const calls: string[] = [];
  const trainer: SpamTrainer = {
    async learnSpam(_m, user) {
      calls.push(`spam:${user}`);
      return true;
    },
    async learnHam(_m, user) {
      calls.push(`ham:${user}`);
      return false;
    },
  };
  const errors: string[] = [];
  const message = Buffer.from('Subject: x\r\n\r\ny');
  assert.equal(await trainOnMove(trainer, { from: 'inbox', to: 'junk', message, user: 'ann@example.test' }), 'spam');
  assert.equal(
    await trainOnMove(trainer, { from: 'junk', to: 'inbox', message, user: 'ann@example.test' }, (e) => errors.push(e.message)),
    null,
  );
  assert.deepEqual(calls, ['spam:ann@example.test', 'ham:ann@example.test']);
  assert.match(errors[0], /refused to learn ham/);
  const down: SpamTrainer = {
    learnSpam: async () => {
      throw new FilterUnavailableError('rspamd', 'ECONNREFUSED');
    },
    learnHam: async () => true,
  };
  assert.equal(await trainOnMove(down, { from: 'inbox', to: 'junk', message, user: 'a' }, (e) => errors.push(e.message)), null);
  assert.match(errors[1], /rspamd: ECONNREFUSED/);
  assert.equal(await trainOnMove(null, { from: 'inbox', to: 'junk', message, user: 'a' }), null);
});
