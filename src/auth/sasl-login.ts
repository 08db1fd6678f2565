/**
 * A login from a SASL exchange, for SMTP AUTH (RFC 4954), IMAP AUTHENTICATE (RFC 9051 §6.2.2)
 * and POP3 AUTH (RFC 5034): PLAIN (RFC 4616) from its one response, LOGIN
 * (draft-murchison-sasl-login) from its two. Undecodable responses are `missing` and never reach
 * verify(); the listener writes the answer with answers.ts (smtpLoginAnswer, imapLoginAnswer,
 * pop3LoginAnswer). Cancelling (`*`) is the listener's to handle before calling these.
 */
import type { Account } from '../model/types.js';
import type { Authenticator } from './authenticator.js';
import type { LoginRefusal } from './answers.js';
import { decodeSaslLoginStep, parseSaslPlain, saslLoginCredentials, type Credentials } from './credentials.js';

export type LoginOutcome = { ok: true; account: Account } | LoginRefusal;

function verify(auth: Authenticator, creds: Credentials | null, source: string): Promise<LoginOutcome> {
  if (!creds) return Promise.resolve({ ok: false, reason: 'missing' });
  return auth.verify(creds.login, creds.password, source);
}

/** SASL PLAIN: the client's base64 response (initial or after the empty challenge). */
export function saslPlainLogin(auth: Authenticator, response: string, source: string): Promise<LoginOutcome> {
  return verify(auth, parseSaslPlain(response), source);
}

/** SASL LOGIN: the client's two base64 answers, to the Username: and Password: prompts. */
export function saslLoginLogin(auth: Authenticator, username: string, password: string, source: string): Promise<LoginOutcome> {
  const user = decodeSaslLoginStep(username);
  const pass = decodeSaslLoginStep(password);
  return verify(auth, user === null || pass === null ? null : saslLoginCredentials(user, pass), source);
}
