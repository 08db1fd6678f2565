/**
 * The set-up page under test through app.inject(): the real fastify app over a real store, behind
 * a trusted proxy that says the request came over HTTPS (x-forwarded-proto), which is how
 * inject() can stand for a TLS connection. A `Browser` keeps the session cookie between requests.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestContext, type TestContext, type TestContextOptions } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';

export const PW = 'correct-horse-9';
export const ORIGIN = 'https://mail.example.test';

export interface Browser {
  cookie: string | null;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, form: Record<string, string>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The CSRF token of the last page it loaded. */
  csrf(): Promise<string>;
  signIn(email: string, password?: string): Promise<LightMyRequestResponse>;
}

export interface SetupHarness {
  t: TestContext;
  app: FastifyInstance;
  browser(): Browser;
  close(): Promise<void>;
}

export async function setupHarness(opts: TestContextOptions = {}): Promise<SetupHarness> {
  const t = await createTestContext({ auth: { lockout: { maxFailures: 3, windowMs: 60_000 } }, ...opts });
  await t.addUser('ann@a.test', PW, { displayName: 'Ann <Example>' });
  await t.addUser('bob@b.test', PW);
  const app = await buildServer(t.ctx, { trustProxy: true });
  const browser = (): Browser => {
    const b: Browser = {
      cookie: null,
      async get(url, headers = {}) {
        return app.inject({
          method: 'GET',
          url,
          headers: { 'x-forwarded-proto': 'https', host: 'mail.example.test', ...(b.cookie ? { cookie: b.cookie } : {}), ...headers },
        });
      },
      async post(url, form, headers = {}) {
        // A header given as '' is left out (a request without Origin, say).
        const all: Record<string, string> = {
          'x-forwarded-proto': 'https',
          host: 'mail.example.test',
          origin: ORIGIN,
          'content-type': 'application/x-www-form-urlencoded',
          ...(b.cookie ? { cookie: b.cookie } : {}),
          ...headers,
        };
        const r = await app.inject({
          method: 'POST',
          url,
          headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')),
          payload: new URLSearchParams(form).toString(),
        });
        const set = r.headers['set-cookie'];
        if (set) b.cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0];
        return r;
      },
      async csrf() {
        const page = await b.get('/setup/');
        const m = /name="csrf" value="([^"]+)"/.exec(page.body);
        if (!m) throw new Error(`no CSRF token on the page: ${page.statusCode}`);
        return m[1];
      },
      signIn: (email, password = PW) => b.post('/setup/sign-in', { email, password }),
    };
    return b;
  };
  return {
    t,
    app,
    browser,
    async close() {
      await app.close();
      await t.close();
    },
  };
}
