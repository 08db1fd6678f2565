import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hearthInProcess, ok, fails, type Result } from './helpers.js';

// `hearth list ...` (docs/operations.md), in-process on a SQLite data dir.
describe('hearth list', () => {
  let dir: string;
  const run = (...args: string[]): Promise<Result> => hearthInProcess({ HEARTH_DATA_DIR: dir }, ...args);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-lists-cli-'));
    ok(await run('domain', 'add', 'lists.test'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('add, members, show, set, list, remove', async () => {
    assert.equal(
      ok(await run('list', 'add', 'Team@lists.test', '--name', 'The Team', '--prefix', '[team]', '--reply-to', 'list')),
      'added list team@lists.test\n',
    );
    assert.equal(
      ok(await run('list', 'member', 'add', 'team@lists.test', 'ann@lists.test', 'zed@elsewhere.example')),
      'ann@lists.test is a member of team@lists.test\nzed@elsewhere.example is a member of team@lists.test\n',
    );
    ok(await run('list', 'member', 'add', 'team@lists.test', 'olga@lists.test', '--owner'));
    assert.equal(
      ok(await run('list', 'show', 'team@lists.test')),
      [
        'team@lists.test\tThe Team\tposting members\treply-to list\tprefix [team]\tsubscription open\tmembers allow\tnon-members deny\tmoderators allow\tbounce-limit 5',
        'ann@lists.test\tmember',
        'olga@lists.test\towner',
        'zed@elsewhere.example\tmember',
        '',
      ].join('\n'),
    );
    assert.equal(
      ok(await run('list', 'set', 'team@lists.test', '--posting', 'owners', '--prefix', '')),
      'team@lists.test\tThe Team\tposting owners\treply-to list\tprefix -\tsubscription open\tmembers deny\tnon-members deny\tmoderators allow\tbounce-limit 5\n',
    );
    assert.match(
      ok(await run('list', 'set', 'team@lists.test', '--nonmember-posts', 'moderate', '--subscription', 'moderated', '--bounce-limit', '3', '--description', 'Our team')),
      /\tposting custom\t.*\tsubscription moderated\tmembers deny\tnon-members moderate\tmoderators allow\tbounce-limit 3$/m,
    );
    assert.equal(ok(await run('list', 'held', 'team@lists.test')), '');
    fails(await run('list', 'approve', 'team@lists.test', '999'), 2, /no held post 999/);
    fails(await run('list', 'reject', 'team@lists.test', 'x'), 2, /not a held post id/);
    assert.equal(
      ok(await run('list', 'member', 'remove', 'team@lists.test', 'ZED@elsewhere.example')),
      'removed zed@elsewhere.example from team@lists.test\n',
    );
    assert.equal(ok(await run('list', 'member', 'list', 'team@lists.test')), 'ann@lists.test\tmember\nolga@lists.test\towner\n');
    assert.match(ok(await run('list', 'list', 'lists.test')), /^team@lists\.test\t/);
    assert.equal(ok(await run('list', 'remove', 'team@lists.test')), 'removed list team@lists.test\n');
    assert.equal(ok(await run('list', 'list')), '');
  });

  it('mistakes are one line: usage 2, a taken address 1', async () => {
    fails(await run('list', 'add', 'x@unknown.test'), 2, /unknown|domain/);
    fails(await run('list', 'add', 'y@lists.test', '--posting', 'everyone'), 2, /--posting: expected anyone, members, owners/);
    fails(await run('list', 'add', 'y@lists.test', '--member-posts', 'maybe'), 2, /--member-posts: expected allow, moderate, deny/);
    fails(await run('list', 'add', 'y@lists.test', '--bounce-limit', '-1'), 2, /--bounce-limit/);
    fails(await run('list', 'add', 'y-request@lists.test'), 1, /-request/);
    fails(await run('list', 'show', 'none@lists.test'), 2, /no such list/);
    fails(await run('list', 'member', 'add', 'none@lists.test', 'a@b.test'), 2, /no such list/);
    ok(await run('list', 'add', 'dup@lists.test'));
    fails(await run('list', 'add', 'dup@lists.test'), 1, /already in use/);
    fails(await run('list', 'member', 'remove', 'dup@lists.test', 'nobody@lists.test'), 2, /not a member/);
    fails(await run('list', 'member', 'add', 'dup@lists.test', 'dup@lists.test'), 2, /own member/);
  });
});
