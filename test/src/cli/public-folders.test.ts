import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hearthInProcess, ok, fails, type Result } from './helpers.js';
import { openStore } from '../../../src/store/open.js';
import { folderAccess } from '../../../src/auth/folder-access.js';

// `hearth public-folder ...` (docs/operations.md), in-process on a SQLite data dir.
describe('hearth public-folder', () => {
  let dir: string;
  const run = (...args: string[]): Promise<Result> => hearthInProcess({ HEARTH_DATA_DIR: dir }, ...args);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-public-folders-cli-'));
    ok(await run('domain', 'add', 'pf.test'));
    ok(await run('domain', 'add', 'other.test'));
    ok(await run('user', 'add', 'ann@pf.test', '--password', 'a-long-password-1'));
    ok(await run('user', 'add', 'eve@other.test', '--password', 'a-long-password-1'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('add, list, set (rename, move, access), grant, remove; the access users get follows', async () => {
    assert.equal(ok(await run('public-folder', 'list', 'pf.test')), '');
    assert.equal(ok(await run('public-folder', 'add', 'pf.test', 'Sales', '--kind', 'mail')), 'added public folder Sales (mail, default read) in pf.test\n');
    assert.equal(
      ok(await run('public-folder', 'add', 'PF.test', 'sales/Holidays', '--kind', 'calendar', '--access', 'write')),
      'added public folder Sales/Holidays (calendar, default write) in pf.test\n',
    );
    ok(await run('public-folder', 'add', 'pf.test', 'Board', '--kind', 'contacts', '--access', 'none'));
    assert.equal(ok(await run('public-folder', 'grant', 'pf.test', 'Board', 'ANN@pf.test', 'write')), 'ann@pf.test may write Board\n');
    assert.equal(
      ok(await run('public-folder', 'list', 'pf.test')),
      ['Board\tcontacts\tdefault none\tann@pf.test=write', 'Sales\tmail\tdefault read\t-', 'Sales/Holidays\tcalendar\tdefault write\t-', ''].join('\n'),
    );
    assert.equal(
      ok(await run('public-folder', 'set', 'pf.test', 'Sales/Holidays', '--name', 'Time off', '--top', '--access', 'read')),
      'Time off\tcalendar\tdefault read\t-\n',
    );
    assert.equal(ok(await run('public-folder', 'set', 'pf.test', 'time off', '--parent', 'Board')), 'Board/Time off\tcalendar\tdefault read\t-\n');

    const store = await openStore(undefined, dir);
    try {
      const ann = (await store.getAccount('ann@pf.test'))!;
      const owner = (await store.getAccount('.public@pf.test'))!;
      const board = (await store.listFolders(owner.id)).find((f) => f.name === 'Board')!;
      assert.equal(await folderAccess(store, ann, board), 'write', 'the grant the command gave');
      assert.equal(ok(await run('public-folder', 'grant', 'pf.test', 'Board', 'ann@pf.test', 'none')), 'ann@pf.test has no grant on Board\n');
      assert.equal(await folderAccess(store, ann, board), 'none');
      const audit = await store.pageAudit({ domain: 'pf.test', action: 'public-folder.', limit: 20, offset: 0 });
      assert.equal(audit.total, 7);
      assert.ok(audit.events.every((e) => e.actor === 'cli:tester'));
    } finally {
      await store.close();
    }

    assert.equal(ok(await run('public-folder', 'remove', 'pf.test', 'Board')), 'removed public folder Board from pf.test\n');
    assert.equal(ok(await run('public-folder', 'list', 'pf.test')), 'Sales\tmail\tdefault read\t-\n', 'its subfolder went with it');
  });

  it('mistakes are one line: usage 2, a taken name 1', async () => {
    fails(await run('public-folder', 'list', 'nowhere.test'), 2, /unknown domain nowhere\.test/);
    fails(await run('public-folder', 'add', 'pf.test', 'X', '--kind', 'files'), 2, /--kind: expected mail, calendar, contacts, tasks, notes, got 'files'/);
    fails(await run('public-folder', 'add', 'pf.test', 'X'), 2, /--kind/);
    fails(await run('public-folder', 'add', 'pf.test', 'X', '--kind', 'mail', '--access', 'owner'), 2, /--access: expected none, read, write/);
    fails(await run('public-folder', 'add', 'pf.test', 'Nowhere/X', '--kind', 'mail'), 2, /no public folder 'Nowhere' in pf\.test/);
    fails(await run('public-folder', 'add', 'pf.test', 'SALES', '--kind', 'mail'), 1, /a public folder named 'SALES' exists there/);
    fails(await run('public-folder', 'set', 'pf.test', 'Sales'), 2, /nothing to change/);
    fails(await run('public-folder', 'set', 'pf.test', 'Sales', '--name', 'a\u0001b'), 2, /cannot contain/);
    fails(await run('public-folder', 'set', 'pf.test', 'Sales', '--parent', 'Sales'), 2, /cannot move under itself/);
    fails(await run('public-folder', 'set', 'pf.test', 'Sales', '--parent', 'Sales', '--top'), 2, /give one of them/);
    fails(await run('public-folder', 'grant', 'pf.test', 'Sales', 'eve@other.test', 'read'), 2, /no user or group eve@other\.test in pf\.test/);
    fails(await run('public-folder', 'grant', 'pf.test', 'Sales', 'ann@pf.test', 'owner'), 2, /rights: expected read, write, none/);
    fails(await run('public-folder', 'remove', 'other.test', 'Sales'), 2, /no public folder 'Sales' in other\.test/);
    assert.equal(ok(await run('public-folder', 'list', 'other.test')), '', "pf.test's folders are not other.test's");
  });
});
