import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import { hasNotificationReadiness } from '../../../src/store/capabilities.js';
import type { ChangeEvent, Folder } from '../../../src/model/types.js';
import { parseMessage } from '../../../src/mail/parse.js';
import type { OpenedStore, StoreFactory } from '../../helpers/stores.js';

/** A small RFC 5322 message; `extra` pads the body to a chosen size. */
export function rfc822(subject: string, opts: { id?: string; inReplyTo?: string; references?: string[]; pad?: number } = {}): Buffer {
  const head = [
    'From: Sender <sender@example.net>', 'To: someone@example.org', `Subject: ${subject}`,
    `Message-ID: <${opts.id ?? `${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.net>`}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`] : []),
    ...(opts.references ? [`References: ${opts.references.map((r) => `<${r}>`).join(' ')}`] : []),
    'Date: Thu, 03 Dec 2026 04:00:00 +0000', 'Content-Type: text/plain; charset=utf-8',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\nHello ${subject}\r\n${'x'.repeat(opts.pad ?? 0)}`);
}

/**
 * The mail half of the store contract (MailStore), run on every backend like contract.ts:
 * delivery once into many mailboxes, quota with nothing partial, one flag state with modseqs,
 * UIDPLUS copy and move, expunge with VANISHED, threading, mail folders.
 */
export function mailStoreContract(factory: StoreFactory): void {
  describe(`mail store contract (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;

    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    async function users(n: number, opts: { quotaBytes?: number; quotaMessages?: number; domainSettings?: Record<string, unknown> } = {}) {
      const domain = await store.createDomain({ name: `mail${++seq}.example`, settings: opts.domainSettings ?? {} });
      const out = [];
      for (let i = 0; i < n; i++) {
        const account = await store.createAccount({
          domainId: domain.id, email: `u${i}@${domain.name}`, quotaBytes: opts.quotaBytes ?? null, quotaMessages: opts.quotaMessages ?? null,
        });
        out.push({ account, inbox: await folder(account.id, 'inbox') });
      }
      return out;
    }

    async function folder(accountId: number, role: Folder['role']): Promise<Folder> {
      const f = await store.findFolderByRole(accountId, role!);
      assert.ok(f, `folder ${role}`);
      return f;
    }

    const rejects = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: unknown) => isStoreError(e) && e.code === code);

    async function append(folderId: number, subject: string, flags: string[] = [], opts: Parameters<typeof rfc822>[1] = {}) {
      const bytes = rfc822(subject, opts);
      const [m] = await store.appendMessages(folderId, [{ bytes, parsed: await parseMessage(bytes), flags }]);
      return m;
    }

    it('gives every new user an Archive folder among the mail folders', async () => {
      const [{ account }] = await users(1);
      const mail = (await store.listFolders(account.id, 'mail')).map((f) => f.role).sort();
      assert.deepEqual(mail, ['archive', 'drafts', 'inbox', 'junk', 'outbox', 'sent', 'trash']);
    });

    it('delivers to a folder by role inside the transaction: the role\'s folder, else the inbox, and says which', async () => {
      const [a, b] = await users(2);
      const junkA = await folder(a.account.id, 'junk');
      const junkB = await folder(b.account.id, 'junk');
      await store.updateFolder(junkB.id, { role: null }); // b has no Junk any more: its copy falls back to the inbox
      const bytes = rfc822('by role');
      const r = await store.deliverMessage([{ accountId: a.account.id, role: 'junk' }, { accountId: b.account.id, role: 'junk' }, { accountId: a.account.id, role: 'inbox' }],
        bytes, await parseMessage(bytes));
      const where = r.delivered.map((d) => [d.accountId, d.folderId, d.role]).sort((x, y) => Number(x[0]) - Number(y[0]) || Number(x[1]) - Number(y[1]));
      assert.deepEqual(where, [[a.account.id, a.inbox.id, 'inbox'], [a.account.id, junkA.id, 'junk'], [b.account.id, b.inbox.id, 'inbox']].sort((x, y) => Number(x[0]) - Number(y[0]) || Number(x[1]) - Number(y[1])));
      assert.equal((await store.listMessages(junkA.id)).length, 1);
      assert.equal((await store.listMessages(junkB.id)).length, 0);
      assert.equal((await store.listMessages(b.inbox.id))[0].parsed.subject, 'by role');
      // UIDs come from the folder the role named, as for a target by id.
      const again = await store.deliverMessage([{ accountId: a.account.id, role: 'junk' }], bytes, await parseMessage(bytes));
      assert.equal(again.delivered[0].uid, 2);
      assert.equal((await store.mailboxStatus(junkA.id)).uidNext, 3);
    });

    it('gives distinct UIDs to copies whose targets find the same folder (role fallback, role and id)', async () => {
      const [b] = await users(1);
      const junk = await folder(b.account.id, 'junk');
      await store.updateFolder(junk.id, { role: null }); // no Junk: a junk copy goes to the inbox
      const bytes = rfc822('same folder');
      const r = await store.deliverMessage([{ accountId: b.account.id, role: 'junk' }, { accountId: b.account.id, role: 'inbox' },
        { accountId: b.account.id, folderId: b.inbox.id }], bytes, await parseMessage(bytes));
      assert.deepEqual(r.delivered.map((d) => d.folderId), [b.inbox.id, b.inbox.id, b.inbox.id]);
      assert.deepEqual(r.delivered.map((d) => d.uid).sort(), [1, 2, 3]);
      assert.deepEqual((await store.listMessages(b.inbox.id)).map((m) => m.uid).sort(), [1, 2, 3]);
      assert.equal((await store.mailboxStatus(b.inbox.id)).uidNext, 4);
    });

    it('delivers one message to many inboxes in one transaction, stored once', async () => {
      const [a, b] = await users(2);
      const events: ChangeEvent[] = [];
      const off = store.subscribe(a.account.id, (e) => events.push(e));
      // PostgreSQL: the LISTEN must be up before the write, or its NOTIFY is not received (capabilities.ts).
      if (hasNotificationReadiness(store)) await store.ready();
      const bytes = rfc822('fan out');
      const parsed = await parseMessage(bytes);
      const r = await store.deliverMessage([{ accountId: a.account.id, folderId: a.inbox.id }, { accountId: b.account.id, folderId: b.inbox.id }],
        bytes, parsed, { internalDate: 1_700_000_000_000 });
      assert.deepEqual(r.overQuota, []);
      assert.equal(r.delivered.length, 2);
      const [ma] = await store.listMessages(a.inbox.id);
      const [mb] = await store.listMessages(b.inbox.id);
      assert.equal(ma.uid, 1);
      assert.equal(ma.blobHash, mb.blobHash, 'one blob for both copies');
      assert.equal(ma.internalDate, 1_700_000_000_000);
      assert.equal(ma.parsed.subject, 'fan out');
      assert.deepEqual(ma.parsed.mime, parsed.mime);
      assert.deepEqual(await store.readMessageBytes(ma.itemId), bytes);
      assert.deepEqual(await store.quotaUsage(a.account.id).then((u) => [u.bytes, u.messages]), [bytes.length, 1]);
      await waitFor(() => events.some((e) => e.folderId === a.inbox.id && e.modseq === ma.modseq));
      off();
      // The blob stays while one copy references it.
      await store.storeFlags(a.inbox.id, [ma.uid], 'add', ['\\Deleted']);
      await store.expungeMessages(a.inbox.id);
      assert.deepEqual(await store.readMessageBytes(mb.itemId), bytes);
      await store.storeFlags(b.inbox.id, [mb.uid], 'add', ['\\Deleted']);
      await store.expungeMessages(b.inbox.id);
      assert.equal(await store.getBlob(ma.blobHash), null, 'the last expunge releases the blob');
    });

    it('skips a recipient over quota and writes nothing of it', async () => {
      const bytes = rfc822('quota', { pad: 400 });
      const [full, ok] = await users(2, { quotaBytes: bytes.length * 2 - 1 });
      const parsed = await parseMessage(bytes);
      await store.deliverMessage([{ accountId: full.account.id, folderId: full.inbox.id }], bytes, parsed);
      const before = await store.mailboxStatus(full.inbox.id);
      const r = await store.deliverMessage([{ accountId: full.account.id, folderId: full.inbox.id }, { accountId: ok.account.id, folderId: ok.inbox.id }], bytes, parsed);
      assert.deepEqual(r.overQuota, [full.account.id]);
      assert.deepEqual(r.delivered.map((d) => d.accountId), [ok.account.id]);
      assert.deepEqual(await store.mailboxStatus(full.inbox.id), before);
      assert.equal((await store.quotaUsage(full.account.id)).messages, 1);
    });

    it('reports the crossing of the warning ratio once', async () => {
      const bytes = rfc822('warn', { pad: 300 });
      const [u] = await users(1, { quotaBytes: Math.floor(bytes.length * 2 / 0.9) - 1 });
      const parsed = await parseMessage(bytes);
      const t = [{ accountId: u.account.id, folderId: u.inbox.id }];
      assert.deepEqual((await store.deliverMessage(t, bytes, parsed)).crossedWarning, []);
      assert.deepEqual((await store.deliverMessage(t, bytes, parsed)).crossedWarning, [u.account.id]);
      const third = await store.deliverMessage(t, rfc822('tiny'), await parseMessage(rfc822('tiny')));
      assert.deepEqual(third.crossedWarning, []);
    });

    it('appends all or nothing under the message quota and the domain quota', async () => {
      const [u] = await users(1, { quotaMessages: 2 });
      const msgs = await Promise.all(['a', 'b', 'c'].map(async (s) => { const bytes = rfc822(s); return { bytes, parsed: await parseMessage(bytes) }; }));
      await rejects(store.appendMessages(u.inbox.id, msgs), 'QuotaExceeded');
      assert.equal((await store.mailboxStatus(u.inbox.id)).messages, 0);
      const { createHash } = await import('node:crypto');
      for (const m of msgs) assert.equal(await store.getBlob(createHash('sha256').update(m.bytes).digest('hex')), null, 'no blob left behind');
      assert.equal((await store.mailboxStatus(u.inbox.id)).uidNext, 1);
      assert.equal((await store.appendMessages(u.inbox.id, msgs.slice(0, 2))).length, 2);

      const bytes = rfc822('dom', { pad: 100 });
      const [x, y] = await users(2, { domainSettings: { quotaBytes: bytes.length * 3 } });
      const parsed = await parseMessage(bytes);
      await store.appendMessages(x.inbox.id, [{ bytes, parsed }, { bytes, parsed }]);
      await store.appendMessages(y.inbox.id, [{ bytes, parsed }]);
      await rejects(store.appendMessages(y.inbox.id, [{ bytes, parsed }]), 'QuotaExceeded');
      assert.equal((await store.quotaUsage(y.account.id)).domain.bytes, bytes.length * 3);
    });

    it('holds the quota under concurrent deliveries', async () => {
      const bytes = rfc822('race', { pad: 200 });
      const [u] = await users(1, { quotaMessages: 5 });
      const peer = await opened.peer();
      const parsed = await parseMessage(bytes);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? peer : store).deliverMessage([{ accountId: u.account.id, folderId: u.inbox.id }], bytes, parsed)));
      assert.equal(results.filter((r) => r.delivered.length === 1).length, 5);
      const list = await store.listMessages(u.inbox.id);
      assert.deepEqual(list.map((m) => m.uid), [1, 2, 3, 4, 5]);
      assert.equal((await store.quotaUsage(u.account.id)).messages, 5);
    });

    it('keeps one flag state, each change with its own modseq, and honours UNCHANGEDSINCE', async () => {
      const [u] = await users(1);
      const m1 = await append(u.inbox.id, 'one', ['\\seen', 'Work']);
      const m2 = await append(u.inbox.id, 'two');
      assert.deepEqual(m1.flags, ['\\Seen', 'Work']);
      assert.equal((await store.mailboxStatus(u.inbox.id)).unseen, 1);
      const add = await store.storeFlags(u.inbox.id, [m1.uid, m2.uid], 'add', ['\\Flagged', '\\Seen']);
      assert.deepEqual(add.changed.map((c) => c.uid), [m1.uid, m2.uid]);
      assert.ok(add.changed[0].modseq > m2.modseq && add.changed[1].modseq > add.changed[0].modseq);
      assert.equal((await store.mailboxStatus(u.inbox.id)).unseen, 0);
      const same = await store.storeFlags(u.inbox.id, [m1.uid], 'add', ['\\Seen']);
      assert.deepEqual(same.changed, [], 'no change, no new modseq');
      const stale = await store.storeFlags(u.inbox.id, [m1.uid, m2.uid], 'remove', ['\\Seen'], { unchangedSince: add.changed[0].modseq });
      assert.deepEqual(stale.modified, [m2.uid]);
      assert.deepEqual(stale.changed.map((c) => [c.uid, c.flags]), [[m1.uid, ['Work', '\\Flagged']]]);
      const set = await store.storeFlags(u.inbox.id, [m2.uid], 'set', ['$Forwarded']);
      assert.deepEqual(set.changed[0].flags, ['$Forwarded']);
      assert.deepEqual((await store.getMessageByUid(u.inbox.id, m2.uid))?.flags, ['$Forwarded']);
      const changes = await store.mailChangesSince(u.inbox.id, add.changed[1].modseq);
      assert.deepEqual(changes.changed.map((c) => c.uid), [m1.uid, m2.uid]);
      assert.equal(changes.modseq, set.changed[0].modseq);
    });

    it('keeps every concurrent flag change of two nodes, each with its own modseq, in commit order', async () => {
      const [u] = await users(1);
      const peer = await opened.peer();
      const msgs: Awaited<ReturnType<typeof append>>[] = [];
      for (let i = 0; i < 4; i++) msgs.push(await append(u.inbox.id, `race${i}`));
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      const flags = ['\\Seen', '\\Flagged', '\\Answered', '$Work', '$Home', '$Later'];
      // Every node adds its own flag to every message at once: none may be lost, no modseq shared.
      const results = await Promise.all(flags.map((f, i) => (i % 2 ? peer : store).storeFlags(u.inbox.id, msgs.map((m) => m.uid), 'add', [f])));
      const modseqs = results.flatMap((r) => r.changed.map((c) => c.modseq));
      assert.equal(modseqs.length, flags.length * msgs.length);
      assert.equal(new Set(modseqs).size, modseqs.length, 'each change has its own modseq');
      for (const m of await store.listMessages(u.inbox.id)) assert.deepEqual([...m.flags].sort(), [...flags].sort());
      // Each change saw the folder as the one before it left it: the prior modseqs chain in commit order.
      const chain = results.map((r) => [r.priorModseq!, Math.max(...r.changed.map((c) => c.modseq))]).sort((a, b) => a[0] - b[0]);
      assert.equal(chain[0][0], mark);
      for (let i = 1; i < chain.length; i++) assert.equal(chain[i][0], chain[i - 1][1]);
      assert.equal((await store.mailboxStatus(u.inbox.id)).highestModseq, chain[chain.length - 1][1]);
    });

    it('reads together what each read answers alone, in order, and throws a failing read\'s error', async () => {
      const [u] = await users(1);
      const [m1, m2, m3] = [await append(u.inbox.id, 'one'), await append(u.inbox.id, 'two'), await append(u.inbox.id, 'three')];
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      await store.storeFlags(u.inbox.id, [m2.uid], 'add', ['\\Seen']);
      await store.storeFlags(u.inbox.id, [m3.uid], 'add', ['\\Deleted']);
      await store.expungeMessages(u.inbox.id);
      const range = { uidFrom: m1.uid, uidTo: m2.uid };
      const [folders, states, all, limited, changes, withContent, folder, none] = await store.readTogether(
        { read: 'listFolders', args: [u.account.id, 'mail'] },
        { read: 'listMessageStates', args: [u.inbox.id, range] },
        { read: 'listMessageStates', args: [u.inbox.id] },
        { read: 'listMessageStates', args: [u.inbox.id, { limit: 1 }] },
        { read: 'changesSince', args: [u.inbox.id, mark, 1000, { withoutContent: true }] },
        { read: 'changesSince', args: [u.inbox.id, mark, 1] },
        { read: 'getFolder', args: [u.inbox.id] },
        { read: 'getFolder', args: [u.inbox.id + 100000] },
      );
      assert.deepEqual(folders, await store.listFolders(u.account.id, 'mail'));
      assert.deepEqual(states, await store.listMessageStates(u.inbox.id, range));
      assert.deepEqual(all, await store.listMessageStates(u.inbox.id));
      assert.deepEqual(limited, await store.listMessageStates(u.inbox.id, { limit: 1 }));
      assert.deepEqual(changes, await store.changesSince(u.inbox.id, mark, 1000, { withoutContent: true }));
      assert.deepEqual(changes.changed.map((i) => i.imapUid), [m2.uid]);
      assert.deepEqual(changes.deleted.map((t) => t.imapUid), [m3.uid]);
      assert.deepEqual(withContent, await store.changesSince(u.inbox.id, mark, 1));
      assert.equal(withContent.more, true);
      assert.deepEqual(folder, await store.getFolder(u.inbox.id));
      assert.equal(none, null);
      // Only the reads the batch can plan as one statement, or not: the same answers either way.
      const [two] = await store.readTogether({ read: 'listMessageStates', args: [u.inbox.id, range] });
      assert.deepEqual(two, states);
      await rejects(store.readTogether(
        { read: 'listFolders', args: [u.account.id, 'mail'] },
        { read: 'changesSince', args: [u.inbox.id + 100000, 0, 10, { withoutContent: true }] },
        { read: 'getFolder', args: [u.inbox.id] },
      ), 'NotFound');
      // The store serves on after the failed batch.
      assert.deepEqual((await store.readTogether({ read: 'getFolder', args: [u.inbox.id] }, { read: 'getFolder', args: [u.inbox.id] })).map((f) => f?.id), [u.inbox.id, u.inbox.id]);
    });

    it('reads the folder\'s changes under a flag change\'s lock, just before the change, when asked', async () => {
      const [u] = await users(1);
      const peer = await opened.peer();
      const [m1, m2] = [await append(u.inbox.id, 'mine'), await append(u.inbox.id, 'theirs')];
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      const theirs = await peer.storeFlags(u.inbox.id, [m2.uid], 'add', ['\\Flagged']);
      const mine = await store.storeFlags(u.inbox.id, [m1.uid], 'add', ['\\Seen'], { changesSince: mark });
      assert.deepEqual(mine.changes!.changed.map((i) => [i.imapUid, i.flags, i.modseq]), [[m2.uid, ['\\Flagged'], theirs.changed[0].modseq]]);
      assert.equal(mine.changes!.modseq, mine.priorModseq);
      assert.equal(mine.changes!.changed[0].content, null, 'without content');
      // Nothing to change: the feed is still read (the change check of a STORE that changed nothing).
      const again = await store.storeFlags(u.inbox.id, [m1.uid], 'add', ['\\Seen'], { changesSince: mark });
      assert.deepEqual(again.changed, []);
      assert.deepEqual(again.changes!.changed.map((i) => i.imapUid), [m2.uid, m1.uid]);
      assert.equal(again.changes!.modseq, mine.changed[0].modseq);
      assert.equal((await store.storeFlags(u.inbox.id, [m1.uid], 'add', ['\\Seen'])).changes, undefined, 'not asked, not read');
      // Concurrent changes: each one's feed ends where its change began (its prior modseq).
      const results = await Promise.all(['$a', '$b', '$c', '$d'].map((f, i) => (i % 2 ? peer : store).storeFlags(u.inbox.id, [m1.uid, m2.uid], 'add', [f], { changesSince: mark })));
      for (const r of results) {
        assert.equal(r.changes!.modseq, r.priorModseq);
        assert.ok(r.changes!.changed.every((i) => i.modseq <= r.priorModseq!));
      }
      await rejects(store.storeFlags(u.inbox.id + 100000, [1], 'add', ['\\Seen'], { changesSince: 0 }), 'NotFound');
    });

    it('reports a missing folder and a folder that is no mail folder when flags are stored', async () => {
      const [u] = await users(1);
      await rejects(store.storeFlags(u.inbox.id + 100000, [1], 'add', ['\\Seen']), 'NotFound');
      const calendar = await store.createFolder({ accountId: u.account.id, parentId: null, name: 'Cal', kind: 'calendar' });
      await rejects(store.storeFlags(calendar.id, [1], 'add', ['\\Seen']), 'Invalid');
      assert.deepEqual(await store.storeFlags(u.inbox.id, [], 'add', ['\\Seen']), { changed: [], modified: [] });
    });

    it('is one state with the generic item API that ActiveSync Sync and MoveItems use', async () => {
      const [u] = await users(1);
      const m = await append(u.inbox.id, 'shared');
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      const [{ modseq }] = (await store.storeFlags(u.inbox.id, [m.uid], 'add', ['\\Seen'])).changed;
      const generic = await store.changesSince(u.inbox.id, mark);
      assert.deepEqual(generic.changed.map((i) => [i.id, i.flags, i.modseq, i.imapUid]), [[m.itemId, ['\\Seen'], modseq, m.uid]]);
      const trash = await folder(u.account.id, 'trash');
      const moved = await store.moveItem(m.itemId, trash.id);
      const inTrash = await store.listMessages(trash.id);
      assert.deepEqual(inTrash.map((x) => [x.itemId, x.uid, x.flags, x.parsed.subject]), [[m.itemId, moved.imapUid, ['\\Seen'], 'shared']]);
      assert.deepEqual((await store.mailChangesSince(u.inbox.id, modseq)).vanished, [m.uid]);
      await store.deleteItem(m.itemId);
      assert.equal(await store.getMessage(m.itemId), null);
      assert.equal((await store.quotaUsage(u.account.id)).messages, 0);
    });

    it('copies and moves with UIDPLUS mappings; the source UIDs vanish on move', async () => {
      const [u] = await users(1);
      const archive = await folder(u.account.id, 'archive');
      const a = await append(u.inbox.id, 'a', ['\\Seen']);
      const b = await append(u.inbox.id, 'b');
      const c = await append(u.inbox.id, 'c');
      const copied = await store.copyMessages(u.inbox.id, [c.uid, a.uid], archive.id);
      assert.equal(copied.uidValidity, archive.uidValidity);
      assert.deepEqual(copied.pairs, [[a.uid, 1], [c.uid, 2]]);
      assert.deepEqual((await store.getMessageByUid(archive.id, 1))?.flags, ['\\Seen']);
      assert.equal((await store.quotaUsage(u.account.id)).messages, 5);
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      const moved = await store.moveMessages(u.inbox.id, [b.uid], archive.id);
      assert.deepEqual(moved.pairs, [[b.uid, 3]]);
      assert.deepEqual((await store.listMessages(u.inbox.id)).map((m) => m.uid), [a.uid, c.uid]);
      assert.deepEqual((await store.mailChangesSince(u.inbox.id, mark)).vanished, [b.uid]);
      assert.equal((await store.getMessageByUid(archive.id, 3))?.parsed.subject, 'b');
      assert.equal((await store.quotaUsage(u.account.id)).messages, 5);
      const [other] = await users(1);
      await rejects(store.moveMessages(u.inbox.id, [a.uid], other.inbox.id), 'Invalid');
    });

    it('expunges only \\Deleted messages, optionally by UID, and releases their quota', async () => {
      const [u] = await users(1);
      const ms = [await append(u.inbox.id, 'a'), await append(u.inbox.id, 'b'), await append(u.inbox.id, 'c')];
      await store.storeFlags(u.inbox.id, [ms[0].uid, ms[2].uid], 'add', ['\\Deleted']);
      const mark = (await store.mailboxStatus(u.inbox.id)).highestModseq;
      assert.deepEqual(await store.expungeMessages(u.inbox.id, [ms[1].uid, ms[2].uid]), [ms[2].uid]);
      assert.deepEqual(await store.expungeMessages(u.inbox.id), [ms[0].uid]);
      assert.deepEqual(await store.expungeMessages(u.inbox.id), []);
      assert.deepEqual((await store.listMessages(u.inbox.id)).map((m) => m.uid), [ms[1].uid]);
      assert.deepEqual((await store.mailChangesSince(u.inbox.id, mark)).vanished, [ms[0].uid, ms[2].uid]);
      assert.equal((await store.quotaUsage(u.account.id)).messages, 1);
      assert.equal((await store.quotaUsage(u.account.id)).bytes, ms[1].size);
      const status = await store.mailboxStatus(u.inbox.id);
      assert.equal(status.uidNext, 4, 'UIDs are never reused');
    });

    it('lists by UID range and reads part bytes by offsets', async () => {
      const [u] = await users(1);
      for (const s of ['1', '2', '3', '4']) await append(u.inbox.id, s);
      assert.deepEqual((await store.listMessages(u.inbox.id, { uidFrom: 2, uidTo: 3 })).map((m) => m.uid), [2, 3]);
      assert.deepEqual((await store.listMessages(u.inbox.id, { uidFrom: 3, limit: 1 })).map((m) => m.uid), [3]);
      const states = await store.listMessageStates(u.inbox.id, { uidFrom: 2, uidTo: 3 });
      const full = await store.listMessages(u.inbox.id, { uidFrom: 2, uidTo: 3 });
      assert.deepEqual(states, full.map(({ parsed: _parsed, ...rest }) => rest));
      const m = (await store.getMessageByUid(u.inbox.id, 4))!;
      const body = await store.readMessageBytes(m.itemId, { start: m.parsed.mime.bodyStart, end: m.parsed.mime.bodyEnd });
      assert.equal(body?.toString(), 'Hello 4\r\n');
      assert.equal(await store.readMessageBytes(m.itemId, { start: m.size + 10, end: m.size + 20 }).then((b) => b?.length), 0);
      assert.equal(await store.getMessage(999_999), null);
    });

    it('threads a reply with the message it answers', async () => {
      const [u] = await users(1);
      const root = await append(u.inbox.id, 'root', [], { id: 'root@example.net' });
      const reply = await append(u.inbox.id, 'reply', [], { id: 'reply@example.net', inReplyTo: 'root@example.net', references: ['root@example.net'] });
      const other = await append(u.inbox.id, 'other', [], { id: 'other@example.net' });
      assert.match(root.threadId, /^[0-9a-f]{32}$/);
      assert.equal(reply.threadId, root.threadId);
      assert.notEqual(other.threadId, root.threadId);
      assert.equal(reply.parsed.inReplyTo, 'root@example.net');
    });

    it('gives a mail folder deleted and created again a greater UIDVALIDITY, even within one second (RFC 9051 §2.3.1.1)', async () => {
      const [u] = await users(1);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const f = await store.createMailFolder(u.account.id, 'Again');
        seen.push(f.uidValidity);
        await store.deleteMailFolder(f.id);
      }
      // Three creations in a row take well under a second: the clock alone would repeat itself.
      assert.ok(seen[0] < seen[1] && seen[1] < seen[2], `increasing: ${seen.join(', ')}`);
      assert.ok(seen.every((v) => v > 0 && v <= 0xffffffff));
      const other = await store.createMailFolder(u.account.id, 'Other');
      assert.ok(other.uidValidity > seen[2]);
    });

    it('creates, renames and deletes mail folders; the inbox stays', async () => {
      const [u] = await users(1);
      const f = await store.createMailFolder(u.account.id, 'Projects');
      assert.equal(f.kind, 'mail');
      const sub = await store.createMailFolder(u.account.id, 'Hearth', { parentId: f.id });
      await rejects(store.createMailFolder(u.account.id, 'Projects'), 'Conflict');
      await rejects(store.createMailFolder(u.account.id, 'Old', { role: 'archive' }), 'Conflict');
      const m = await append(sub.id, 'in sub');
      const renamed = await store.renameMailFolder(f.id, 'Work');
      assert.equal(renamed.name, 'Work');
      assert.equal(renamed.uidValidity, f.uidValidity);
      await store.deleteMailFolder(f.id);
      assert.equal(await store.getFolder(sub.id), null);
      assert.equal(await store.getMessage(m.itemId), null);
      assert.equal((await store.quotaUsage(u.account.id)).messages, 0);
      await rejects(store.deleteMailFolder(u.inbox.id), 'Invalid');
      const cal = await folder(u.account.id, 'calendar');
      await rejects(store.appendMessages(cal.id, [{ bytes: rfc822('x'), parsed: await parseMessage(rfc822('x')) }]), 'Invalid');
    });
  });
}

async function waitFor(cond: () => boolean): Promise<void> {
  // Change events arrive asynchronously (NOTIFY on PostgreSQL); poll on the event loop, no fixed sleep.
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'event arrived');
}
