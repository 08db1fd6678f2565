/** NOOP (RFC 1939 §5). */
import type { CommandDef } from '../session.js';

export const noop: CommandDef = {
  states: ['transaction'],
  run: (s) => s.ok(),
};
