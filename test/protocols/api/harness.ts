/**
 * The admin API under test: the real fastify app over a real store (SQLite by default, or the
 * given HEARTH_DATABASE value), with two domains and an administrator of each, plus a server
 * administrator. `as(who)` signs in through POST /api/v1/auth/token and sends with that token.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';

export const PW = 'correct-horse-9';

export interface Caller {
  token: string;
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export interface ApiHarness {
  t: TestContext;
  app: FastifyInstance;
  /** server admin root@a.test; domain admins admin@a.test (of a.test) and admin@b.test (of b.test). */
  as(email: string, password?: string): Promise<Caller>;
  bearer(token: string): Caller;
  close(): Promise<void>;
}

export async function apiHarness(opts: TestContextOptions = {}): Promise<ApiHarness> {
  const t = await createTestContext({ auth: { lockout: { maxFailures: 5, windowMs: 60_000 } }, ...opts });
  await t.addUser('root@a.test', PW, { isServerAdmin: true });
  await t.addUser('admin@a.test', PW, { domainAdmin: true });
  await t.addUser('admin@b.test', PW, { domainAdmin: true });
  await t.addUser('ann@a.test', PW);
  await t.addUser('bob@b.test', PW);
  const app = await buildServer(t.ctx);
  const bearer = (token: string): Caller => ({
    token,
    req: (method, url, body, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
  });
  return {
    t,
    app,
    bearer,
    async as(email, password = PW) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password } });
      if (r.statusCode !== 200) throw new Error(`sign-in of ${email}: ${r.statusCode} ${r.body}`);
      return bearer(r.json().token);
    },
    async close() {
      await app.close();
      await t.close();
    },
  };
}
