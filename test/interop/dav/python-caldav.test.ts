/** python3-caldav (Debian) against a listening Hearth: see scripts/caldav_client.py for the steps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { pythonCaldavMissing, run, serve } from './tools.js';

const script = fileURLToPath(new URL('./scripts/caldav_client.py', import.meta.url));

test('python3-caldav: discovery, calendars, events, todos, recurrence search, sync', { skip: pythonCaldavMissing(), timeout: 600_000 }, async () => {
  const s = await serve();
  try {
    const { code, out } = await run('/usr/bin/python3', [script, s.url, s.user, s.password]);
    assert.equal(code, 0, out);
    assert.match(out, /^done$/m);
  } finally {
    await s.h.close();
  }
});
