// Python's imaplib against Hearth (scripts/imaplib_story.py says what it checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startImap } from '../../protocols/imap/harness.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./scripts/imaplib_story.py', import.meta.url));

test('python imaplib: STARTTLS, UTF-8 search, partial fetch, store, copy, expunge, AUTHENTICATE', { skip: existsSync(PYTHON) ? false : 'no /usr/bin/python3' }, async (t) => {
  const h = await startImap();
  t.after(() => h.close());
  await h.t.addUser('dan@example.test', 'Dan-imap-secret-1');
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const p = spawn(PYTHON, [script, '127.0.0.1', String(h.port), String(h.tlsPort), 'dan@example.test', 'Dan-imap-secret-1']);
    let text = '';
    p.stdout.on('data', (d) => { text += d; });
    p.stderr.on('data', (d) => { text += d; });
    p.on('close', (code) => resolve({ code, text }));
  });
  assert.equal(out.code, 0, out.text);
  assert.equal(out.text.match(/^ok /gm)?.length, 17, out.text);
});
