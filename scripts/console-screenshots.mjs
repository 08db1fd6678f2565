#!/usr/bin/env node
// Screenshots of the admin console for docs/console.md: a real server with demonstration data
// and Debian's chromium (playwright-core). Writes docs/screenshots/*.png.
// Usage: npm run build && node scripts/console-screenshots.mjs
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/protocols/admin-web/screenshots.ts'], {
  stdio: 'inherit',
  env: { ...process.env, HEARTH_LOG_LEVEL: process.env.HEARTH_LOG_LEVEL ?? 'silent' },
});
process.exit(r.status ?? 1);
