/** The operator's input to a migration: source URLs, the CSV batch file, and which folders go where. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSourceUrl, MigrationInputError } from '../../../../src/mail/migrate/source.js';
import { parseAccountsCsv } from '../../../../src/mail/migrate/accounts-csv.js';
import { copyable, roleOf } from '../../../../src/mail/migrate/folder-map.js';

test('source URLs: imaps and imap with default and given ports; anything else is refused', () => {
  assert.deepEqual(parseSourceUrl('imaps://Mail.Example.com'), {
    host: 'mail.example.com',
    port: 993,
    implicitTls: true,
    label: 'imaps://mail.example.com',
  });
  assert.deepEqual(parseSourceUrl('imap://mail.example.com:1143/'), {
    host: 'mail.example.com',
    port: 1143,
    implicitTls: false,
    label: 'imap://mail.example.com:1143',
  });
  assert.equal(parseSourceUrl('imaps://[::1]:9933').host, '::1');
  for (const bad of ['mail.example.com', 'http://x', 'imaps://', 'imaps://u:p@x', 'imaps://x/INBOX', 'imaps://x?a=1', 'imaps://x:99999']) {
    assert.throws(() => parseSourceUrl(bad), MigrationInputError, bad);
  }
});

test('CSV: header in any order, quoting, CRLF, blank lines, BOM; bad rows name their line', () => {
  const rows = parseAccountsCsv(
    '\uFEFFto,from,password,user\r\nann@x.test,imaps://h,"p,""w""",a\r\n\r\nbob@x.test,imap://h,"multi\nline",b\n',
  );
  assert.deepEqual(
    rows.map((r) => [r.line, r.from, r.user, r.password, r.to]),
    [
      [2, 'imaps://h', 'a', 'p,"w"', 'ann@x.test'],
      [4, 'imap://h', 'b', 'multi\nline', 'bob@x.test'],
    ],
  );
  assert.deepEqual(
    parseAccountsCsv('imaps://h,u,pw,c@x.test').map((r) => r.user),
    ['u'],
    'no header: the fixed order',
  );
  assert.throws(() => parseAccountsCsv(''), /no accounts/);
  assert.throws(() => parseAccountsCsv('from,user,password,to\n'), /no accounts/);
  assert.throws(() => parseAccountsCsv('imaps://h,u,"open'), /unterminated/);
  assert.throws(() => parseAccountsCsv('imaps://h,u,pw,c@x\nimaps://h,,pw,d@x'), /line 2: from, user and to/);
});

test('folders: INBOX and special use map to roles; \\Noselect and virtual folders are not copied', () => {
  const f = (path: string, specialUse?: string, flags: string[] = []) => ({ path, delimiter: '/', specialUse, flags: new Set(flags) });
  assert.equal(roleOf(f('inbox')), 'inbox');
  assert.equal(roleOf(f('Sent Items', '\\Sent')), 'sent');
  assert.equal(roleOf(f('Spam', '\\Junk')), 'junk');
  assert.equal(roleOf(f('Work')), null);
  assert.equal(copyable(f('[Gmail]', undefined, ['\\Noselect'])), false);
  assert.equal(copyable(f('[Gmail]/All Mail', '\\All')), false);
  assert.equal(copyable(f('[Gmail]/Starred', '\\Flagged')), false);
  assert.equal(copyable(f('Work')), true);
});
