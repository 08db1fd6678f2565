/**
 * The console's mail objects in a real browser (Debian's chromium through playwright-core)
 * against the real server: a domain administrator of a.test creates a mailing list, adds a
 * member and changes a post policy; finds a deferred message of the domain in the outbound
 * queue and retries it; creates the domain's DKIM key and sees the DNS record to publish. The
 * administrator of b.test sees none of it, not even by typing the addresses.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, consoleHarness, WAIT_MS, type ConsoleHarness } from './harness.js';

const skip = browserSkip();

describe('admin console: mailing lists, queue and DKIM in chromium', { skip, timeout: 15 * 60_000 }, () => {
  let h: ConsoleHarness;
  before(async () => {
    h = await consoleHarness();
  });
  after(async () => h?.close());
  afterEach(() => assert.deepEqual(h.pageProblems.splice(0), [], 'no script errors, nothing blocked by the CSP'));

  /** A message of a.test (submitted by ann) whose one recipient was deferred, next attempt in an hour. */
  async function deferredMessage(): Promise<{ id: string; later: number }> {
    const store = h.t.store;
    const bytes = Buffer.from('From: ann@a.test\r\nSubject: hi\r\n\r\nbody\r\n');
    const blobHash = await store.putBlob(bytes);
    const now = Date.now();
    const m = await store.enqueueMessage({
      mailFrom: 'ann@a.test',
      recipients: ['far@remote.example'],
      blobHash,
      size: bytes.length,
      now,
      expiresAt: now + 5 * 24 * 3_600_000,
      submittedBy: 'ann@a.test',
    });
    const later = Date.now() + 3_600_000;
    const claimed = await store.claimQueuedMessages('console-test', Date.now(), 60_000, 100);
    for (const c of claimed) {
      const mine = c.id === m.id;
      await store.completeQueueAttempt(c.id, 'console-test', {
        recipients: mine ? [{ address: 'far@remote.example', state: 'deferred', lastError: '451 4.7.1 try again later' }] : [],
        nextAttemptAt: mine ? later : Date.now(),
        now: Date.now(),
      });
    }
    assert.equal((await store.getQueuedMessage(m.id))?.nextAttemptAt, later);
    return { id: m.id, later };
  }

  it('a domain administrator manages a list, retries a queued message and makes a DKIM key; another domain sees none of it', async () => {
    const { id, later } = await deferredMessage();
    const page = await h.signIn('admin@a.test');
    const nav = page.getByRole('navigation', { name: 'Console' });

    // A new list, then its settings page.
    await nav.getByRole('link', { name: 'Mailing lists' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mailing lists of a.test' }).waitFor();
    await page.getByText('New list').click();
    await page.getByLabel('List address').fill('team');
    await page.getByLabel('List name').fill('The Team');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { level: 1, name: 'team@a.test' }).waitFor();
    assert.equal((await h.t.store.getList('team@a.test'))?.name, 'The Team');

    // A member with a role; disabled state shown per member.
    await page.getByLabel('Member address').fill('Ann@A.test');
    await page.getByLabel('Role').selectOption('moderator');
    await page.getByRole('button', { name: 'Add member' }).click();
    const annRow = page.getByRole('row').filter({ hasText: 'ann@a.test' });
    await annRow.getByRole('cell', { name: 'moderator' }).waitFor();
    await annRow.getByRole('cell', { name: 'active' }).waitFor();
    const list = (await h.t.store.getList('team@a.test'))!;
    const members = await h.t.store.listListMembers(list.id);
    assert.deepEqual(
      members.map((m) => [m.address, m.role]),
      [['ann@a.test', 'moderator']],
    );

    // The form shows the list's settings (a new list: members may post, non-members may not), and
    // a policy change is saved with If-Match, leaving the others as they were.
    assert.equal(await page.getByLabel('Posts by non-members').inputValue(), 'deny');
    assert.equal(await page.getByLabel('Subscription by mail').inputValue(), list.subscription);
    await page.getByLabel('Posts by non-members').selectOption('moderate');
    await page.getByLabel('Subject prefix').fill('[team]');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const changed = (await h.t.store.getList('team@a.test'))!;
    assert.equal(changed.nonMemberPosts, 'moderate');
    assert.equal(changed.subjectPrefix, '[team]');
    assert.deepEqual([changed.memberPosts, changed.moderatorPosts, changed.replyTo, changed.subscription, changed.bounceLimit], [list.memberPosts, list.moderatorPosts, list.replyTo, list.subscription, list.bounceLimit]);
    // The page holds the ETag of its last save: a change made elsewhere meanwhile makes its next
    // save fail with 412 instead of overwriting that change.
    const { updateList } = await import('../../../src/admin/lists.js');
    await updateList(h.t.store, { actor: 'elsewhere', source: null }, changed, { name: 'Renamed elsewhere' });
    await page.getByLabel('Posts by members').selectOption('moderate');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: '(412)' }).waitFor();
    assert.equal((await h.t.store.getList('team@a.test'))?.memberPosts, changed.memberPosts);

    // The queue: the deferred message with its last error; retry after the confirmation.
    await nav.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Outbound queue' }).waitFor();
    await page.getByRole('link', { name: `#${id}` }).click();
    await page.getByRole('heading', { level: 1, name: `Queued message #${id}` }).waitFor();
    await page.getByRole('cell', { name: '451 4.7.1 try again later' }).waitFor();
    await page.getByRole('button', { name: 'Retry now' }).click();
    const dialog = page.getByRole('dialog', { name: `Retry message #${id} now?` });
    await dialog.getByRole('button', { name: 'Retry now' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('status').filter({ hasText: `Message #${id} is due now.` }).waitFor();
    const retried = await h.t.store.getQueuedMessage(id);
    assert.ok(retried && retried.nextAttemptAt < later, 'the retry made the message due');

    // DKIM on the domain page: none yet, create, see the record.
    await nav.getByRole('link', { name: 'Domains' }).click();
    await page.getByRole('button', { name: 'Edit a.test' }).click();
    await page.getByText('a.test has no DKIM key').waitFor();
    await page.getByRole('button', { name: 'Create DKIM key' }).click();
    const value = page.getByLabel('TXT value');
    await value.waitFor();
    const key = await h.t.store.getDkimKey((await h.t.store.getDomain('a.test'))!.id);
    assert.ok(key, 'the key is stored');
    assert.equal(await page.getByLabel('DNS name').inputValue(), `${key.selector}._domainkey.a.test`);
    assert.match(await value.inputValue(), /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    await page.context().close();

    // The administrator of b.test: no list, no message, no key of a.test, even by address.
    const other = await h.signIn('admin@b.test');
    const otherNav = other.getByRole('navigation', { name: 'Console' });
    await otherNav.getByRole('link', { name: 'Mailing lists' }).click();
    await other.getByRole('heading', { level: 1, name: 'Mailing lists of b.test' }).waitFor();
    await other.getByText('Mailing lists (0)').waitFor();
    await otherNav.getByRole('link', { name: 'Queue' }).click();
    await other.getByText('Queued messages (0)').waitFor();
    await other.goto(`${h.base}/admin/d/a.test/lists/team%40a.test`);
    await other.getByRole('alert').filter({ hasText: '(404)' }).first().waitFor();
    await other.goto(`${h.base}/admin/queue/${id}`);
    await other.getByRole('alert').filter({ hasText: '(404)' }).first().waitFor();
    await otherNav.getByRole('link', { name: 'Domains' }).click();
    await other.getByRole('button', { name: 'Edit b.test' }).click();
    await other.getByText('b.test has no DKIM key').waitFor();
    assert.equal(await other.getByText('a.test').count(), 0);
    assert.equal(await other.getByText('team@a.test').count(), 0);
    await other.context().close();
  });
});
