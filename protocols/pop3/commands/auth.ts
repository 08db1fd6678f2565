/**
 * AUTH (RFC 5034): SASL PLAIN (RFC 4616) with or without an initial response (SASL-IR, "="
 * for an empty one), and LOGIN; "*" cancels (§4). AUTH alone lists the mechanisms, as clients
 * of RFC 1734 expect. All of it only over TLS.
 */
import type { CommandDef, Pop3Session } from '../session.js';
import { saslLoginLogin, saslPlainLogin } from '../../../src/auth/sasl-login.js';
import { multilineText } from '../codec/multiline.js';
import { refusedInTheClear } from './plaintext-guard.js';

const MECHANISMS = ['PLAIN', 'LOGIN'];
const USERNAME = Buffer.from('Username:').toString('base64');
const PASSWORD = Buffer.from('Password:').toString('base64');

/** Waits for the client's next line; "*" ends the exchange (RFC 5034 §4). */
async function challenge(s: Pop3Session, text: string, next: (line: string) => Promise<void>): Promise<void> {
  await s.io.write(`+ ${text}\r\n`);
  s.sasl = (line) => (line === '*' ? s.err('Authentication cancelled') : next(line));
}

export const auth: CommandDef = {
  states: ['authorization'],
  async run(s, cmd) {
    if (await refusedInTheClear(s)) return;
    if (cmd.args.length === 0) return s.io.write(`+OK Mechanisms follow\r\n${multilineText(MECHANISMS)}`);
    const mechanism = cmd.args[0].toUpperCase();
    const initial = cmd.args[1] === '=' ? '' : cmd.args[1];
    const source = s.io.remoteAddress;
    const { auth: authenticator } = s.deps.ctx;
    if (cmd.args.length > 2) return s.err('Too many arguments');
    if (mechanism === 'PLAIN') {
      const finish = async (response: string) => s.finishLogin(await saslPlainLogin(authenticator, response, source));
      return initial !== undefined ? finish(initial) : challenge(s, '', finish);
    }
    if (mechanism === 'LOGIN') {
      const askPassword = (username: string) =>
        challenge(s, PASSWORD, async (password) => s.finishLogin(await saslLoginLogin(authenticator, username, password, source)));
      return initial !== undefined ? askPassword(initial) : challenge(s, USERNAME, askPassword);
    }
    return s.err('Unsupported authentication mechanism');
  },
};
