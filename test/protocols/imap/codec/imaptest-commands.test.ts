// Every command the imaptest scripts expect a server to accept must parse, except the
// extensions the codec does not read yet (listed, so that adding one shows up here).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommand } from '../../../../protocols/imap/codec/parse-command.js';
import { parseScript } from '../../../interop/imaptest/script.js';
import { DEFAULT_SCRIPTS_DIR, listScripts } from '../../../interop/imaptest/runner.js';

const NOT_YET: Array<[RegExp, string]> = [
  [/^notify\b/i, 'NOTIFY (RFC 5465)'],
  [/^(genurlauth|urlfetch|resetkey)\b/i, 'URLAUTH (RFC 4467)'],
];

function commandBytes(text: string, literals: Array<{ data: Buffer; binary: boolean }> = []): Buffer {
  // Variables get plausible values: a mailbox name, "." as separator, numbers for the rest.
  const filled = text
    .replace(/\$\{?mailbox\}?/g, 'imaptest').replace(/\$\{?sep\}?/g, '.')
    .replace(/\$\$/g, '$').replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '1');
  const parts = filled.split(/\u0001(\d+)\u0001/);
  const out: Buffer[] = [Buffer.from(`t ${parts[0]}`, 'latin1')];
  for (let k = 1; k < parts.length; k += 2) {
    const literal = literals[Number(parts[k])];
    out.push(Buffer.from(`${literal.binary ? '~' : ''}{${literal.data.length}}\r\n`), literal.data, Buffer.from(parts[k + 1], 'latin1'));
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

describe('the codec reads the commands of the imaptest scripts', { skip: DEFAULT_SCRIPTS_DIR ? undefined : 'shared imaptest scripts not present' }, () => {
  it('parses every command a script expects OK for', () => {
    const failures: string[] = [];
    let parsed = 0;
    for (const name of listScripts()) {
      let script;
      try {
        script = parseScript(readFileSync(join(DEFAULT_SCRIPTS_DIR, name), 'latin1'));
      } catch {
        continue; // formats the runner skips (reported by the runner)
      }
      for (const group of script.groups) {
        for (const cmd of group.commands) {
          if (cmd.status?.word !== 'ok') continue;
          // A bare "append [mailbox [flags]]" is the runner's macro for "append the next mbox message".
          if (/^append\b/i.test(cmd.text) && !cmd.literals) continue;
          if (NOT_YET.some(([pattern]) => pattern.test(cmd.text))) continue;
          try {
            parseCommand(commandBytes(cmd.text, cmd.literals));
            parsed++;
          } catch (error) {
            failures.push(`${name}: ${cmd.text.slice(0, 80)}: ${(error as Error).message}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(parsed > 300, `only ${parsed} commands parsed`);
  });
});
