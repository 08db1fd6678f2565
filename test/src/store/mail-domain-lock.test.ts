/**
 * PostgreSQL: a delivery locks its domain's row only when the domain has a quota
 * (src/store/mail-quota.ts), and then FOR NO KEY UPDATE. With another transaction holding that
 * lock (as a delivery into a domain with a quota, or an account creation, does), a delivery into a
 * domain without limits completes; one into a domain with a quota waits for the row (seen in
 * pg_stat_activity as waiting on a lock) and completes once the holder commits, within the quota.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Store } from '../../../src/store/store.js';
import { openStore } from '../../../src/store/open.js';
import { parseMessage } from '../../../src/mail/parse.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';
import { rfc822 } from './mail-contract.js';

const skip = (await postgresSkipReason()) ?? false;

describe('domain row lock of deliveries (postgres)', { skip }, () => {
  let db: { url: string; drop(): Promise<void> };
  let store: Store;
  let holder: pg.Client;
  let watcher: pg.Client;
  before(async () => {
    db = await freshPostgresUrl();
    store = await openStore(db.url, '/nonexistent');
    holder = new pg.Client({ connectionString: db.url });
    watcher = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await watcher.connect();
  });
  after(async () => {
    await holder?.end().catch(() => {});
    await watcher?.end().catch(() => {});
    await store?.close();
    await db?.drop();
  });

  async function mailbox(domainName: string, settings: Record<string, unknown>) {
    const domain = await store.createDomain({ name: domainName, settings });
    const account = await store.createAccount({ domainId: domain.id, email: `u@${domainName}`, quotaBytes: null, quotaMessages: null });
    const inbox = (await store.findFolderByRole(account.id, 'inbox'))!;
    return { domain, target: [{ accountId: account.id, folderId: inbox.id }] };
  }

  /** Backends of this database waiting on a lock (the delivery's, while the holder keeps the row). */
  async function lockWaiters(): Promise<number> {
    const r = await watcher.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
    return r.rows[0].n as number;
  }

  it('a domain without limits is not locked: the delivery completes while another transaction holds the row', async () => {
    const { domain, target } = await mailbox('free.example', {});
    await holder.query('begin');
    await holder.query('select id from domains where id = $1 for no key update', [domain.id]);
    try {
      const bytes = rfc822('free');
      const delivery = store.deliverMessage(target, bytes, await parseMessage(bytes));
      let done = false;
      void delivery.then(() => { done = true; }, () => { done = true; });
      // Done, or seen waiting for the row (then the holder lets go below, so nothing hangs).
      const deadline = Date.now() + 120_000;
      while (!done && (await lockWaiters()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const blocked = !done && (await lockWaiters()) > 0;
      await holder.query('commit');
      assert.equal(blocked, false, 'the delivery waited for the domain row');
      assert.equal((await delivery).delivered.length, 1);
    } finally {
      await holder.query('rollback').catch(() => {});
    }
  });

  it('a domain with a quota is locked: the delivery waits for the row and then keeps the quota', async () => {
    const bytes = rfc822('limited', { pad: 100 });
    const { domain, target } = await mailbox('quota.example', { quotaBytes: bytes.length * 2 });
    await holder.query('begin');
    await holder.query('select id from domains where id = $1 for no key update', [domain.id]);
    const parsed = await parseMessage(bytes);
    const first = store.deliverMessage(target, bytes, parsed);
    let done = false;
    void first.then(() => { done = true; }, () => { done = true; });
    // Wait (generously: the machine may be busy) until the delivery is seen waiting for the row.
    const deadline = Date.now() + 120_000;
    while ((await lockWaiters()) === 0 && !done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(done, false, 'the delivery did not pass the held row');
    assert.equal(await lockWaiters(), 1, 'the delivery waits on the row lock');
    await holder.query('commit');
    assert.equal((await first).delivered.length, 1);
    assert.equal((await store.deliverMessage(target, bytes, parsed)).delivered.length, 1);
    assert.deepEqual((await store.deliverMessage(target, bytes, parsed)).delivered, [], 'the third is over the domain quota');
  });
});
