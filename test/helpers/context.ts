/**
 * The one test-context builder (the ActiveSync and DAV harnesses and the server tests use it).
 * A ProtocolContext as `hearth serve` builds it, for tests: a real store (SQLite in a temp dir,
 * or the given HEARTH_DATABASE value), the real AuthService with a small lockout, a silent pino
 * logger, and settings from loadConfig() + protocolSettings() exactly as the server derives them.
 *
 *   const t = await createTestContext();
 *   await t.addUser('ann@example.test', 'secret-pw');
 *   const app = await buildServer(t.ctx);
 *   ...
 *   await t.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { AuthService, type AuthOptions } from '../../src/auth/auth-service.js';
import { hashPassword } from '../../src/auth/password.js';
import { loadConfig, protocolSettings, type Config } from '../../src/server/config.js';
import type { ProtocolContext, ProtocolSettings } from '../../src/model/context.js';
import type { Account, AccountKind, Domain } from '../../src/model/types.js';

export interface TestContextOptions {
  /** A HEARTH_DATABASE value (`sqlite:PATH`, `postgres://...`); default: SQLite in a temp dir. */
  database?: string;
  /** Extra environment for loadConfig (HEARTH_HOSTNAME ...). The real process.env is not read. */
  env?: NodeJS.ProcessEnv;
  /** Lockout and credential cache (default: 3 failures per 60 s, 60 s cache). */
  auth?: Partial<AuthOptions>;
  /** A logger to use instead of a silent one (to capture log output). */
  log?: Logger;
  /** The context's clock (default Date.now). */
  now?: () => number;
  /** Protocol settings to use instead of those derived from the configuration. */
  settings?: ProtocolSettings;
}

export interface UserOptions {
  displayName?: string;
  quotaBytes?: number | null;
  isServerAdmin?: boolean;
  /** Administrator of the user's own domain. */
  domainAdmin?: boolean;
  disabled?: boolean;
  /** 'user' unless given (groups and resources log in with no password: pass ''). */
  kind?: AccountKind;
}

export interface TestContext {
  ctx: ProtocolContext;
  store: Store;
  auth: AuthService;
  config: Config;
  /** The temp data directory (removed by close()). */
  dataDir: string;
  /** The domain, created on first use. */
  domain(name: string): Promise<Domain>;
  /** Creates the account (and its domain if needed) with a real scrypt hash of the password. */
  addUser(email: string, password: string, opts?: UserOptions): Promise<Account>;
  close(): Promise<void>;
}

export const TEST_LOCKOUT = { maxFailures: 3, windowMs: 60_000 };

export async function createTestContext(opts: TestContextOptions = {}): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-ctx-'));
  const config = loadConfig({
    HEARTH_DATA_DIR: dataDir,
    HEARTH_HOSTNAME: 'mail.example.test',
    ...(opts.database ? { HEARTH_DATABASE: opts.database } : {}),
    ...opts.env,
  });
  const store = await openStore(config.database, config.dataDir);
  const { ctx, auth } = contextOver(store, { ...opts, settings: opts.settings ?? protocolSettings(config) });
  const domain = async (name: string) => (await store.getDomain(name)) ?? store.createDomain({ name });
  let closed = false;
  return {
    ctx, store, auth, config, dataDir, domain,
    async addUser(email, password, o = {}) {
      const d = await domain(email.split('@')[1]);
      let a = await store.createAccount({
        domainId: d.id, email, kind: o.kind, passwordHash: password ? await hashPassword(password) : null, displayName: o.displayName ?? null,
        ...(o.quotaBytes !== undefined ? { quotaBytes: o.quotaBytes } : {}),
        isServerAdmin: !!o.isServerAdmin, adminDomains: o.domainAdmin ? [d.id] : [],
      });
      if (o.disabled) a = await store.updateAccount(a.id, { disabled: true });
      return a;
    },
    async close() {
      if (closed) return;
      closed = true;
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A ProtocolContext over a store the caller opened (several app instances over one PostgreSQL
 * database act as nodes): the real AuthService, a silent logger unless given, the given settings.
 */
export function contextOver(store: Store, opts: Omit<TestContextOptions, 'database' | 'env' | 'settings'> & { settings: ProtocolSettings }): { ctx: ProtocolContext; auth: AuthService } {
  const now = opts.now ?? Date.now;
  const auth = new AuthService(store, {
    lockout: opts.auth?.lockout ?? TEST_LOCKOUT,
    cacheTtlMs: opts.auth?.cacheTtlMs ?? 60_000,
    now: opts.auth?.now ?? now,
  });
  const log = opts.log ?? pino({ level: 'silent' });
  return { ctx: { store, auth, log, settings: opts.settings, now }, auth };
}
