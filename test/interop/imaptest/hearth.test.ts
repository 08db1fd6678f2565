// The imaptest scripts against Hearth's own IMAP server (implicit TLS: Hearth refuses plaintext
// logins), one fresh account per script. Prints pass/fail per script; fails when a script outside
// KNOWN_FAILURES fails or a script outside EXPECTED_SKIPS is skipped (docs/protocols/imap.md says
// why each known one does).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCRIPTS_DIR, formatResults, listScripts, runScripts, type RunnerOptions } from './runner.js';
import { startImap, type ImapHarness } from '../../protocols/imap/harness.js';

/** Scripts Hearth is known to fail, with the reason (kept in step with docs/protocols/imap.md). */
export const KNOWN_FAILURES: Record<string, string> = {};

/**
 * Scripts Hearth is expected to skip, with the start of the runner's reason (docs/protocols/imap.md).
 * Any other script must run: a capability that stops being announced (SORT, THREAD, ESORT,
 * CONTEXT, CATENATE ...) turns its scripts into skips, and that fails here.
 */
export const EXPECTED_SKIPS: Record<string, string> = {
  notify: 'server lacks NOTIFY',
  urlauth: 'server lacks URLAUTH',
  'urlauth-binary': 'server lacks URLAUTH',
  urlauth2: 'script format not supported',
};

const PASSWORD = 'Imaptest-secret-1';
const userOf = (script: string) => `t-${script.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}@imaptest.test`;

describe('imaptest runner against Hearth', { skip: DEFAULT_SCRIPTS_DIR ? undefined : 'the shared imaptest scripts are not present (HEARTH_SHARED)' }, () => {
  let h: ImapHarness;
  let options: RunnerOptions;
  before(async () => {
    h = await startImap();
    for (const name of listScripts()) await h.t.addUser(userOf(name), PASSWORD);
    options = { host: '127.0.0.1', port: h.tlsPort, tls: true, user: userOf, password: PASSWORD };
  });
  after(async () => { await h?.close(); });

  it('fails no script outside the known failures', async () => {
    const results = await runScripts(options);
    const report = formatResults(results);
    console.log(report);
    const unexpected = results.filter((r) => r.result === 'fail' && !(r.script in KNOWN_FAILURES)).map((r) => `${r.script}: ${r.reason}`);
    assert.deepEqual(unexpected, [], report);
    const skipped = results.filter((r) => r.result === 'skip');
    assert.deepEqual(skipped.map((r) => r.script).sort(), Object.keys(EXPECTED_SKIPS).sort(), report);
    for (const r of skipped) assert.ok(r.reason?.startsWith(EXPECTED_SKIPS[r.script]), `${r.script}: ${r.reason}`);
  });
});
