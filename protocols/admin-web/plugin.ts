/**
 * Serves the admin console (web/admin, built by Vite) at /admin/: hashed files under
 * /admin/assets/ cached for a year as immutable, every other path below /admin/ answered with
 * index.html (the single-page app routes in the browser), revalidated on every load so a new
 * build is picked up at once. Every answer carries a Content-Security-Policy that allows only
 * this origin's scripts, styles and API (CSP Level 3), and refuses framing (clickjacking).
 * If the console was not built, /admin/ says so in one line (503) instead of failing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface AdminWebOptions {
  /** The built console (index.html and assets/): dist/admin-web by default (assets.ts). */
  root: string;
}

/** No inline script or style; images also from blob: (the domain's logo, fetched with the token). */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const NOT_BUILT = 'The admin console is not built on this server: run `npm run build` (it writes dist/admin-web).\n';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Register with `{ prefix: '/admin' }`. */
export async function adminWebPlugin(app: FastifyInstance, opts: AdminWebOptions): Promise<void> {
  const root = opts.root;
  await app.register(fastifyStatic, { root, serve: false });

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });

  const indexHtml = (reply: FastifyReply) => {
    // Checked per request: a build or a clean while the server runs changes the answer, never crashes it.
    if (!existsSync(join(root, 'index.html'))) {
      return reply.code(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', { cacheControl: false });
  };

  // Relative paths of the console keep working only below /admin/ (RFC 3986 §5.2).
  app.get('/', { prefixTrailingSlash: 'no-slash' }, async (_req, reply) => reply.redirect('/admin/', 308));
  app.get('/', { prefixTrailingSlash: 'slash' }, async (_req, reply) => indexHtml(reply));
  app.get('/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    if (rest.startsWith('assets/')) {
      // A missing asset is a 404, never index.html served as a script.
      if (rest.includes('..') || !existsSync(join(root, rest))) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
      return reply.sendFile(rest, { maxAge: YEAR_MS, immutable: true });
    }
    return indexHtml(reply);
  });
}
