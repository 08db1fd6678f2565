/**
 * Durability of 250 (DESIGN: a reply that says stored means committed): `hearth serve` in a
 * child process takes a burst of deliveries over several connections and is killed with
 * SIGKILL in the middle; every message that got 250 must be in its inbox afterwards, on SQLite
 * and PostgreSQL.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { openStore } from '../../../src/store/open.js';
import { hashPassword } from '../../../src/auth/password.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; mx: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'serve'], {
    env: { ...process.env, ...env, HEARTH_HTTP: 'off', HEARTH_HTTPS: 'off', HEARTH_SMTP: '127.0.0.1:0', HEARTH_SUBMISSION: 'off',
      HEARTH_SUBMISSIONS: 'off', HEARTH_IMAP: 'off', HEARTH_IMAPS: 'off', HEARTH_HOSTNAME: 'mx.crash.test', HEARTH_ADMIN_PASSWORD: 'Crash-admin-pw1',
      HEARTH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /SMTP \(MX\)\s+127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, mx: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err.slice(-500)}`)));
  });
}

const backends = [
  { name: 'sqlite', db: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', db: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`kill -9 during a burst (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    test('every message that got 250 is in the inbox after the crash', { skip: skip ?? false, timeout: 600_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hearth-crash-'));
      const { url, drop } = await backend.db();
      const env = { HEARTH_DATA_DIR: dataDir, ...(url ? { HEARTH_DATABASE: url } : {}) };
      try {
        // The account first, through the store as the CLI would.
        const setup = await openStore(url, dataDir);
        const d = await setup.createDomain({ name: 'crash.test' });
        await setup.createAccount({ domainId: d.id, email: 'ann@crash.test', passwordHash: await hashPassword('Crash-user-pw1') });
        await setup.close();

        const { child, mx } = await startServer(env);
        const acknowledged: string[] = [];
        let killed = false;
        const killAfter = 40;
        const sender = async (c: number) => {
          const t = nodemailer.createTransport({ host: '127.0.0.1', port: mx, secure: false, ignoreTLS: true, pool: false });
          for (let i = 0; !killed; i++) {
            const subject = `burst ${c}-${i}`;
            try {
              await t.sendMail({ from: 'x@example.net', to: 'ann@crash.test', subject, text: `message ${c} ${i}\n`.repeat(20) });
              acknowledged.push(subject);
              if (acknowledged.length >= killAfter && !killed) {
                killed = true;
                child.kill('SIGKILL');
              }
            } catch {
              return; // the server is gone: stop this connection's burst
            }
          }
        };
        const exited = new Promise((r) => child.once('exit', r));
        await Promise.all(Array.from({ length: 8 }, (_, c) => sender(c)));
        await exited;
        assert.ok(acknowledged.length >= killAfter);

        // After the crash: open the store again (as a restart does) and look.
        const store = await openStore(url, dataDir);
        try {
          const ann = (await store.getAccount('ann@crash.test'))!;
          const inbox = (await store.findFolderByRole(ann.id, 'inbox'))!;
          const stored = new Set((await store.listMessages(inbox.id)).map((m) => m.parsed.subject));
          const lost = acknowledged.filter((s) => !stored.has(s));
          assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged messages lost`);
        } finally {
          await store.close();
        }
        // And the server starts again on the same data.
        const again = await startServer(env);
        again.child.kill('SIGTERM');
        await new Promise((r) => again.child.once('exit', r));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        await drop();
      }
    });
  });
}
