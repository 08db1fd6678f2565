// One declarative module per command (in the spirit of WildDuck's imap-core): the states in
// which it is allowed and its handler. The connection checks the state; the codec has already
// checked the argument shape (parse-command.ts).
import type { ImapCommand } from '../../codec/index.js';
import type { CommandContext, SessionState } from '../session.js';
import type { Outcome } from '../respond.js';

/** The parsed command of that name (a variant may serve several names, e.g. DELETE/SUBSCRIBE). */
export type CommandOf<N extends ImapCommand['command']> = ImapCommand extends infer C
  ? C extends { command: infer K } ? ([N] extends [K] ? C : N extends K ? C : never) : never
  : never;

export interface CommandSpec<N extends ImapCommand['command'] = ImapCommand['command']> {
  name: N;
  states: SessionState[];
  handle(c: CommandContext, cmd: CommandOf<N>): Promise<Outcome>;
}

export const ANY: SessionState[] = ['notauth', 'auth', 'selected'];
export const AUTHED: SessionState[] = ['auth', 'selected'];
export const SELECTED: SessionState[] = ['selected'];
export const NOTAUTH: SessionState[] = ['notauth'];

export function command<N extends ImapCommand['command']>(spec: CommandSpec<N>): CommandSpec<N> {
  return spec;
}
