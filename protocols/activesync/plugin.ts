/**
 * Exchange ActiveSync over HTTP ([MS-ASHTTP]) as one encapsulated fastify plugin:
 * POST and OPTIONS on /Microsoft-Server-ActiveSync, with its own body parser.
 */
import type { FastifyInstance } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import { PROTOCOL_VERSIONS, SERVER_VERSION } from './http.js';
import { authenticate, handlePost } from './request.js';
import { createRegistry } from './commands/index.js';
import type { CommandHandler } from './commands/types.js';

export interface ActiveSyncPluginOptions {
  ctx: ProtocolContext;
  /** More commands (or replacements) on top of the built-in ones. */
  commands?: CommandHandler[];
  /** Largest request body in bytes (SendMail carries whole messages). Default 64 MiB. */
  bodyLimit?: number;
}

export const EAS_PATHS = ['/Microsoft-Server-ActiveSync', '/microsoft-server-activesync'];

export async function activesyncPlugin(app: FastifyInstance, opts: ActiveSyncPluginOptions): Promise<void> {
  const { ctx } = opts;
  const registry = createRegistry(opts.commands ?? []);
  const bodyLimit = opts.bodyLimit ?? 64 * 1024 * 1024;

  // Every body is taken raw: WBXML, and MIME for 12.1 SendMail; the command decides.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, request, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Body too large, bad content length ...: the client's fault.
      request.log.info({ err: (err as Error).message }, 'eas.request.rejected');
      return reply.code(status).header('MS-Server-ActiveSync', SERVER_VERSION).send();
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
    app.post(url, { bodyLimit }, (request, reply) => handlePost(ctx, registry, request, reply));
  }
}
