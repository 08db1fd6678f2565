// CAPABILITY, NOOP, CHECK, LOGOUT, ID, ENABLE (RFC 9051 §6.1, §6.3.1, §6.4.1; RFC 2971; RFC 5161).
import { atom, untagged, untaggedStatus } from '../../codec/index.js';
import { capabilities } from '../capabilities.js';
import { ok } from '../respond.js';
import { ANY, AUTHED, SELECTED, command } from './types.js';

export const capability = command({
  name: 'CAPABILITY', states: ANY,
  handle: async (c) => ok('CAPABILITY completed', undefined, [untagged([atom('CAPABILITY'), ...capabilities(c.session, c.limits.maxLiteralBytes).map(atom)])]),
});

/** NOOP: the connection announces the mailbox's changes after every command (connection.ts). */
export const noop = command({ name: 'NOOP', states: ANY, handle: async () => ok('NOOP completed') });
export const check = command({ name: 'CHECK', states: SELECTED, handle: async () => ok('CHECK completed') });

export const logout = command({
  name: 'LOGOUT', states: ANY,
  handle: async (c) => {
    c.session.state = 'logout';
    return ok('LOGOUT completed', undefined, [untaggedStatus('BYE', 'Hearth IMAP logging out')]);
  },
});

export const id = command({
  name: 'ID', states: ANY,
  handle: async () => ok('ID completed', undefined, [untagged([atom('ID'), ['name', 'Hearth', 'vendor', 'Hearth']])]),
});

/** RFC 5161; QRESYNC implies CONDSTORE (RFC 7162 §3.2.3); UTF8=ACCEPT per RFC 6855 §3. */
const ENABLEABLE = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);

export const enable = command({
  name: 'ENABLE', states: AUTHED,
  handle: async (c, cmd) => {
    const now: string[] = [];
    for (const cap of cmd.capabilities) {
      if (!ENABLEABLE.has(cap) || c.session.enabled.has(cap)) continue;
      c.session.enabled.add(cap);
      now.push(cap);
      if (cap === 'CONDSTORE' || cap === 'QRESYNC') c.session.condstore = true;
      if (cap === 'UTF8=ACCEPT') c.session.compose.utf8 = true;
    }
    return ok('ENABLE completed', undefined, [untagged([atom('ENABLED'), ...now.map(atom)])]);
  },
});
