// Proves the imaptest runner against a real server: a private Dovecot must pass every script the
// runner supports, and a script with a wrong expectation must fail (so the runner can fail).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotMissing, startDovecot, type PrivateDovecot } from './dovecot.js';
import { DEFAULT_SCRIPTS_DIR, formatResults, runScript, runScripts, type RunnerOptions } from './runner.js';

const skip = dovecotMissing() ?? (DEFAULT_SCRIPTS_DIR ? undefined : 'the shared imaptest scripts are not present (HEARTH_SHARED)');

describe('imaptest runner against Dovecot', { skip }, () => {
  let dovecot: PrivateDovecot;
  let options: RunnerOptions;
  before(async () => {
    dovecot = await startDovecot();
    options = { host: '127.0.0.1', port: dovecot.port, user: (s) => `t-${s}`, password: dovecot.password };
  });
  after(async () => { await dovecot?.stop(); });

  it('Dovecot fails none of the scripts', async () => {
    const results = await runScripts(options);
    const report = formatResults(results);
    assert.deepEqual(results.filter((r) => r.result === 'fail').map((r) => `${r.script}: ${r.reason}`), [], report);
    // The runner must actually run most scripts, not skip its way to green.
    assert.ok(results.filter((r) => r.result === 'pass').length >= 65, report);
  });

  it('fails a script whose expectation the server does not meet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imaptest-neg-'));
    try {
      copyFileSync(join(DEFAULT_SCRIPTS_DIR, 'default.mbox'), join(dir, 'default.mbox'));
      writeFileSync(join(dir, 'wrong-count'), 'messages: 2\n\nok search all\n* search 1 2 3\n');
      writeFileSync(join(dir, 'wrong-status'), 'state: auth\n\nok select nonexistent-mailbox\n');
      writeFileSync(join(dir, 'banned'), 'messages: 2\n\nok fetch 1 uid\n! 1 fetch (uid $x)\n');
      for (const name of ['wrong-count', 'wrong-status', 'banned']) {
        const r = await runScript(name, { ...options, scriptsDir: dir });
        assert.equal(r.result, 'fail', `${name}: ${r.reason}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
