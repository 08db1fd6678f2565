/**
 * STLS (RFC 2595 §4): +OK, then the TLS handshake on the same connection. Anything the client
 * sent after STLS and before the handshake is dropped by the listener (no command injection
 * into the protected session).
 */
import type { CommandDef } from '../session.js';

export const stls: CommandDef = {
  states: ['authorization'],
  async run(s) {
    if (s.io.secure) return s.err('Already using TLS');
    if (!s.io.canStartTls) return s.err('STLS not available');
    await s.ok('Begin TLS negotiation');
    s.pendingUser = null;
    s.io.startTls();
  },
};
