/**
 * CAPA (RFC 2449 §5): what this server does, as the connection stands. Login mechanisms (USER,
 * SASL) are listed only once TLS is on (RFC 2595 §4: no plaintext passwords in the clear); STLS
 * only while it can still be started.
 */
import type { CommandDef, Pop3Session } from '../session.js';
import { multilineText } from '../codec/multiline.js';

export function capabilities(s: Pop3Session): string[] {
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (s.state === 'authorization') {
    if (s.io.secure) caps.push('USER', 'SASL PLAIN LOGIN');
    else if (s.io.canStartTls) caps.push('STLS');
  }
  caps.push('IMPLEMENTATION Hearth');
  return caps;
}

export const capa: CommandDef = {
  states: ['authorization', 'transaction'],
  async run(s) {
    await s.io.write(`+OK Capability list follows\r\n${multilineText(capabilities(s))}`);
  },
};
