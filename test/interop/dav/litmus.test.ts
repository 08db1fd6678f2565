/** litmus (Debian package) against the WebDAV file space, every group it has. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing, run, serve } from './tools.js';

const skip = missing('litmus', ['--version']);
const GROUPS: Record<string, number> = { basic: 16, copymove: 13, props: 30, locks: 41, http: 4 };

test('litmus passes every group on /dav/files/USER/', { skip, timeout: 600_000 }, async () => {
  const s = await serve();
  const dir = mkdtempSync(join(tmpdir(), 'litmus-'));
  try {
    for (const [group, expected] of Object.entries(GROUPS)) {
      const { out } = await run('litmus', [`${s.url}/dav/files/${s.user}/`, s.user, s.password], { cwd: dir, env: { TESTS: group } });
      const m = /summary for `\w+': of (\d+) tests run: (\d+) passed/.exec(out);
      assert.ok(m, `${group}: no summary\n${out}`);
      assert.equal(Number(m[2]), expected, `${group}: ${m[0]}\n${out.split('\n').filter((l) => /FAIL|WARN/.test(l)).join('\n')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s.h.close();
  }
});
