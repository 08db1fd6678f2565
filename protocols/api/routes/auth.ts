/**
 * POST /api/v1/auth/token (sign-in through the shared login rules of src/auth), POST
 * /api/v1/auth/refresh (a fresh token for a valid one, within the session's 12 hours) and GET
 * /api/v1/me.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { restLoginAnswer } from '../../../src/auth/answers.js';
import { principalOf, rolesOf, Forbidden } from '../../../src/admin/roles.js';
import { SESSION_MAX_MS } from '../../../src/auth/api-tokens.js';
import { HttpProblem } from '../problem.js';
import { Roles, TokenRequest, TokenResponse } from '../schemas.js';
import { principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

export function authRoutes(app: FastifyInstance, { store, auth, tokens, now }: ApiDeps): void {
  app.post(
    '/auth/token',
    {
      schema: { tags: ['auth'], summary: 'Sign in: a token valid for 15 minutes', body: TokenRequest, response: { 200: TokenResponse } },
    },
    async (req) => {
      const { email, password } = req.body as Static<typeof TokenRequest>;
      const result = await auth.verify(email, password, req.ip);
      if (!result.ok) {
        const answer = restLoginAnswer(result);
        throw new HttpProblem(
          answer.status,
          answer.status === 429 ? 'Too Many Requests' : 'Unauthorized',
          answer.status === 429 ? 'too many failed sign-ins: try again later' : 'wrong address or password',
          answer.headers,
        );
      }
      // Only administrators get a token; anyone else is told exactly what a wrong password gets.
      if (!(await principalOf(store, result.account, { actor: result.account.email, source: req.ip }, 'token'))) {
        throw new HttpProblem(401, 'Unauthorized', 'wrong address or password', { 'www-authenticate': 'Bearer realm="hearth-admin"' });
      }
      const issued = await tokens.issue(result.account);
      return { token: issued.token, tokenType: 'Bearer', expiresAt: new Date(issued.expiresAt).toISOString() };
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'A fresh token (15 minutes) for a valid sign-in token, while the session is under 12 hours old; API keys do not expire',
        response: { 200: TokenResponse },
      },
    },
    async (req) => {
      const p = principal(req);
      if (p.via !== 'token') throw new Forbidden('API keys do not expire: only sign-in tokens are refreshed');
      // The preHandler verified the token; read its session start again.
      const claims = await tokens.verify(String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
      if (!claims) throw new HttpProblem(401, 'Unauthorized', 'invalid or expired token', { 'www-authenticate': 'Bearer realm="hearth-admin"' });
      if (now() - claims.signedInAt >= SESSION_MAX_MS) {
        throw new HttpProblem(401, 'Unauthorized', 'the session is over 12 hours old: sign in again', { 'www-authenticate': 'Bearer realm="hearth-admin"' });
      }
      const issued = await tokens.issue(p.account, claims.signedInAt);
      return { token: issued.token, tokenType: 'Bearer', expiresAt: new Date(issued.expiresAt).toISOString() };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who the caller is and its roles',
        response: { 200: Type.Object({ email: Type.String(), via: Type.String(), readOnly: Type.Boolean(), roles: Roles }) },
      },
    },
    async (req) => {
      const p = principal(req);
      const roles = await rolesOf(store, p.account);
      const names = async (ids: number[]) => (await Promise.all(ids.map((id) => store.getDomain(id)))).flatMap((d) => (d ? [d.name] : []));
      return {
        email: p.account.email,
        via: p.via,
        readOnly: p.server !== 'write' && ![...p.domains.values()].includes('write'),
        roles: { ...roles, adminDomains: await names(roles.adminDomains), readOnlyDomains: await names(roles.readOnlyDomains) },
      };
    },
  );
}
