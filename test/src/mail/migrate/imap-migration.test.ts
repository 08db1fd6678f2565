/**
 * `migrateImap` from a real Dovecot into Hearth, on SQLite and PostgreSQL: interrupted half-way,
 * then rerun (over the other TLS mode) to completion with no duplicates; folders land in their
 * roles, flags and internal dates are kept; a rerun copies nothing; a batch committed but not
 * recorded (a crash between the two) is recognised rather than copied twice.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/stores.js';
import { dovecotMissing } from '../../../helpers/dovecot.js';
import { migrateImap, type MigrationOptions } from '../../../../src/mail/migrate/imap-migration.js';
import { parseSourceUrl } from '../../../../src/mail/migrate/source.js';
import { stateKey, type MigrationState } from '../../../../src/mail/migrate/state.js';
import { mailFolderNames, SPECIAL_USE } from '../../../../src/mail/mailbox-view.js';
import { startSourceMailbox, type SourceMessage } from './source-mailbox.js';

const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

/** Where each source folder must land, as `hearth mailbox list` names it. */
const EXPECTED_FOLDER: Record<string, string> = {
  INBOX: 'INBOX',
  'Sent Messages': '\\Sent',
  Drafts: '\\Drafts',
  Spam: '\\Junk',
  'Deleted Messages': '\\Trash',
  Archive: '\\Archive',
  Work: 'Work',
  'Work.Projects': 'Work/Projects',
};

for (const backend of backends) {
  describe(`IMAP migration from Dovecot (${backend.name})`, async () => {
    const skip = dovecotMissing() ?? (backend.name === 'postgres' ? await postgresSkipReason() : null);
    let t: TestContext;
    let source: Awaited<ReturnType<typeof startSourceMailbox>>;
    let drop = async () => {};
    let opts: (from: string) => MigrationOptions;
    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      t = await createTestContext(db.url ? { database: db.url } : {});
      await t.addUser('ann@example.test', 'irrelevant-pw');
      source = await startSourceMailbox(['src']);
      opts = (from) => ({
        source: parseSourceUrl(from),
        user: 'src',
        password: source.dovecot.password,
        to: 'ann@example.test',
        insecure: true,
        batchMessages: 5,
      });
    });
    after(async () => {
      if (!skip) {
        await source.stop();
        await t.close();
        await drop();
      }
    });

    /** Every message in Hearth: "folder as shown | Message-ID" -> flags and internal date. */
    const hearthMessages = async () => {
      const account = (await t.store.getAccount('ann@example.test'))!;
      const out: { where: string; messageId: string | null; flags: string[]; internalDate: number }[] = [];
      for (const { folder, name } of await mailFolderNames(t.store, account.id)) {
        const where = (folder.role && SPECIAL_USE[folder.role]) || name;
        for (const m of await t.store.listMessages(folder.id))
          out.push({ where, messageId: m.parsed.messageId, flags: [...m.flags].sort(), internalDate: m.internalDate });
      }
      return out;
    };

    // The steps carry the migration state from one to the next: subtests of one test, so no test
    // relies on another having run (docs/architecture.md, Tests).
    test('interrupt, resume, rerun, crash window', { skip: skip ?? false }, async (story) => {
      await story.test(
        'interrupted after 12 messages, rerun completes: every message once, in its folder, flags and dates kept',
        async () => {
          const controller = new AbortController();
          const first = await migrateImap(
            t.store,
            { ...opts(`imaps://127.0.0.1:${source.dovecot.tlsPort}`), signal: controller.signal },
            {
              progress: (p) => {
                if (p.done >= 12) controller.abort();
              },
            },
          );
          const expected = source.messages.get('src')!;
          assert.equal(first.interrupted, true);
          assert.ok(first.messages >= 12 && first.messages < expected.length, `copied ${first.messages} before stopping`);
          assert.equal((await hearthMessages()).length, first.messages);

          // The rerun over imap:// (STARTTLS required) continues where the first stopped.
          const second = await migrateImap(t.store, opts(`imap://127.0.0.1:${source.dovecot.port}`));
          assert.equal(second.interrupted, false);
          assert.equal(second.errors, 0);
          assert.equal(first.messages + second.messages, expected.length);

          const got = await hearthMessages();
          assert.equal(got.length, expected.length, 'no duplicates, nothing missing');
          const byId = new Map(got.map((m) => [m.messageId, m]));
          assert.equal(byId.size, got.length, 'each Message-ID once');
          for (const e of expected as SourceMessage[]) {
            const m = byId.get(e.messageId);
            assert.ok(m, `${e.messageId} migrated`);
            assert.equal(m.where, EXPECTED_FOLDER[e.folder], `${e.folder} lands in ${EXPECTED_FOLDER[e.folder]}`);
            assert.deepEqual(m.flags, [...e.flags].sort(), `flags of ${e.messageId}`);
            assert.equal(m.internalDate, e.internalDate, `internal date of ${e.messageId}`);
          }
        },
      );

      await story.test('a rerun after completion copies nothing', async () => {
        const before = (await hearthMessages()).length;
        const again = await migrateImap(t.store, opts(`imaps://127.0.0.1:${source.dovecot.tlsPort}`));
        assert.equal(again.messages, 0);
        assert.equal((await hearthMessages()).length, before);
      });

      await story.test('a batch committed but not recorded (crash in between) is recognised, not copied twice', async () => {
        const account = (await t.store.getAccount('ann@example.test'))!;
        const key = stateKey(parseSourceUrl(`imaps://127.0.0.1:${source.dovecot.tlsPort}`), 'src');
        const state = (await t.store.getSetting<MigrationState>(account.id, key))!;
        const inboxCount = source.messages.get('src')!.filter((m) => m.folder === 'INBOX').length;
        // Forget the INBOX's progress, and pretend its UIDVALIDITY changed for Work.Projects.
        state.folders.INBOX.lastUid = 10;
        state.folders['Work.Projects'].uidValidity = '1';
        await t.store.setSetting(account.id, key, state);
        const before = (await hearthMessages()).length;
        const again = await migrateImap(t.store, opts(`imaps://127.0.0.1:${source.dovecot.tlsPort}`));
        assert.equal(again.messages, 0);
        assert.equal(again.skipped, inboxCount - 10 + 4);
        assert.equal((await hearthMessages()).length, before);
      });
    });
  });
}
