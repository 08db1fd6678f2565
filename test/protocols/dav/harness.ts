/**
 * A DAV server for tests: the plugin on its own fastify instance over a temporary SQLite store
 * (the real SQLite backend, as everywhere else), real password checks via AuthService.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ProtocolContext } from '../../../src/model/context.js';
import type { Account } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { openStore } from '../../../src/store/open.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { davPlugin } from '../../../protocols/dav/plugin.js';

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
export async function davApp(store: Store, opts: { maxResourceSize?: number } = {}): Promise<{ app: FastifyInstance; ctx: ProtocolContext }> {
  const log = pino({ level: process.env.HEARTH_LOG_LEVEL ?? 'silent' });
  const auth = new AuthService(store, { lockout: { maxFailures: 1000, windowMs: 60_000 }, cacheTtlMs: 60_000 });
  const ctx: ProtocolContext = {
    store, auth, log, now: () => Date.now(),
    settings: {
      hostname: 'dav.test', publicUrl: 'http://dav.test', listeners: {},
      activesync: { minHeartbeat: 60, maxHeartbeat: 3540, maxSyncSeconds: 30, windowSizeMax: 512 },
      dav: { maxResourceSize: opts.maxResourceSize ?? 1024 * 1024 },
    },
  };
  const app = Fastify({ loggerInstance: log, bodyLimit: 256 * 1024 * 1024 }) as unknown as FastifyInstance;
  await app.register(davPlugin, { ctx });
  await app.ready();
  return { app, ctx };
}

export async function createDavHarness(opts: { maxResourceSize?: number } = {}): Promise<DavHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-dav-'));
  const store = await openStore(undefined, dir);
  const { app, ctx } = await davApp(store, opts);
  const domains = new Map<string, number>();
  return {
    app, ctx, store,
    async addUser(email, password, o = {}) {
      const dom = email.split('@')[1];
      let domainId = domains.get(dom);
      if (domainId === undefined) {
        domainId = (await store.getDomain(dom))?.id ?? (await store.createDomain({ name: dom })).id;
        domains.set(dom, domainId);
      }
      return store.createAccount({ domainId, email, kind: o.kind, displayName: o.displayName, quotaBytes: o.quotaBytes,
        passwordHash: password ? await ctx.auth.hashPassword(password) : null });
    },
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const a = app.server.address();
      if (!a || typeof a === 'string') throw new Error('no address');
      return `http://127.0.0.1:${a.port}`;
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
