/** LIST [msg] (RFC 1939 §5): the scan listing "number size" of one message or of all not deleted. */
import type { CommandDef } from '../session.js';
import { multilineText } from '../codec/multiline.js';
import { messageArg } from './message-arg.js';

export const list: CommandDef = {
  states: ['transaction'],
  async run(s, cmd) {
    if (cmd.args.length > 0) {
      const e = await messageArg(s, cmd.args[0]);
      return e ? s.ok(`${e.number} ${e.size}`) : undefined;
    }
    const drop = s.maildrop!;
    const { count, octets } = drop.stat();
    await s.io.write(`+OK ${count} messages (${octets} octets)\r\n${multilineText(drop.live().map((e) => `${e.number} ${e.size}`))}`);
  },
};
