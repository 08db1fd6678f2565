import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { deliver } from '../../../src/mail/deliver.js';
import { MailParseError, parseMessage } from '../../../src/mail/parse.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import { rfc822 } from '../store/mail-contract.js';

const env = { envelope: { mailFrom: 'sender@example.net' } };

for (const factory of await storeFactories()) {
  describe(`deliver() (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let store: Store;
    let seq = 0;
    before(async () => { opened = await factory.open(); store = opened.store; });
    after(async () => { await opened?.dispose(); });

    async function domain(opts: { maxMessageSize?: number } = {}) {
      return store.createDomain({ name: `deliver${++seq}.example`, maxMessageSize: opts.maxMessageSize ?? null });
    }
    const inboxOf = async (accountId: number) => (await store.findFolderByRole(accountId, 'inbox'))!;

    it('delivers to every local user once and reports the rest', async () => {
      const d = await domain();
      const ann = await store.createAccount({ domainId: d.id, email: `ann@${d.name}` });
      const bob = await store.createAccount({ domainId: d.id, email: `bob@${d.name}` });
      const off = await store.createAccount({ domainId: d.id, email: `off@${d.name}` });
      await store.updateAccount(off.id, { disabled: true });
      const raw = rfc822('hello all');
      const r = await deliver(store, [`ANN@${d.name}`, `ann@${d.name}`, `bob@${d.name}`, `nobody@${d.name}`, `off@${d.name}`], raw, env);
      assert.deepEqual(r.delivered.map((x) => x.address), [`ann@${d.name}`, `bob@${d.name}`]);
      assert.deepEqual(r.unknown, [`nobody@${d.name}`, `off@${d.name}`]);
      for (const a of [ann, bob]) {
        const [m] = await store.listMessages((await inboxOf(a.id)).id);
        assert.equal(m.parsed.subject, 'hello all');
        assert.deepEqual(await store.readMessageBytes(m.itemId), raw);
      }
    });

    it('is durable: a store opened afterwards (another node or process) sees the message', async () => {
      const d = await domain();
      const ann = await store.createAccount({ domainId: d.id, email: `ann@${d.name}` });
      await deliver(store, [ann.email], rfc822('durable'), env);
      const peer = await opened.peer();
      assert.deepEqual((await peer.listMessages((await inboxOf(ann.id)).id)).map((m) => m.parsed.subject), ['durable']);
    });

    it('refuses a message over the domain maximum size for that domain only', async () => {
      const small = await domain({ maxMessageSize: 300 });
      const big = await domain();
      const a = await store.createAccount({ domainId: small.id, email: `a@${small.name}` });
      const b = await store.createAccount({ domainId: big.id, email: `b@${big.name}` });
      const r = await deliver(store, [a.email, b.email], rfc822('large', { pad: 400 }), env);
      assert.deepEqual(r.tooLarge, [a.email]);
      assert.deepEqual(r.delivered.map((x) => x.address), [b.email]);
      assert.equal((await store.mailboxStatus((await inboxOf(a.id)).id)).messages, 0);
    });

    it('files into the folder the caller chooses (a spam verdict: Junk) with the given flags', async () => {
      const d = await domain();
      const a = await store.createAccount({ domainId: d.id, email: `a@${d.name}` });
      await deliver(store, [a.email], rfc822('spam'), { ...env, folderRole: () => 'junk', flags: ['$Junk'] });
      const junk = (await store.findFolderByRole(a.id, 'junk'))!;
      assert.deepEqual((await store.listMessages(junk.id)).map((m) => m.flags), [['$Junk']]);
    });

    it('sends one quota warning at 90 % and refuses over quota with nothing written', async () => {
      const d = await domain();
      const raw = rfc822('filler', { pad: 1000 });
      const a = await store.createAccount({ domainId: d.id, email: `a@${d.name}`, quotaBytes: raw.length * 3 + 200 });
      const inbox = await inboxOf(a.id);
      assert.deepEqual((await deliver(store, [a.email], raw, env)).warned, []);
      assert.deepEqual((await deliver(store, [a.email], raw, env)).warned, []);
      const third = await deliver(store, [a.email], raw, env);
      assert.deepEqual(third.warned, [a.email]);
      const subjects = (await store.listMessages(inbox.id)).map((m) => m.parsed.subject);
      assert.deepEqual(subjects, ['filler', 'filler', 'filler', 'Your mailbox is nearly full']);
      const warning = (await store.getMessageByUid(inbox.id, 4))!;
      assert.match((await store.readMessageBytes(warning.itemId))!.toString(), /^Auto-Submitted: auto-generated\r$/m);
      const over = await deliver(store, [a.email], raw, env);
      assert.deepEqual([over.overQuota, over.delivered, over.warned], [[a.email], [], []]);
      assert.equal((await store.mailboxStatus(inbox.id)).messages, 4);
    });

    it('refuses a message beyond the parser limits before writing anything', async () => {
      const d = await domain();
      const a = await store.createAccount({ domainId: d.id, email: `a@${d.name}` });
      let deep = 'x\r\n';
      for (let i = 0; i < 60; i++) deep = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${deep}\r\n--b${i}--\r\n`;
      const before = [await store.accountModseq(a.id), await store.quotaUsage(a.id)];
      await assert.rejects(deliver(store, [a.email], Buffer.from(`Subject: deep\r\n${deep}`), env), (e) => e instanceof MailParseError);
      assert.deepEqual([await store.accountModseq(a.id), await store.quotaUsage(a.id)], before);
    });

    it('uses the caller\'s parse when given, and delivers nothing to nobody', async () => {
      const raw = rfc822('preparsed');
      const parsed = await parseMessage(raw);
      const r = await deliver(store, [], raw, { ...env, parsed });
      assert.equal(r.parsed, parsed);
      assert.deepEqual(r.delivered, []);
    });
  });
}
