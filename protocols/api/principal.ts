/**
 * Who is calling the admin API: `Authorization: Bearer <token>` with a sign-in token
 * (src/auth/api-tokens.ts) or an API key `hk_...` (src/admin/api-keys.ts). The account is re-read
 * on every request: a disabled account, a changed password or a removed role ends access at once.
 */
import type { FastifyRequest } from 'fastify';
import type { Store } from '../../src/store/store.js';
import { principalOf, type Principal } from '../../src/admin/roles.js';
import { verifyApiKey } from '../../src/admin/api-keys.js';
import { passwordFingerprint, type ApiTokens } from '../../src/auth/api-tokens.js';
import { HttpProblem } from './problem.js';

const unauthorized = (detail: string) =>
  new HttpProblem(401, 'Unauthorized', detail, { 'www-authenticate': 'Bearer realm="hearth-admin"' });

export async function resolvePrincipal(store: Store, tokens: ApiTokens, req: FastifyRequest): Promise<Principal> {
  const header = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw unauthorized('sign in at POST /api/v1/auth/token, or use an API key');
  const credential = m[1];
  const source = req.ip;
  if (credential.startsWith('hk_')) {
    const key = await verifyApiKey(store, credential, source);
    const account = key ? await store.getAccount(key.accountId) : null;
    if (!key || !account || account.disabled) throw unauthorized('invalid API key');
    const p = await principalOf(store, account, { actor: `apikey:${key.keyId} (${account.email})`, source }, 'apikey', key.access);
    if (!p) throw unauthorized("the key's account has no administrative role");
    // Last use, at most once a minute per key (a billing poller should not write on every call).
    if (key.lastUsedAt === null || Date.now() - key.lastUsedAt > 60_000) await store.touchApiKey(key.keyId, Date.now()).catch(() => {});
    return p;
  }
  const claims = await tokens.verify(credential);
  const account = claims ? await store.getAccount(claims.accountId) : null;
  if (!claims || !account || account.disabled || passwordFingerprint(account) !== claims.passwordFingerprint)
    throw unauthorized('invalid or expired token');
  const p = await principalOf(store, account, { actor: account.email, source }, 'token');
  if (!p) throw unauthorized('the account has no administrative role');
  return p;
}
