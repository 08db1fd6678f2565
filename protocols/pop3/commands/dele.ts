/** DELE msg (RFC 1939 §5): marks the message; it is removed only by QUIT (the UPDATE state). */
import type { CommandDef } from '../session.js';
import { messageArg } from './message-arg.js';

export const dele: CommandDef = {
  states: ['transaction'],
  async run(s, cmd) {
    const e = await messageArg(s, cmd.args[0]);
    if (!e) return;
    s.maildrop!.markDeleted(e.number);
    return s.ok(`Message ${e.number} deleted`);
  },
};
