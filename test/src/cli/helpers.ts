import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main.js';

const RUN = fileURLToPath(new URL('../../../src/cli/run.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** `hearth` from source: the same main() bin/hearth.js runs from dist/. */
export const HEARTH = [process.execPath, '--import', TSX, RUN] as const;

export interface Result { code: number; stdout: string; stderr: string }

/** The environment without any HEARTH_* of the caller, plus `env`. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEARTH_')));
  return { ...base, HEARTH_HOSTNAME: 'mail.example.test', USER: 'tester', ...env };
}

/**
 * Runs `hearth ARGS` in this process: the same main() as the binary, with the given environment
 * and its output captured. No process to start, so nothing here depends on how busy the machine is.
 */
export async function hearthInProcess(env: Record<string, string>, ...args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (s) => { stdout += s; }, err: (s) => { stderr += s; }, env: cleanEnv(env) });
  return { code, stdout, stderr };
}

/**
 * Runs `hearth ARGS` as a real process in `cwd` (a temp dir, so no hearth.json is picked up) and
 * resolves on exit. Starting Node with tsx takes seconds on a loaded machine: run these one at a
 * time, and keep them few (the in-process runner covers the commands).
 */
export function hearth(cwd: string, env: Record<string, string>, ...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(HEARTH[0], [...HEARTH.slice(1), ...args], { cwd, env: cleanEnv(env), timeout: 120_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

export function startHearth(cwd: string, env: Record<string, string>, ...args: string[]): ChildProcess {
  return spawn(HEARTH[0], [...HEARTH.slice(1), ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A successful command: exit 0, nothing on stderr. */
export function ok(r: Result): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** A failed command (CONTRACT.md): the given status and exactly one line on stderr, no stack trace. */
export function fails(r: Result, code: number, pattern: RegExp): string {
  assert.equal(r.code, code, `exit ${r.code} (want ${code}); stderr: ${r.stderr}; stdout: ${r.stdout}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line on stderr, got: ${JSON.stringify(r.stderr)}`);
  assert.ok(!/^\s+at /m.test(r.stderr) && !r.stderr.includes('node:internal'), `no stack trace: ${r.stderr}`);
  assert.match(lines[0], /^hearth: /);
  assert.match(lines[0], pattern);
  return lines[0];
}
