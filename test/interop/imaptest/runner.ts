// Runs Dovecot imaptest scripted tests (../shared/imaptest/scripts) against an IMAP server at
// host:port and reports pass, fail or skip per script. Our own implementation of the format
// (the imaptest program is not used). CLI:
//   node --import tsx test/interop/imaptest/runner.ts HOST PORT [script ...]
// with IMAPTEST_USER (a "%s" is replaced by the script name) and IMAPTEST_PASSWORD.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '../../helpers/shared.js';
import { ImapConnection } from './connection.js';
import { matchReply, substitute, type Bindings } from './match.js';
import { parseScript, splitMbox, type Script, type ScriptGroup } from './script.js';

/** The scripts from the project's shared folder (test/helpers/shared.ts), or '' when absent. */
export const DEFAULT_SCRIPTS_DIR = sharedPath('imaptest', 'scripts') ?? '';

export interface RunnerOptions {
  host: string;
  port: number;
  /** The login for a script; a fresh account per script keeps scripts independent. */
  user: (script: string) => string;
  password: string;
  scriptsDir?: string;
  /** Connect with implicit TLS. */
  tls?: boolean;
}

export interface ScriptResult {
  script: string;
  result: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped. */
  reason?: string;
  checks: number;
}

/** Features of the format this runner does not implement: such scripts are skipped, not failed. */
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^idle\b/i, 'IDLE/DONE sequences'],
];

export function listScripts(dir = DEFAULT_SCRIPTS_DIR): string[] {
  return readdirSync(dir).filter((n) => !n.endsWith('.mbox') && statSync(join(dir, n)).isFile()).sort();
}

class Failure extends Error {}

async function login(c: ImapConnection, user: string, password: string, tag: string): Promise<void> {
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (m) => '\\' + m)}"`;
  const r = await c.command(tag, `LOGIN ${quote(user)} ${quote(password)}`);
  if (r.word !== 'ok') throw new Failure(`login failed: ${r.word} ${r.text}`);
}

async function capabilities(c: ImapConnection): Promise<Set<string>> {
  c.untagged.length = 0;
  await c.command('cap', 'CAPABILITY');
  const line = c.untagged.find((l) => /^capability /i.test(l)) ?? '';
  c.untagged.length = 0;
  return new Set(line.split(' ').slice(1).map((x) => x.toUpperCase()));
}

function checkGroup(group: ScriptGroup, conns: ImapConnection[], replies: Map<number, string[]>, tags: string[], b: Bindings): number {
  let checks = 0;
  group.commands.forEach((cmd, i) => {
    const got = conns[cmd.conn - 1].tagged.get(tags[i])!;
    checks++;
    if (cmd.status!.word === 'any') return;
    if (got.word !== cmd.status!.word) throw new Failure(`line ${group.lineNo}: "${cmd.text}" answered ${got.word.toUpperCase()} ${got.text}, expected ${cmd.status!.word}`);
    const expText = substitute(cmd.status!.text, b).trim();
    if (expText && !matchReply(`ok ${expText}`, `ok ${got.text}`, b)) {
      throw new Failure(`line ${group.lineNo}: "${cmd.text}" answered ${got.word} ${got.text}, expected ${cmd.status!.word} ${expText}`);
    }
  });
  const consumed = new Set<string>();
  for (const exp of group.expected) {
    checks++;
    const lines = replies.get(exp.conn) ?? [];
    const line = substitute(exp.line, b);
    // Prefer a reply not yet matched by another expectation, then any reply.
    const order = [...lines.keys()].sort((x, y) => Number(consumed.has(`${exp.conn}:${x}`)) - Number(consumed.has(`${exp.conn}:${y}`)));
    const hit = order.find((k) => matchReply(line, lines[k], b));
    if (hit === undefined) {
      throw new Failure(`line ${group.lineNo}: expected "* ${line}" on session ${exp.conn}; got ${JSON.stringify(lines.map((l) => l.replace(/\u0000\d+\u0000/g, '')))}`);
    }
    consumed.add(`${exp.conn}:${hit}`);
  }
  for (const ban of group.banned) {
    checks++;
    const line = substitute(ban.line, b);
    const hit = (replies.get(ban.conn) ?? []).find((l) => matchReply(line, l, new Map(b)));
    if (hit !== undefined) throw new Failure(`line ${group.lineNo}: forbidden reply "* ${hit}" matched "! ${line}"`);
  }
  return checks;
}

export async function runScript(name: string, options: RunnerOptions): Promise<ScriptResult> {
  const dir = options.scriptsDir ?? DEFAULT_SCRIPTS_DIR;
  const source = readFileSync(join(dir, name), 'latin1');
  let script: Script;
  try {
    script = parseScript(source);
  } catch (error) {
    return { script: name, result: 'skip', reason: `script format not supported: ${(error as Error).message}`, checks: 0 };
  }
  for (const [pattern, what] of UNSUPPORTED) {
    if (script.groups.some((g) => g.commands.some((c) => pattern.test(c.text)))) return { script: name, result: 'skip', reason: `runner does not support ${what}`, checks: 0 };
  }
  const { header } = script;
  const conns: ImapConnection[] = [];
  // $mailbox_url is the mailbox as an IMAP URL path segment (RFC 5092), for CATENATE and URLAUTH.
  const b: Bindings = new Map([['mailbox', 'imaptest'], ['mailbox_url', 'imaptest'], ['user', options.user(name)], ['username', options.user(name)]]);
  let checks = 0;
  const mboxName = existsSync(join(dir, `${name}.mbox`)) ? `${name}.mbox` : 'default.mbox';
  const mbox = splitMbox(readFileSync(join(dir, mboxName), 'utf8'));
  let nextMessage = 0;
  try {
    for (let i = 0; i < header.connections; i++) conns.push(await ImapConnection.open(options.host, options.port, options.tls));
    if (header.state !== 'nonauth') for (const c of conns) await login(c, options.user(name), options.password, 'login');
    const caps = await capabilities(conns[0]);
    const missing = header.capabilities.filter((cap) => !caps.has(cap));
    if (missing.length > 0) return { script: name, result: 'skip', reason: `server lacks ${missing.join(' ')}`, checks: 0 };

    // Set-up (imaptest's "state"): the test mailbox, its messages, then SELECT on every session.
    if (header.state === 'created' || header.state === 'selected') {
      await conns[0].command('del', 'DELETE imaptest');
      const r = await conns[0].command('mk', 'CREATE imaptest');
      if (r.word !== 'ok') throw new Failure(`cannot create the test mailbox: ${r.text}`);
      // "messages: N" takes N messages, cycling through the mbox when it has fewer.
      const count = header.messages === 'all' ? mbox.length : header.messages;
      const messages = Array.from({ length: count }, (_, i) => mbox[i % mbox.length]);
      nextMessage = messages.length;
      for (const [i, { message, date }] of messages.entries()) {
        await conns[0].sendWithLiteral(`ap${i} APPEND imaptest${date ? ` "${date}"` : ''}`, message);
        await conns[0].until(() => conns[0].tagged.has(`ap${i}`), 'APPEND reply');
        if (conns[0].tagged.get(`ap${i}`)!.word !== 'ok') throw new Failure(`APPEND of message ${i + 1} failed`);
      }
      if (header.state === 'selected') {
        for (const c of conns) {
          const s = await c.command('sel', 'SELECT imaptest');
          if (s.word !== 'ok') throw new Failure(`SELECT failed: ${s.text}`);
        }
      }
      for (const c of conns) c.untagged.length = 0;
    }

    let n = 0;
    for (const group of script.groups) {
      // Numeric variables ($1 in "* $1 expunge") name sequence numbers of this command only.
      for (const k of [...b.keys()]) if (/^\d+$/.test(k)) b.delete(k);
      const tags = group.commands.map((cmd) => cmd.tag ?? `t${++n}`);
      // $tag is the tag of the command being checked (ESEARCH's "(TAG ...)").
      b.set('tag', tags[tags.length - 1]);
      for (const [i, cmd] of group.commands.entries()) {
        const c = conns[cmd.conn - 1];
        c.tagged.delete(tags[i]);
        const text = substitute(cmd.text, b, true);
        // "append [mailbox [flags] [date]]": imaptest appends the next message of the mbox.
        if (cmd.literals) {
          await c.sendWithLiterals(tags[i], text, cmd.literals);
        } else if (/^append(\s|$)/i.test(text) && !/[{}]/.test(text)) {
          const { message, date } = mbox[nextMessage++ % mbox.length];
          const args = text.slice(6).trim();
          // Without a date argument the message gets its mbox "From " line date, as imaptest does.
          const withDate = args && /"\d/.test(args) ? args : `${args || b.get('mailbox')}${date ? ` "${date}"` : ''}`;
          await c.sendWithLiteral(`${tags[i]} APPEND ${withDate}`, message);
        } else {
          c.write(`${tags[i]} ${text}\r\n`);
        }
      }
      for (const [i, cmd] of group.commands.entries()) {
        await conns[cmd.conn - 1].until(() => conns[cmd.conn - 1].tagged.has(tags[i]), `reply to line ${group.lineNo}`);
      }
      const replies = new Map<number, string[]>();
      const involved = new Set([...group.commands.map((c) => c.conn), ...group.expected.map((e) => e.conn)]);
      for (const conn of involved) replies.set(conn, conns[conn - 1].untagged.splice(0));
      checks += checkGroup(group, conns, replies, tags, b);
    }
    return { script: name, result: 'pass', checks };
  } catch (error) {
    const reason = error instanceof Failure ? error.message : `error: ${(error as Error).message}`;
    return { script: name, result: 'fail', reason, checks };
  } finally {
    for (const c of conns) c.close();
  }
}

export async function runScripts(options: RunnerOptions, names = listScripts(options.scriptsDir)): Promise<ScriptResult[]> {
  const results: ScriptResult[] = [];
  for (const name of names) results.push(await runScript(name, options));
  return results;
}

export function formatResults(results: ScriptResult[]): string {
  const lines = results.map((r) => `${r.result.padEnd(4)} ${r.script}${r.reason ? ` — ${r.reason}` : ''}`);
  const count = (k: string) => results.filter((r) => r.result === k).length;
  lines.push(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [host, port, ...names] = process.argv.slice(2);
  const user = process.env.IMAPTEST_USER ?? 'imaptest-%s';
  const results = await runScripts(
    { host, port: Number(port), user: (s) => user.replace('%s', s), password: process.env.IMAPTEST_PASSWORD ?? 'pass', tls: process.env.IMAPTEST_TLS === '1' },
    names.length > 0 ? names : undefined,
  );
  console.log(formatResults(results));
  process.exitCode = results.some((r) => r.result === 'fail') ? 1 : 0;
}
