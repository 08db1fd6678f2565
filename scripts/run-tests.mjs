#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (Node 20 has no glob in --test).
// Usage: npm test [-- substring ...] to run only the files whose path contains a substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'bench' ? [] : walk(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// PostgreSQL suites: decided once here, so that a machine without PostgreSQL sees one line, not
// one per test file. .ci/run sets HEARTH_REQUIRE_POSTGRES=1, and then an unreachable server fails.
const pgUrl = new URL(process.env.HEARTH_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test');
const reachable = await new Promise((resolve) => {
  const socket = connect({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432), timeout: 15_000 }); // generous: a loaded machine accepts slowly
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => { socket.destroy(); resolve(false); });
});
const env = { ...process.env, HEARTH_LOG_LEVEL: process.env.HEARTH_LOG_LEVEL ?? 'silent' };
if (!reachable) {
  if (process.env.HEARTH_REQUIRE_POSTGRES) {
    console.error(`PostgreSQL required (HEARTH_REQUIRE_POSTGRES) but not reachable at ${pgUrl.host}`);
    process.exit(1);
  }
  env.HEARTH_SKIP_POSTGRES = `PostgreSQL not reachable at ${pgUrl.host} (set HEARTH_TEST_POSTGRES)`;
  console.log(`# ${env.HEARTH_SKIP_POSTGRES}: skipping the PostgreSQL suites; the SQLite suites run.`);
}

const filters = process.argv.slice(2);
const files = walk('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
const args = ['--import', 'tsx', '--test', '--test-reporter', process.env.TEST_REPORTER ?? 'spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
