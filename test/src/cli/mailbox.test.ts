import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import { deliver } from '../../../src/mail/deliver.js';
import { fails, hearth, ok, type Result } from './helpers.js';

const message = (subject: string, from: string) => Buffer.from(
  `From: ${from}\r\nTo: ann@mbox.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.length}.${Math.random()}@x>\r\n\r\nbody of ${subject}\r\n`);

// CONTRACT.md `hearth mailbox list|messages`, spawned on a SQLite data dir that this process filled.
describe('hearth mailbox (spawned)', { concurrency: true }, () => {
  let dir: string;
  let data: string;
  const run = (...args: string[]): Promise<Result> => hearth(dir, { HEARTH_DATA_DIR: data }, ...args);
  let sizes: number[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-mailbox-'));
    data = join(dir, 'data');
    const store = await openStore(undefined, data);
    try {
      const d = await store.createDomain({ name: 'mbox.test' });
      const ann = await store.createAccount({ domainId: d.id, email: 'ann@mbox.test' });
      const first = message('Hello\tthere', '=?utf-8?q?Zo=C3=AB?= <zoe@example.net>');
      const second = message('Second', 'bob@example.net');
      await deliver(store, ['ann@mbox.test'], first, { envelope: { mailFrom: 'zoe@example.net' }, internalDate: Date.UTC(2026, 11, 1, 8) });
      await deliver(store, ['ann@mbox.test'], second, { envelope: { mailFrom: 'bob@example.net' }, internalDate: Date.UTC(2026, 11, 2, 8) });
      sizes = [first.length, second.length];
      const inbox = (await store.findFolderByRole(ann.id, 'inbox'))!;
      await store.storeFlags(inbox.id, [1], 'add', ['\\Seen', '\\Flagged']);
      const sent = (await store.findFolderByRole(ann.id, 'sent'))!;
      await store.copyMessages(inbox.id, [2], sent.id);
      await store.createFolder({ accountId: ann.id, parentId: inbox.id, name: 'Lists', kind: 'mail' });
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('list: one folder a line with special use, messages, unseen and bytes', async () => {
    const lines = ok(await run('mailbox', 'list', 'Ann@mbox.test')).trimEnd().split('\n');
    assert.equal(lines[0], `INBOX\t-\t2\t1\t${sizes[0] + sizes[1]}`);
    assert.ok(lines.includes(`Sent\t\\Sent\t1\t1\t${sizes[1]}`), lines.join('\n'));
    assert.ok(lines.includes('INBOX/Lists\t-\t0\t0\t0'), lines.join('\n'));
    for (const use of ['\\Drafts', '\\Junk', '\\Trash', '\\Archive']) assert.ok(lines.some((l) => l.split('\t')[1] === use), use);
  });

  it('messages: uid, IMAP flags, size, ISO date, decoded from and subject, tab-safe', async () => {
    const lines = ok(await run('mailbox', 'messages', 'ann@mbox.test')).trimEnd().split('\n');
    assert.deepEqual(lines, [
      `1\t\\Seen \\Flagged\t${sizes[0]}\t2026-12-01T08:00:00.000Z\tZoë <zoe@example.net>\tHello there`,
      `2\t\t${sizes[1]}\t2026-12-02T08:00:00.000Z\tbob@example.net\tSecond`,
    ]);
  });

  it('messages: a folder by special use or by name, INBOX in any case', async () => {
    assert.match(ok(await run('mailbox', 'messages', 'ann@mbox.test', '\\Sent')), /^1\t\t\d+\t.*\tSecond\n$/);
    assert.equal(ok(await run('mailbox', 'messages', 'ann@mbox.test', 'inbox')).split('\n').length, 3);
    assert.equal(ok(await run('mailbox', 'messages', 'ann@mbox.test', 'Inbox/Lists')), '');
  });

  it('fails with one line for an unknown folder or account', async () => {
    fails(await run('mailbox', 'messages', 'ann@mbox.test', 'Nope'), 2, /no such folder/);
    fails(await run('mailbox', 'list', 'nobody@mbox.test'), 2, /no such account/);
  });
});
