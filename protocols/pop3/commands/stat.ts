/** STAT (RFC 1939 §5): count and size of the messages not marked deleted. */
import type { CommandDef } from '../session.js';

export const stat: CommandDef = {
  states: ['transaction'],
  async run(s) {
    const { count, octets } = s.maildrop!.stat();
    return s.ok(`${count} ${octets}`);
  },
};
