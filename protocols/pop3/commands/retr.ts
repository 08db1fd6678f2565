/**
 * RETR msg (RFC 1939 §5): the whole message, byte-stuffed. A message another session removed
 * since login answers -ERR; it is marked \Seen when the session ends with QUIT.
 */
import type { CommandDef } from '../session.js';
import { multilineMessage } from '../codec/multiline.js';
import { messageArg } from './message-arg.js';

export const retr: CommandDef = {
  states: ['transaction'],
  async run(s, cmd) {
    const e = await messageArg(s, cmd.args[0]);
    if (!e) return;
    const bytes = await s.maildrop!.read(e, { retrieve: true });
    if (!bytes) return s.err(`Message ${e.number} was removed by another session`);
    await s.io.write(`+OK ${e.size} octets\r\n`);
    await s.io.write(multilineMessage(bytes));
  },
};
