import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import { MessageArchive } from '../../../src/mail/archive/archive.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

const DAY = 86_400_000;
const message = (subject: string, extra = '') =>
  Buffer.from(
    [
      'From: "Ann Example" <Ann@Example.TEST>',
      'To: bob@example.test, "Team" <team@example.test>',
      'Cc: carol@example.org',
      `Subject: ${subject}`,
      `Message-ID: <${subject.replace(/\W/g, '')}@example.test>`,
      extra,
      '',
      `Body of ${subject}\r\n`.repeat(200),
    ]
      .filter((l, i, a) => l !== '' || i === a.length - 2)
      .join('\r\n'),
  );

/**
 * The archive half of the store contract (ArchiveStore), on every backend: a compressed copy
 * read back byte for byte, the index searched by each criterion, kept apart from mailboxes and
 * quotas, purged by day with its bytes released.
 */
export function archiveStoreContract(factory: StoreFactory): void {
  describe(`archive store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    before(async () => {
      opened = await factory.open();
      store = opened.store;
    });
    after(async () => {
      await opened?.dispose();
    });

    it('keeps a gzip copy and gives back the original bytes, with the index fields', async () => {
      const at = Date.UTC(2030, 4, 6, 23, 59, 30);
      const archive = new MessageArchive(store, () => at);
      const bytes = message('=?UTF-8?B?w4ljaG8gZGUgbGEgcsOpdW5pb24=?=');
      const kept = await archive.keep({ direction: 'in', mailFrom: 'Bounce@Example.NET', rcptTo: ['Bob@Example.test'], message: bytes });
      assert.equal(kept.day, '2030-05-06');
      assert.equal(kept.archivedAt, at);
      assert.deepEqual(
        [kept.mailFrom, kept.rcptTo, kept.headerFrom, kept.headerTo],
        ['bounce@example.net', ['bob@example.test'], 'ann@example.test', 'bob@example.test team@example.test carol@example.org'],
      );
      assert.equal(kept.subject, 'Écho de la réunion');
      assert.equal(kept.messageId, 'UTF8Bw4ljaG8gZGUgbGEgcsOpdW5pb24@example.test');
      assert.equal(kept.size, bytes.length);
      assert.ok(kept.storedSize < kept.size / 5, `compressed ${kept.storedSize} of ${kept.size}`);
      const read = await archive.read(kept.id);
      assert.ok(read?.message.equals(bytes));
      assert.deepEqual(read?.record, kept);
      assert.equal(await archive.read(kept.id + 100_000), null);
    });

    it('archives what it cannot index (no header section, binary, broken fields) with empty index fields, byte for byte', async () => {
      const archive = new MessageArchive(store, () => Date.UTC(2032, 1, 2));
      for (const junk of [
        Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]),
        Buffer.from('no header here at all'),
        Buffer.from('From: <<<\r\nTo: ,,,@@@\r\nSubject: =?x?Q?broken\r\n\r\nbody'),
      ]) {
        const kept = await archive.keep({ direction: 'in', mailFrom: '', rcptTo: [], message: junk });
        assert.ok((await archive.read(kept.id))?.message.equals(junk));
        assert.equal(kept.size, junk.length);
      }
    });

    it('finds messages by sender, recipient, subject, Message-ID, direction and date range, newest first', async () => {
      const base = Date.UTC(2031, 0, 10, 12);
      const put = (subject: string, at: number, o: { from?: string; to?: string[]; direction?: 'in' | 'out' } = {}) =>
        store.archiveMessage(
          {
            archivedAt: at,
            direction: o.direction ?? 'in',
            mailFrom: o.from ?? 'x@example.net',
            rcptTo: o.to ?? ['bob@example.test'],
            headerFrom: 'hdr@example.net',
            headerTo: 'bob@example.test',
            subject,
            messageId: `${subject}@example.test`,
            size: 10,
          },
          gzipSync(Buffer.from(subject)),
        );
      const a = await put('srch-Alpha 100%', base, { from: 'alice@partner.example' });
      const b = await put('srch-beta', base + DAY, { to: ['zed@example.test'], direction: 'out' });
      const c = await put('srch-gamma_x', base + 2 * DAY);
      const ids = (rs: { id: number }[]) => rs.map((r) => r.id);
      const range = { since: base, until: base + 3 * DAY };
      assert.deepEqual(ids(await store.searchArchive({ ...range, subject: 'SRCH-' })), [c.id, b.id, a.id]);
      assert.deepEqual(ids(await store.searchArchive({ ...range, from: 'ALICE@partner' })), [a.id]);
      assert.equal((await store.searchArchive({ ...range, from: 'hdr@example.net' })).length, 3, 'the From header counts too');
      assert.deepEqual(ids(await store.searchArchive({ ...range, to: 'zed@' })), [b.id]);
      assert.deepEqual(ids(await store.searchArchive({ ...range, direction: 'out' })), [b.id]);
      assert.deepEqual(ids(await store.searchArchive({ messageId: '<srch-beta@example.test>' })), [b.id]);
      assert.deepEqual(ids(await store.searchArchive({ messageId: 'srch-beta@example.test' })), [b.id]);
      assert.deepEqual(ids(await store.searchArchive({ since: base + DAY, until: base + 2 * DAY })), [b.id]);
      assert.deepEqual(ids(await store.searchArchive({ ...range, subject: 'srch', limit: 2 })), [c.id, b.id]);
      // LIKE wildcards in a query are literal characters.
      assert.deepEqual(ids(await store.searchArchive({ ...range, subject: '100%' })), [a.id]);
      assert.deepEqual(ids(await store.searchArchive({ ...range, subject: 'a_x' })), [c.id]);
      assert.deepEqual(ids(await store.searchArchive({ ...range, subject: '%' })), [a.id]);
    });

    it('stays when the mailbox goes, and counts against no quota', async () => {
      const domain = await store.createDomain({ name: `arch${Date.now()}.example` });
      const account = await store.createAccount({ domainId: domain.id, email: `u@${domain.name}`, quotaBytes: 100 });
      const kept = await new MessageArchive(store).keep({
        direction: 'in',
        mailFrom: '',
        rcptTo: [account.email],
        message: message('quota-free'),
      });
      assert.deepEqual(await store.accountUsage(account.id), { bytes: 0, messages: 0 });
      await store.deleteAccount(account.id);
      assert.ok((await store.getArchived(kept.id))?.compressed.length);
    });

    it('purges whole days before a date and releases their bytes; shared bytes stay for the copy that remains', async () => {
      const early = Date.UTC(1999, 0, 1, 10);
      const same = gzipSync(Buffer.from('purge-me'));
      const hash = createHash('sha256').update(same).digest('hex');
      const rec = (subject: string, at: number) => ({
        archivedAt: at,
        direction: 'in' as const,
        mailFrom: '',
        rcptTo: [],
        headerFrom: '',
        headerTo: '',
        subject,
        messageId: null,
        size: 8,
      });
      const old = await store.archiveMessage(rec('purge-old', early), same);
      const kept = await store.archiveMessage(rec('purge-kept', early + 2 * DAY), same);
      const alone = await store.archiveMessage(rec('purge-alone', early), gzipSync(Buffer.from('purge-alone')));
      const aloneHash = createHash('sha256')
        .update((await store.getArchived(alone.id))!.compressed)
        .digest('hex');
      assert.equal(await store.purgeArchive('1999-01-02'), 2);
      assert.equal(await store.getArchived(old.id), null);
      assert.equal(await store.getArchived(alone.id), null);
      assert.equal(await store.getBlob(aloneHash), null, 'bytes of a purged day are released');
      assert.ok((await store.getArchived(kept.id))?.compressed.equals(same));
      assert.ok(await store.getBlob(hash));
      await assert.rejects(store.purgeArchive('last tuesday'), (e: unknown) => isStoreError(e, 'Invalid'));
    });
  });
}
