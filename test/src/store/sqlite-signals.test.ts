import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { ChangeEvent } from '../../../src/model/types.js';

// On SQLite the serving process and the CLI are two processes on one database: a signal the CLI
// sends (a wipe request) must reach the server's subscribers. Two connections stand for the two.
test('a signal from another connection to the SQLite database reaches this one within seconds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-signals-'));
  const server = await openStore(undefined, dir);
  const cli = await openStore(undefined, dir);
  try {
    const d = await server.createDomain({ name: 'sig.example' });
    const a = await server.createAccount({ domainId: d.id, email: 'a@sig.example' });
    const got: ChangeEvent[] = [];
    const off = server.subscribe(a.id, (e) => got.push(e));
    await server.signal(a.id, 'own');
    await cli.signal(a.id, 'device:wipe:PHONE1');
    const end = Date.now() + 60_000;
    while (!got.some((e) => e.signal === 'device:wipe:PHONE1') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got.map((e) => e.signal), ['own', 'device:wipe:PHONE1'], 'own signal once (in-process), the other process\'s once (polled)');
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(got.length, 2, 'nothing is delivered twice');
    off();
  } finally {
    await cli.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
