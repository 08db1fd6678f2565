import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ProtocolContext } from '../model/context.js';
import { activesyncPlugin } from '../../protocols/activesync/plugin.js';
import { autodiscoverPlugin } from '../../protocols/autodiscover/plugin.js';
import { davPlugin } from '../../protocols/dav/plugin.js';
import { apiPlugin } from '../../protocols/api/plugin.js';
import { setupPlugin } from '../../protocols/setup/plugin.js';
import { adminWebPlugin } from '../../protocols/admin-web/plugin.js';
import { defaultAdminAssets } from '../../protocols/admin-web/assets.js';
import { createMetrics } from './metrics.js';
import { protocolAuthenticator } from '../auth/protocol-access.js';
import type { Outbound } from '../mail/outbound.js';
import { imipOverOutbound } from '../mail/imip/sender.js';
import { listsWebPlugin } from '../../protocols/lists-web/plugin.js';

export interface BuildOptions {
  /** Where mail leaves (the outbound queue): CalDAV invitations to outside attendees go by iMIP through it. */
  outbound?: Outbound;
  trustProxy?: boolean;
  /** The built admin console served at /admin/ (default dist/admin-web). */
  adminAssets?: string;
  /** More metrics on the /metrics registry (the outbound queue's). */
  registerMetrics?: (registry: import('prom-client').Registry) => void;
}

/**
 * The HTTP application: every HTTP protocol as its own encapsulated plugin, plus /healthz and
 * /metrics. It never listens; serve.ts does (CONVENTIONS: buildServer() never listens).
 */
export async function buildServer(ctx: ProtocolContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    trustProxy: opts.trustProxy ?? false,
    // Our own one-line access log below; fastify 5.12 deprecates the top-level disableRequestLogging
    // (FSTDEP023, printed on every start) in favour of a LogController.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 0,
  }) as unknown as FastifyInstance;
  const metrics = createMetrics();
  metrics.instrument(app);
  opts.registerMetrics?.(metrics.registry);
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http.request');
  });
  // RFC 9110 §10.1.1 Expect: 100-continue. The listeners hand such requests over without the
  // automatic "100 Continue" (see serve.ts), so that each protocol's onRequest checks (credentials,
  // declared size, quota) can refuse before the client sends the body; a request that got this
  // far is going to read its body, so the client is told to send it now.
  app.addHook('preParsing', async (req, reply) => {
    if (/^100-continue$/i.test(String(req.headers.expect ?? '')) && !reply.raw.headersSent) reply.raw.writeContinue();
  });
  app.get('/healthz', async (_req, reply) => {
    // Liveness includes the store: a node that cannot reach its database is not healthy.
    await ctx.store.accountModseq(0).catch((e: { code?: string }) => { if (e.code !== 'NotFound') throw e; });
    return reply.send({ status: 'ok' });
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  // Each protocol logs in through its own Authenticator, which honours per-user protocol access.
  await app.register(activesyncPlugin, { ctx: { ...ctx, auth: protocolAuthenticator(ctx.auth, ctx.store, 'activesync') } });
  await app.register(autodiscoverPlugin, { ctx });
  // iMIP for outside attendees leaves through the outbound queue (the context's, unless given here).
  const outbound = opts.outbound ?? ctx.outbound;
  await app.register(davPlugin, {
    ctx: { ...ctx, auth: protocolAuthenticator(ctx.auth, ctx.store, 'dav') },
    ...(outbound ? { imip: imipOverOutbound(outbound, ctx.settings.hostname) } : {}),
  });
  await app.register(apiPlugin, { ctx, prefix: '/api/v1' });
  await app.register(setupPlugin, { ctx });
  await app.register(listsWebPlugin, { ctx });
  await app.register(adminWebPlugin, { root: opts.adminAssets ?? defaultAdminAssets(), prefix: '/admin' });
  return app;
}

/** Query strings can carry user names (ActiveSync User=); keep only the path in logs. */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}
