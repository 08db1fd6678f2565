/** RSET (RFC 1939 §5): removes every deletion mark of this session. */
import type { CommandDef } from '../session.js';

export const rset: CommandDef = {
  states: ['transaction'],
  async run(s) {
    s.maildrop!.unmarkAll();
    const { count, octets } = s.maildrop!.stat();
    return s.ok(`Maildrop has ${count} messages (${octets} octets)`);
  },
};
