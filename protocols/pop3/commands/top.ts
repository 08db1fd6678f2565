/** TOP msg n (RFC 1939 §7): the header, the blank line and the first n lines of the body. */
import type { CommandDef } from '../session.js';
import { multilineMessage } from '../codec/multiline.js';
import { parseLineCount } from '../codec/command.js';
import { messageArg } from './message-arg.js';

export const top: CommandDef = {
  states: ['transaction'],
  async run(s, cmd) {
    if (cmd.args.length !== 2 || parseLineCount(cmd.args[1]) === null) return s.bad('TOP needs a message number and a line count');
    const e = await messageArg(s, cmd.args[0]);
    if (!e) return;
    const bytes = await s.maildrop!.read(e, { retrieve: false });
    if (!bytes) return s.err(`Message ${e.number} was removed by another session`);
    await s.io.write('+OK Top of message follows\r\n');
    await s.io.write(multilineMessage(bytes, parseLineCount(cmd.args[1])!));
  },
};
