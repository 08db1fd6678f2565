/**
 * QUIT (RFC 1939 §6): in AUTHORIZATION it just ends; in TRANSACTION the session enters the
 * UPDATE state, removes the messages marked deleted and answers +OK, or -ERR [SYS/TEMP] when
 * the store could not do it (the marks are then lost, the messages stay: nothing half-done).
 */
import type { CommandDef } from '../session.js';

export const quit: CommandDef = {
  states: ['authorization', 'transaction'],
  async run(s) {
    if (s.state === 'authorization') {
      await s.ok('Bye');
      return s.end();
    }
    s.state = 'update';
    try {
      const removed = await s.maildrop!.commit();
      s.log.info({ user: s.account?.email, removed: removed.length }, 'pop3.update');
      await s.ok(`Bye, ${removed.length} messages removed`);
    } catch (e) {
      s.log.warn({ user: s.account?.email, err: (e as Error).message }, 'pop3.update.failed');
      await s.err('[SYS/TEMP] Some deleted messages were not removed');
    }
    s.end();
  },
};
