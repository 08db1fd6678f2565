// STARTTLS, LOGIN and AUTHENTICATE (RFC 9051 §6.2; SASL-IR RFC 4959; PLAIN RFC 4616; LOGIN
// draft-murchison-sasl-login). No login without TLS on any address (docs/security.md): before
// STARTTLS the server announces LOGINDISABLED and answers NO [PRIVACYREQUIRED] (RFC 5530).
// The outcome of a login is src/auth's (lockout, throttling, disabled accounts); its answer is
// imapLoginAnswer, as for every protocol.
import type { Account } from '../../../../src/model/types.js';
import { imapLoginAnswer, type LoginRefusal } from '../../../../src/auth/answers.js';
import { saslLoginLogin, saslPlainLogin, type LoginOutcome } from '../../../../src/auth/sasl-login.js';
import { SASL_LOGIN_PROMPTS } from '../../../../src/auth/credentials.js';
import { atom, continuation, tagged } from '../../codec/index.js';
import { capabilities } from '../capabilities.js';
import type { CommandContext } from '../session.js';
import { bad, no, ok, type Outcome } from '../respond.js';
import { NOTAUTH, command } from './types.js';

export const starttls = command({
  name: 'STARTTLS', states: NOTAUTH,
  handle: async (c, cmd) => {
    if (c.session.secure) return bad('TLS is already active');
    await c.sendNow(tagged(cmd.tag, 'OK', 'Begin TLS negotiation now'));
    await c.startTls();
    // The tagged answer went out already; the connection must not send another.
    return { status: 'OK', text: '', silent: true };
  },
});

function refused(r: LoginRefusal): Outcome {
  const answer = imapLoginAnswer(r);
  const m = /^(NO|BAD) (?:\[([A-Z-]+)\] )?(.*)$/.exec(answer)!;
  return m[1] === 'BAD' ? bad(m[3]) : no(m[3], m[2]);
}

function loggedIn(c: CommandContext, account: Account): Outcome {
  c.session.account = account;
  c.session.state = 'auth';
  const caps = capabilities(c.session, c.limits.maxLiteralBytes).map(atom);
  return ok('Logged in', { code: 'CAPABILITY', args: caps });
}

async function finish(c: CommandContext, outcome: LoginOutcome): Promise<Outcome> {
  if (!outcome.ok) return refused(outcome);
  return loggedIn(c, outcome.account);
}

export const login = command({
  name: 'LOGIN', states: NOTAUTH,
  handle: async (c, cmd) => {
    if (!c.session.secure) return no('Use STARTTLS first: no plaintext logins', 'PRIVACYREQUIRED');
    return finish(c, await c.ctx.auth.verify(cmd.user, cmd.password, c.session.remoteAddress));
  },
});

/** One SASL response line, or null when the client cancelled ("*", RFC 9051 §6.2.2) or left. */
async function saslResponse(c: CommandContext, challenge: string): Promise<string | null> {
  await c.send(continuation(challenge));
  const line = await c.readLine();
  if (line === null) return null;
  const text = line.toString('latin1').replace(/\r?\n$/, '');
  return text === '*' ? null : text;
}

export const authenticate = command({
  name: 'AUTHENTICATE', states: NOTAUTH,
  handle: async (c, cmd) => {
    if (!c.session.secure) return no('Use STARTTLS first: no plaintext logins', 'PRIVACYREQUIRED');
    const source = c.session.remoteAddress;
    if (cmd.mechanism === 'PLAIN') {
      const response = cmd.initialResponse !== undefined ? (cmd.initialResponse === '=' ? '' : cmd.initialResponse) : await saslResponse(c, '');
      if (response === null) return bad('Authentication cancelled');
      return finish(c, await saslPlainLogin(c.ctx.auth, response, source));
    }
    if (cmd.mechanism === 'LOGIN') {
      const user = cmd.initialResponse !== undefined && cmd.initialResponse !== '=' ? cmd.initialResponse : await saslResponse(c, SASL_LOGIN_PROMPTS.username);
      if (user === null) return bad('Authentication cancelled');
      const pass = await saslResponse(c, SASL_LOGIN_PROMPTS.password);
      if (pass === null) return bad('Authentication cancelled');
      return finish(c, await saslLoginLogin(c.ctx.auth, user, pass, source));
    }
    return no(`Mechanism ${cmd.mechanism} is not supported`, 'CANNOT');
  },
});
