import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import { MessageArchive } from '../../../src/mail/archive/archive.js';
import { hearthInProcess, ok, type Result } from './helpers.js';

const message = (subject: string, body = 'hello') =>
  Buffer.from(
    `From: zoe@example.net\r\nTo: ann@arch.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.net>\r\n\r\n${body}\r\n`,
  );

// `hearth archive search|show|purge` (docs/operations.md "Archive"), in-process on a SQLite data dir this process filled.
describe('hearth archive', () => {
  let dir: string;
  const run = (...args: string[]): Promise<Result> => hearthInProcess({ HEARTH_DATA_DIR: dir }, ...args);
  const ids: number[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-archive-cli-'));
    const store = await openStore(undefined, dir);
    try {
      const at = [Date.UTC(2026, 10, 1, 8), Date.UTC(2026, 10, 2, 9), Date.UTC(2026, 10, 3, 10)];
      let i = 0;
      const archive = new MessageArchive(store, () => at[i++]);
      ids.push(
        (await archive.keep({ direction: 'in', mailFrom: 'zoe@example.net', rcptTo: ['ann@arch.test'], message: message('First\tone') }))
          .id,
      );
      ids.push(
        (
          await archive.keep({
            direction: 'out',
            mailFrom: 'ann@arch.test',
            rcptTo: ['x@example.org', 'y@example.org'],
            message: message('Reply', 'caf\u00e9 \u00e0 8h'),
          })
        ).id,
      );
      ids.push((await archive.keep({ direction: 'in', mailFrom: '', rcptTo: ['ann@arch.test'], message: message('Bounce') })).id);
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('search: one message a line, newest first, by each option', async () => {
    const lines = ok(await run('archive', 'search'))
      .trimEnd()
      .split('\n');
    assert.deepEqual(lines, [
      `${ids[2]}\t2026-11-03T10:00:00.000Z\tin\t<>\tann@arch.test\tBounce@example.net\t${message('Bounce').length}\tBounce`,
      `${ids[1]}\t2026-11-02T09:00:00.000Z\tout\tann@arch.test\tx@example.org,y@example.org\tReply@example.net\t${message('Reply', 'caf\u00e9 \u00e0 8h').length}\tReply`,
      `${ids[0]}\t2026-11-01T08:00:00.000Z\tin\tzoe@example.net\tann@arch.test\tFirstone@example.net\t${message('First\tone').length}\tFirst one`,
    ]);
    const first = (r: Result) =>
      ok(r)
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split('\t')[0]));
    assert.deepEqual(first(await run('archive', 'search', '--to', 'Y@EXAMPLE.org')), [ids[1]]);
    assert.deepEqual(first(await run('archive', 'search', '--direction', 'in', '--from', 'zoe')), [ids[2], ids[0]]);
    assert.deepEqual(first(await run('archive', 'search', '--since', '2026-11-02', '--until', '2026-11-02')), [ids[1]]);
    assert.deepEqual(first(await run('archive', 'search', '--message-id', '<Reply@example.net>')), [ids[1]]);
    assert.deepEqual(first(await run('archive', 'search', '--subject', 'boun', '--limit', '5')), [ids[2]]);
  });

  it('show: the message as received, printed or written byte for byte', async () => {
    assert.equal(ok(await run('archive', 'show', String(ids[1]))), message('Reply', 'caf\u00e9 \u00e0 8h').toString());
    const file = join(dir, 'out.eml');
    assert.match(ok(await run('archive', 'show', String(ids[1]), '--output', file)), /^wrote \d+ bytes to /);
    assert.ok(readFileSync(file).equals(message('Reply', 'caf\u00e9 \u00e0 8h')));
  });

  it('mistakes are one line and exit 2', async () => {
    for (const args of [
      ['show', '999999'],
      ['show', 'abc'],
      ['search', '--since', 'yesterday'],
      ['search', '--direction', 'sideways'],
      ['search', '--limit', '0'],
      ['purge', '--before', '2026-13-45x'],
      ['purge'],
    ]) {
      const r = await run('archive', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^hearth: [^\n]+\n$/, args.join(' '));
    }
  });

  it('purge: days before the given one go', async () => {
    // Its own data dir, so that the other tests of this file see all three messages whatever the order.
    const own = mkdtempSync(join(tmpdir(), 'hearth-archive-purge-'));
    try {
      const store = await openStore(undefined, own);
      const archive = new MessageArchive(store, () => Date.UTC(2020, 0, 5));
      await archive.keep({ direction: 'in', mailFrom: '', rcptTo: [], message: message('Old') });
      await new MessageArchive(store, () => Date.UTC(2020, 0, 6)).keep({
        direction: 'in',
        mailFrom: '',
        rcptTo: [],
        message: message('Newer'),
      });
      await store.close();
      const r = await hearthInProcess({ HEARTH_DATA_DIR: own }, 'archive', 'purge', '--before', '2020-01-06');
      assert.equal(ok(r), 'purged 1 archived message before 2020-01-06\n');
      assert.match(ok(await hearthInProcess({ HEARTH_DATA_DIR: own }, 'archive', 'search')), /\tNewer\n$/);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
