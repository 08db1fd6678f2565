/** `hearth domain password-policy`, in-process: shows and sets the policy; `user add` and `user passwd` obey it with a one-line error. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fails, hearthInProcess, ok } from './helpers.js';

describe('hearth domain password-policy', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => hearthInProcess(env, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-pwpolicy-cli-'));
    env = { HEARTH_DATA_DIR: join(dir, 'data') };
    ok(await run('domain', 'add', 'pw.test'));
    ok(await run('domain', 'add', 'other.test'));
    ok(await run('user', 'add', 'old@pw.test', '--password', 'eightchr'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the default, sets flags, and user add / passwd obey it', async () => {
    assert.match(ok(await run('domain', 'password-policy', 'pw.test')), /^min-length\t8\nrequire-mixed-case\tfalse\nrequire-digit\tfalse\nrequire-symbol\tfalse\nreject-local-part\tfalse\n$/);
    const set = ok(await run('domain', 'password-policy', 'pw.test', '--min-length', '12', '--require-digit', '--require-mixed-case', '--reject-local-part'));
    assert.match(set, /^min-length\t12$/m);
    assert.match(set, /^require-digit\ttrue$/m);
    assert.match(set, /^require-mixed-case\ttrue$/m);
    assert.match(set, /^require-symbol\tfalse$/m);
    assert.match(set, /^reject-local-part\ttrue$/m);

    fails(await run('user', 'add', 'eve@pw.test', '--password', 'Short-1'), 2, /hearth: the password must have at least 12 characters/);
    fails(await run('user', 'add', 'eve@pw.test', '--password', 'Long-no-digits'), 2, /must contain a digit/);
    fails(await run('user', 'add', 'eve@pw.test', '--password', 'EVE-is-2026-here'), 2, /must not contain the user name/);
    assert.doesNotMatch(ok(await run('user', 'list', 'pw.test')), /eve@/, 'nothing created');
    ok(await run('user', 'add', 'eve@pw.test', '--password', 'Mallory-2026-ok'));
    fails(await run('user', 'passwd', 'old@pw.test', '--password', 'alllowercase-2026'), 2, /upper-case and lower-case/);
    ok(await run('user', 'passwd', 'old@pw.test', '--password', 'Better-2026-pass'));
    // Another domain keeps the default.
    ok(await run('user', 'add', 'x@other.test', '--password', 'eightchr'));

    // --no- clears a rule; out of range is a usage error that changes nothing.
    assert.match(ok(await run('domain', 'password-policy', 'pw.test', '--no-require-digit')), /^require-digit\tfalse$/m);
    fails(await run('domain', 'password-policy', 'pw.test', '--min-length', '7'), 2, /minLength: expected a whole number from 8 to 128/);
    fails(await run('domain', 'password-policy', 'pw.test', '--min-length', '200'), 2, /from 8 to 128/);
    fails(await run('domain', 'password-policy', 'nope.test'), 2, /unknown domain nope\.test/);
    assert.match(ok(await run('domain', 'password-policy', 'pw.test')), /^min-length\t12$/m);
  });
});
