/**
 * Issue 8.4: a password changed, an account disabled or a login locked by ANOTHER process (the
 * `hearth` CLI) ends cached logins of the serving process on its very next request, on both
 * backends. The CLI is spawned for real against the store this process keeps open.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { hashPassword } from '../../../src/auth/password.js';
import { buildServer } from '../../../src/server/app.js';
import { createTestContext } from '../../helpers/context.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';
import { execFile } from 'node:child_process';
import { cleanEnv, HEARTH, ok, type Result } from '../cli/helpers.js';

/**
 * `hearth ARGS` from source as its own process. One spawn at a time and a generous cap: on a
 * loaded 2-core machine a Node + tsx start can take many seconds (issue 9.7).
 */
function hearth(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(HEARTH[0], [...HEARTH.slice(1), ...args], { cwd, env: cleanEnv(env), timeout: 180_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

interface Backend { name: string; skip: string | null; open(): Promise<{ store: Store; env: Record<string, string>; dispose(): Promise<void> }> }

const BACKENDS: Backend[] = [
  {
    name: 'sqlite', skip: null,
    async open() {
      const data = mkdtempSync(join(tmpdir(), 'hearth-revoke-'));
      const store = await openStore(undefined, data);
      return { store, env: { HEARTH_DATA_DIR: data }, async dispose() { await store.close(); rmSync(data, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres', skip: await postgresSkipReason(),
    async open() {
      const db = await freshPostgresUrl();
      const store = await openStore(db.url, '/nonexistent');
      return { store, env: { HEARTH_DATABASE: db.url }, async dispose() { await store.close(); await db.drop(); } };
    },
  },
];

for (const backend of BACKENDS) {
  // Serially: each spawn is a whole Node process on a shared machine.
  describe(`revocation from another process (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let store: Store;
    let env: Record<string, string>;
    let dispose: () => Promise<void>;
    let cwd: string;
    // A long cache ttl: what is tested is that a hit is refused, not that the entry expired.
    const service = () => new AuthService(store, { lockout: { maxFailures: 3, windowMs: 15 * 60_000 }, cacheTtlMs: 3_600_000 });

    before(async () => {
      ({ store, env, dispose } = await backend.open());
      cwd = mkdtempSync(join(tmpdir(), 'hearth-revoke-cwd-'));
      const d = await store.createDomain({ name: 'revoke.example' });
      const hash = await hashPassword('old-password-1');
      for (const u of ['pat', 'dan']) await store.createAccount({ domainId: d.id, email: `${u}@revoke.example`, passwordHash: hash });
    });
    after(async () => { await dispose?.(); rmSync(cwd, { recursive: true, force: true }); });

    it('refuses the old password right after `hearth user passwd` and accepts the new one', async () => {
      const auth = service();
      assert.ok((await auth.verify('pat@revoke.example', 'old-password-1', '192.0.2.1')).ok);
      assert.ok((await auth.verify('pat@revoke.example', 'old-password-1', '192.0.2.1')).ok, 'served from the cache');
      ok(await hearth(cwd, env, 'user', 'passwd', 'pat@revoke.example', '--password', 'new-password-2'));
      assert.deepEqual(await auth.verify('pat@revoke.example', 'old-password-1', '192.0.2.1'), { ok: false, reason: 'invalid' });
      assert.ok((await auth.verify('pat@revoke.example', 'new-password-2', '192.0.2.1')).ok);
    });

    it('over the wire: DAV refuses the old password right after `hearth user passwd` (no cache expiry needed)', async () => {
      const t = await createTestContext(backend.name === 'postgres' ? { database: env.HEARTH_DATABASE } : { env: { HEARTH_DATA_DIR: env.HEARTH_DATA_DIR } });
      const app = await buildServer(t.ctx);
      try {
        await t.addUser('wire@wire.example', 'old-password-1');
        const propfind = (pw: string) => app.inject({
          method: 'PROPFIND' as 'GET', url: '/dav/', headers: { depth: '0', authorization: `Basic ${Buffer.from(`wire@wire.example:${pw}`).toString('base64')}` },
        });
        assert.equal((await propfind('old-password-1')).statusCode, 207);
        assert.equal((await propfind('old-password-1')).statusCode, 207, 'served from the cache');
        ok(await hearth(cwd, env, 'user', 'passwd', 'wire@wire.example', '--password', 'new-password-2'));
        assert.equal((await propfind('old-password-1')).statusCode, 401);
        assert.equal((await propfind('new-password-2')).statusCode, 207);
      } finally {
        await app.close();
        await t.close();
      }
    });

    // Hearth has no `user disable` command yet: the write comes through the store, as the admin
    // API on another node would make it; the serving side reads the state on every hit.
    it('refuses a cached login once the account is disabled, and once the login is locked', async () => {
      const auth = service();
      assert.ok((await auth.verify('dan@revoke.example', 'old-password-1', '192.0.2.2')).ok);
      const dan = await store.getAccount('dan@revoke.example');
      await store.updateAccount(dan!.id, { disabled: true });
      assert.deepEqual(await auth.verify('dan@revoke.example', 'old-password-1', '192.0.2.2'), { ok: false, reason: 'disabled' });
      await store.updateAccount(dan!.id, { disabled: false });
      assert.ok((await auth.verify('dan@revoke.example', 'old-password-1', '192.0.2.2')).ok);
      for (let i = 0; i < 3; i++) await store.recordLoginFailure('dan@revoke.example', '192.0.2.2', Date.now());
      assert.equal((await auth.verify('dan@revoke.example', 'old-password-1', '192.0.2.2')).ok, false);
    });
  });
}
