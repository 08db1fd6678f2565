/**
 * `hearth migrate imap` (CONTRACT.md) through the same main() the binary runs, against a private
 * Dovecot: one account with a summary on stdout and progress on stderr, the CSV batch form, and
 * bad input (bad URL, missing options, unreachable host, wrong password, untrusted certificate,
 * bad CSV): one clear line, exit 2 for usage mistakes and 1 for the rest, no stack trace.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fails, hearthInProcess, ok, startHearth } from './helpers.js';
import { dovecotMissing } from '../../helpers/dovecot.js';
import { startSourceMailbox } from '../mail/migrate/source-mailbox.js';

describe('hearth migrate imap', async () => {
  const skip = dovecotMissing() ?? false;
  let dir: string;
  let env: Record<string, string>;
  let source: Awaited<ReturnType<typeof startSourceMailbox>>;
  const run = (...args: string[]) => hearthInProcess(env, ...args);
  const from = () => `imaps://127.0.0.1:${source.dovecot.tlsPort}`;

  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'hearth-migrate-'));
    env = { HEARTH_DATA_DIR: join(dir, 'data') };
    source = await startSourceMailbox(['src', 'src2']);
    ok(await run('domain', 'add', 'example.test'));
    for (const u of ['ann', 'bob', 'cat', 'dee']) ok(await run('user', 'add', `${u}@example.test`, '--password', 'Long-enough-pw-1'));
  });
  after(async () => {
    if (!skip) {
      await source.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('one account: summary on stdout, progress lines on stderr, the folders in hearth mailbox list', { skip }, async () => {
    const r = await run(
      'migrate',
      'imap',
      '--from',
      from(),
      '--user',
      'src',
      '--password',
      source.dovecot.password,
      '--to',
      'ann@example.test',
      '--insecure',
    );
    assert.equal(r.code, 0, r.stderr);
    const total = source.messages.get('src')!.length;
    assert.match(r.stdout, new RegExp(`^ann@example.test: folders 8, messages ${total}, bytes \\d+, skipped 0, errors 0\\n$`));
    assert.match(r.stderr, /^migrate: 0% /m);
    assert.match(r.stderr, /^migrate: 100% /m);
    assert.match(r.stderr, /^migrate: folder Work\.Projects$/m);
    const list = ok(await run('mailbox', 'list', 'ann@example.test'));
    assert.match(list, /^INBOX\t-\t23\t/m);
    assert.match(list, /^Sent\t\\Sent\t3\t/m);
    assert.match(list, /^Work\/Projects\t-\t4\t/m);
  });

  test('a real process killed (SIGKILL) during the run: the rerun completes with every message once', { skip }, async () => {
    const child = startHearth(
      dir,
      env,
      'migrate',
      'imap',
      '--from',
      from(),
      '--user',
      'src',
      '--password',
      source.dovecot.password,
      '--to',
      'dee@example.test',
      '--insecure',
    );
    // Kill it as soon as it reports its first folder: wherever it is then, nothing may be lost or doubled.
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/folder /.test(err)) child.kill('SIGKILL');
      });
      child.once('exit', () => resolve());
    });
    const r = await run(
      'migrate',
      'imap',
      '--from',
      from(),
      '--user',
      'src',
      '--password',
      source.dovecot.password,
      '--to',
      'dee@example.test',
      '--insecure',
    );
    assert.equal(r.code, 0, r.stderr);
    const list = ok(await run('mailbox', 'list', 'dee@example.test'));
    const counts = Object.fromEntries(
      list
        .trim()
        .split('\n')
        .map((l) => [l.split('\t')[0], Number(l.split('\t')[2])]),
    );
    assert.deepEqual(counts, { INBOX: 23, Archive: 1, Drafts: 1, Junk: 2, Outbox: 0, Sent: 3, Trash: 1, Work: 1, 'Work/Projects': 4 });
    const ids = ok(await run('mailbox', 'messages', 'dee@example.test'))
      .trim()
      .split('\n');
    assert.equal(new Set(ids.map((l) => l.split('\t').slice(2).join('\t'))).size, 23, 'no two INBOX messages alike');
  });

  test('CSV batch: the good rows are migrated, a bad one is one line on stderr and exit 1', { skip }, async () => {
    const csv = join(dir, 'accounts.csv');
    writeFileSync(
      csv,
      [
        'from,user,password,to',
        `${from()},src2,"${source.dovecot.password}",bob@example.test`,
        `${from()},src2,"wrong, ""quoted"" password",cat@example.test`,
        '',
      ].join('\r\n'),
    );
    const r = await run('migrate', 'imap', '--csv', csv, '--insecure');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^bob@example.test: folders 8, messages \d+, /m);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('hearth: '));
    assert.equal(errors.length, 2, r.stderr);
    assert.match(errors[0], /accounts\.csv line 3 \(cat@example\.test\): .*refused the login of src2/);
    assert.match(errors[1], /1 of 2 accounts failed/);
    assert.ok(!/^\s+at /m.test(r.stderr));
  });

  test('bad input: one line, exit 2 for usage, 1 for the source, no stack trace', { skip }, async () => {
    const base = ['migrate', 'imap', '--user', 'src', '--password', 'x', '--to', 'ann@example.test'];
    fails(await run(...base, '--from', 'not a url'), 2, /--from: not a URL/);
    fails(await run(...base, '--from', 'pop3://127.0.0.1'), 2, /unsupported scheme 'pop3'/);
    fails(await run(...base, '--from', 'imaps://user:pw@127.0.0.1'), 2, /not in the URL/);
    fails(await run('migrate', 'imap', '--from', from()), 2, /missing --user, --password, --to/);
    const missingCsv = join(dir, 'none.csv');
    fails(await run('migrate', 'imap', '--csv', missingCsv), 2, /cannot read .*ENOENT/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'from,user,password,to\nimaps://h,u\n');
    fails(await run('migrate', 'imap', '--csv', bad), 2, /line 2: expected 4 columns/);
    // A port nobody listens on.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    fails(
      await run(...base, '--from', `imaps://127.0.0.1:${closedPort}`),
      1,
      /cannot connect to imaps:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
    );
    fails(await run(...base, '--from', from(), '--insecure'), 1, /refused the login of src \(wrong user or password\)/);
    fails(
      await run('migrate', 'imap', '--from', from(), '--user', 'src', '--password', source.dovecot.password, '--to', 'ann@example.test'),
      1,
      /certificate .* not trusted .*--insecure/,
    );
    fails(
      await run(
        'migrate',
        'imap',
        '--from',
        from(),
        '--user',
        'src',
        '--password',
        source.dovecot.password,
        '--to',
        'nobody@example.test',
        '--insecure',
      ),
      1,
      /no such user: nobody@example\.test/,
    );
  });
});
