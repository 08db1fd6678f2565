/**
 * UIDL [msg] (RFC 1939 §7): "number unique-id"; the id is the INBOX's UIDVALIDITY and the
 * message's UID, stable across sessions and never reused for another message.
 */
import type { CommandDef } from '../session.js';
import { multilineText } from '../codec/multiline.js';
import { messageArg } from './message-arg.js';

export const uidl: CommandDef = {
  states: ['transaction'],
  async run(s, cmd) {
    if (cmd.args.length > 0) {
      const e = await messageArg(s, cmd.args[0]);
      return e ? s.ok(`${e.number} ${e.uniqueId}`) : undefined;
    }
    await s.io.write(`+OK Unique-ID listing follows\r\n${multilineText(s.maildrop!.live().map((e) => `${e.number} ${e.uniqueId}`))}`);
  },
};
