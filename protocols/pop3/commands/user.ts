/** USER (RFC 1939 §7): names the mailbox for the PASS that follows; only over TLS. */
import type { CommandDef } from '../session.js';
import { refusedInTheClear } from './plaintext-guard.js';

export const user: CommandDef = {
  states: ['authorization'],
  async run(s, cmd) {
    if (await refusedInTheClear(s)) return;
    if (cmd.rest === '') return s.err('USER needs a name');
    s.pendingUser = cmd.rest;
    return s.ok('Send PASS');
  },
};
