/**
 * Exchange ActiveSync over HTTP ([MS-ASHTTP]) as one encapsulated fastify plugin:
 * POST and OPTIONS on /Microsoft-Server-ActiveSync, with its own body reader.
 *
 * A POST is admitted in onRequest, before fastify reads any body (issue 8.1): credentials,
 * device access and provisioning, and the declared size are checked first; the body reader then
 * enforces the admitted command's limit on the bytes that actually arrive.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import { PROTOCOL_VERSIONS, SERVER_VERSION } from './query.js';
import { admit, authenticate, handlePost, type Admission } from './request.js';
import { createRegistry } from './commands/index.js';
import type { CommandHandler } from './commands/types.js';
import { type ActiveSyncLimits, DEFAULT_LIMITS } from './limits.js';
import { readCappedBody } from './body-reader.js';
import { SendRate } from '../../src/mail/submission-policy.js';

export interface ActiveSyncPluginOptions {
  ctx: ProtocolContext;
  /** More commands (or replacements) on top of the built-in ones. */
  commands?: CommandHandler[];
  /** Request limits (body per command, field, item); defaults in limits.ts. */
  limits?: Partial<ActiveSyncLimits>;
  /** Messages a user may send from phones per hour (counted per node); default 500, as SMTP submission. */
  messagesPerHour?: number;
}

export const EAS_PATHS = ['/Microsoft-Server-ActiveSync', '/microsoft-server-activesync'];

export async function activesyncPlugin(app: FastifyInstance, opts: ActiveSyncPluginOptions): Promise<void> {
  const { ctx } = opts;
  const registry = createRegistry(opts.commands ?? []);
  const limits: ActiveSyncLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const admitted = new WeakMap<FastifyRequest, Admission>();
  const node = { sendRate: new SendRate(opts.messagesPerHour ?? 500, ctx.now) };

  // Every body is taken raw (WBXML, or MIME for 12.1 SendMail; the command decides), read only
  // for an admitted request and never past its command's limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    // OPTIONS is not admitted (it authenticates in its handler) and takes no body at all.
    readCappedBody(payload, admitted.get(request)?.bodyLimit ?? 0, done);
  });

  app.setErrorHandler((err, request, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Body too large, bad content length ...: the client's fault. What is left unread is not
      // read: the connection closes.
      request.log.info({ err: (err as Error).message }, 'eas.request.rejected');
      return reply.code(status).header('MS-Server-ActiveSync', SERVER_VERSION).header('Connection', 'close').send();
    }
    request.log.error({ err }, 'eas.request.failed');
    return reply.code(500).header('MS-Server-ActiveSync', SERVER_VERSION).send();
  });

  for (const url of EAS_PATHS) {
    // [MS-ASHTTP] 2.2.3 / 3.2.5.2: OPTIONS tells versions and commands.
    app.options(url, async (request, reply) => {
      reply.header('MS-Server-ActiveSync', SERVER_VERSION);
      const account = await authenticate(ctx, request, reply);
      if (!account) return reply;
      return reply.code(200).headers({
        'MS-ASProtocolVersions': PROTOCOL_VERSIONS.join(','),
        'MS-ASProtocolCommands': registry.names().join(','),
        Allow: 'OPTIONS,POST',
        Public: 'OPTIONS,POST',
        'Cache-Control': 'private',
      }).send();
    });
    app.post(url, {
      // The reader enforces the per-command limit; this only lifts fastify's own 1 MiB default.
      bodyLimit: Number.MAX_SAFE_INTEGER,
      onRequest: async (request, reply) => {
        const a = await admit(ctx, registry, limits, request, reply);
        if (!a) return reply;
        admitted.set(request, a);
      },
    }, (request, reply) => {
      const a = admitted.get(request);
      if (!a) return reply.code(500).send();
      return handlePost(ctx, a, request, reply, node);
    });
  }
}
