// Python's imaplib issuing SORT and THREAD over the wire (scripts/imaplib_sort_thread.py says what it checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startImap } from '../../protocols/imap/harness.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./scripts/imaplib_sort_thread.py', import.meta.url));

test('python imaplib: SORT, SORT=DISPLAY, ESORT, THREAD REFERENCES/ORDEREDSUBJECT, UID forms, BAD', { skip: existsSync(PYTHON) ? false : 'no /usr/bin/python3' }, async (t) => {
  const h = await startImap();
  t.after(() => h.close());
  await h.t.addUser('sorty@example.test', 'Sorty-imap-secret-1');
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const p = spawn(PYTHON, [script, '127.0.0.1', String(h.tlsPort), 'sorty@example.test', 'Sorty-imap-secret-1']);
    let text = '';
    p.stdout.on('data', (d) => { text += d; });
    p.stderr.on('data', (d) => { text += d; });
    p.on('close', (code) => resolve({ code, text }));
  });
  assert.equal(out.code, 0, out.text);
  assert.equal(out.text.match(/^ok /gm)?.length, 20, out.text);
});
