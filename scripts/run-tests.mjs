#!/usr/bin/env node
// Runs every test file under test/ with node's test runner (Node 20 has no glob in --test).
// Usage: npm test [-- substring ...] to run only the files whose path contains a substring.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'bench' ? [] : walk(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = walk('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
const args = ['--import', 'tsx', '--test', '--test-reporter', process.env.TEST_REPORTER ?? 'spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, HEARTH_LOG_LEVEL: process.env.HEARTH_LOG_LEVEL ?? 'silent' } });
process.exit(result.status ?? 1);
