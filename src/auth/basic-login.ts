/**
 * A login from an HTTP Authorization header, as every HTTP protocol does it: parse once
 * (credentials.ts), verify (lockout, slowing, cache), and say `missing` when there was nothing
 * usable to verify. The protocol turns a refusal into its answer with answers.ts.
 */
import type { Account } from '../model/types.js';
import type { Authenticator } from './authenticator.js';
import type { LoginRefusal } from './answers.js';
import { parseBasicAuthorization } from './credentials.js';

export async function basicLogin(auth: Authenticator, authorization: string | string[] | undefined, source: string): Promise<{ ok: true; account: Account } | LoginRefusal> {
  const creds = parseBasicAuthorization(authorization);
  if (!creds) return { ok: false, reason: 'missing' };
  return auth.verify(creds.login, creds.password, source);
}
