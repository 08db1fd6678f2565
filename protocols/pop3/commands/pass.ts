/**
 * PASS (RFC 1939 §7): the password for the name USER gave, the rest of the line as sent (spaces
 * included). The credentials go through the shared rules (src/auth/credentials.ts) and the one
 * verify() with its lockout; a failed PASS needs a new USER.
 */
import type { CommandDef } from '../session.js';
import { saslLoginCredentials } from '../../../src/auth/credentials.js';
import { refusedInTheClear } from './plaintext-guard.js';

export const pass: CommandDef = {
  states: ['authorization'],
  async run(s, cmd) {
    if (await refusedInTheClear(s)) return;
    const login = s.pendingUser;
    s.pendingUser = null;
    if (login === null) return s.err('USER first');
    const creds = saslLoginCredentials(login, cmd.rest);
    const outcome = creds
      ? await s.deps.ctx.auth.verify(creds.login, creds.password, s.io.remoteAddress)
      : { ok: false as const, reason: 'missing' as const };
    return s.finishLogin(outcome);
  },
};
