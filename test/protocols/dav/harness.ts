/**
 * A DAV server for tests: the plugin on its own fastify instance over a temporary SQLite store
 * (the real SQLite backend, as everywhere else), real password checks via AuthService.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ProtocolContext, ProtocolSettings } from '../../../src/model/context.js';
import type { Account } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { davPlugin } from '../../../protocols/dav/plugin.js';
import { contextOver, createTestContext } from '../../helpers/context.js';

export interface DavHarness {
  app: FastifyInstance;
  ctx: ProtocolContext;
  store: Store;
  addUser(email: string, password: string, opts?: { kind?: Account['kind']; quotaBytes?: number; displayName?: string }): Promise<Account>;
  /** Listens on 127.0.0.1, port 0; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The DAV plugin alone on a fastify app over `store` (one "node"; several may share a store). */
const davSettings = (maxResourceSize = 1024 * 1024): ProtocolSettings => ({
  hostname: 'dav.test', publicUrl: 'http://dav.test', listeners: {},
  activesync: { minHeartbeat: 60, maxHeartbeat: 3540, maxSyncSeconds: 30, windowSizeMax: 512 },
  dav: { maxResourceSize },
});
const davLog = () => pino({ level: process.env.HEARTH_LOG_LEVEL ?? 'silent' });
const LOCKOUT = { lockout: { maxFailures: 1000, windowMs: 60_000 } };

async function appOver(ctx: ProtocolContext): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: ctx.log, bodyLimit: 256 * 1024 * 1024 }) as unknown as FastifyInstance;
  await app.register(davPlugin, { ctx });
  await app.ready();
  return app;
}

export async function davApp(store: Store, opts: { maxResourceSize?: number } = {}): Promise<{ app: FastifyInstance; ctx: ProtocolContext }> {
  const { ctx } = contextOver(store, { settings: davSettings(opts.maxResourceSize), auth: LOCKOUT, log: davLog() });
  return { app: await appOver(ctx), ctx };
}

/** `database`: a HEARTH_DATABASE value (a PostgreSQL URL); a temporary SQLite store without it. */
export async function createDavHarness(opts: { maxResourceSize?: number; database?: string } = {}): Promise<DavHarness> {
  const t = await createTestContext({ settings: davSettings(opts.maxResourceSize), auth: LOCKOUT, log: davLog(), ...(opts.database ? { database: opts.database } : {}) });
  const { ctx, store } = t;
  const app = await appOver(ctx);
  return {
    app, ctx, store,
    addUser: (email, password, o = {}) => t.addUser(email, password, o),
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const a = app.server.address();
      if (!a || typeof a === 'string') throw new Error('no address');
      return `http://127.0.0.1:${a.port}`;
    },
    async close() {
      await app.close();
      await t.close();
    },
  };
}

export const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
