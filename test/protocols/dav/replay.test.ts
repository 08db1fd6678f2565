/**
 * Replays the request sequences of real DAV clients (fixtures/dav/<client>/NNN-slug.http, in
 * name order, one fresh server per client) and checks each answer's status and key properties.
 *
 * A step file: `# directive: value` lines, then the request line, headers, a blank line and the
 * body (text/calendar and text/vcard bodies are sent with CRLF line ends).
 *   # as: user | sharee          who sends it (Basic auth; default user)
 *   # status: 207                the expected HTTP status
 *   # match: REGEX               must match the response (headers as `name: value` lines, then the body)
 *   # no-match: REGEX            must not match
 *   # capture: NAME = REGEX      group 1 of the match becomes {{NAME}} for later steps
 * `{{user}}`, `{{sharee}}` and captured names are replaced everywhere (regex-escaped in patterns;
 * `{{name|xml}}` as the value appears in XML text, e.g. an ETag captured from a header).
 * Other `#` lines are comments. meta.json names the client, its version and where the requests
 * were read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDavHarness, basic } from './harness.js';

const ROOT = join(import.meta.dirname, '../../../fixtures/dav');
const USERS = { user: 'ana@replay.test', sharee: 'ben@replay.test' } as const;
const PASSWORD = 'replay-pass-1';

interface Step {
  file: string;
  as: keyof typeof USERS;
  status: number;
  match: string[];
  noMatch: string[];
  capture: [string, string][];
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function parseStep(file: string, text: string): Step {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const step: Step = {
    file,
    as: 'user',
    status: 0,
    match: [],
    noMatch: [],
    capture: [],
    method: '',
    path: '',
    headers: {},
    body: undefined,
  };
  let i = 0;
  for (; i < lines.length && (lines[i].startsWith('#') || lines[i].trim() === ''); i++) {
    const m = /^#\s*([a-z-]+):\s?(.*)$/.exec(lines[i]);
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'as') step.as = value.trim() as Step['as'];
    else if (key === 'status') step.status = Number(value.trim());
    else if (key === 'match') step.match.push(value);
    else if (key === 'no-match') step.noMatch.push(value);
    else if (key === 'capture') {
      const c = /^(\w+)\s*=\s*(.*)$/.exec(value)!;
      step.capture.push([c[1], c[2]]);
    } else throw new Error(`${file}: unknown directive ${key}`);
  }
  const [method, path] = lines[i++].split(' ');
  for (; i < lines.length && lines[i] !== ''; i++) {
    const c = lines[i].indexOf(':');
    step.headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
  }
  const body = lines
    .slice(i + 1)
    .join('\n')
    .replace(/\n+$/, '\n');
  step.body =
    body.trim() === '' ? undefined : /text\/(calendar|vcard)/.test(step.headers['content-type'] ?? '') ? body.replace(/\n/g, '\r\n') : body;
  assert.ok(method && path && step.status, `${file}: request line and status`);
  return { ...step, method, path };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** `{{name}}`, or `{{name|xml}}` for the value as it appears escaped in an XML body. */
const fill = (s: string, vars: Record<string, string>, re = false) =>
  s.replace(/\{\{(\w+)(\|xml)?\}\}/g, (_, k: string, xml?: string) => {
    if (!(k in vars)) throw new Error(`no value for {{${k}}}`);
    const v = xml ? escapeXml(vars[k]) : vars[k];
    return re ? escapeRe(v) : v;
  });

for (const client of readdirSync(ROOT).sort()) {
  const dir = join(ROOT, client);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { client: string; version: string };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.http'))
    .sort();
  test(`replay of ${meta.client} ${meta.version}: ${files.length} requests answer as the client expects`, async (t) => {
    const h = await createDavHarness();
    try {
      await h.addUser(USERS.user, PASSWORD, { displayName: 'Ana Replay' });
      await h.addUser(USERS.sharee, PASSWORD, { displayName: 'Ben Replay' });
      const vars: Record<string, string> = { ...USERS };
      for (const file of files) {
        await t.test(file, async () => {
          const s = parseStep(file, readFileSync(join(dir, file), 'utf8'));
          const headers: Record<string, string> = { authorization: basic(USERS[s.as], PASSWORD) };
          for (const [k, v] of Object.entries(s.headers)) headers[k] = fill(v, vars);
          const r = await h.app.inject({
            method: s.method as 'GET',
            url: fill(s.path, vars),
            headers,
            payload: s.body === undefined ? undefined : fill(s.body, vars),
          });
          const seen =
            Object.entries(r.headers)
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join('\n') +
            '\n\n' +
            r.body;
          const shown = seen.length > 3000 ? seen.slice(0, 3000) + '...' : seen;
          assert.equal(r.statusCode, s.status, `${file}: status\n${shown}`);
          for (const m of s.match) assert.ok(new RegExp(fill(m, vars, true)).test(seen), `${file}: no match for ${m}\n${shown}`);
          for (const m of s.noMatch) assert.ok(!new RegExp(fill(m, vars, true)).test(seen), `${file}: unexpected match for ${m}\n${shown}`);
          for (const [name, re] of s.capture) {
            const m = new RegExp(fill(re, vars, true)).exec(seen);
            assert.ok(m?.[1], `${file}: capture ${name}\n${shown}`);
            vars[name] = m[1];
          }
        });
      }
    } finally {
      await h.close();
    }
  });
}
