/**
 * The mail objects of the admin API: mailing lists (CRUD, members, policies, If-Match), the
 * outbound queue (paging, filters, retry, delete: the same functions as `hearth queue`) and DKIM
 * keys (make, read, rotate; the private key never in an answer), by role: server admin, domain
 * admin, domain read-only, read-only API key. Every change leaves its audit event.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { apiHarness, PW, type ApiHarness, type Caller } from './harness.js';

const MINUTE = 60_000;

async function enqueue(h: ApiHarness, mailFrom: string, recipients: string[], submittedBy?: string): Promise<string> {
  const bytes = Buffer.from(`From: ${mailFrom}\r\nSubject: hi\r\n\r\nbody\r\n`);
  const blobHash = await h.t.store.putBlob(bytes);
  const now = Date.now();
  const m = await h.t.store.enqueueMessage({ mailFrom, recipients, blobHash, size: bytes.length, now, expiresAt: now + 5 * 24 * 60 * MINUTE, ...(submittedBy ? { submittedBy } : {}) });
  return m.id;
}

describe('admin API: mailing lists', () => {
  let h: ApiHarness;
  let adminA: Caller;
  before(async () => {
    h = await apiHarness();
    adminA = await h.as('admin@a.test');
  });
  after(async () => h.close());

  it('a domain admin creates a list, sets its policies with If-Match, manages members, deletes it; all audited', async () => {
    const created = await adminA.req('POST', '/api/v1/domains/a.test/lists', { address: 'Team@A.test', name: 'Team', subjectPrefix: '[team]', posting: 'members' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().address, 'team@a.test');
    assert.equal(created.headers.location, '/api/v1/lists/team%40a.test');
    assert.equal((await h.t.store.getList('team@a.test'))!.posting, 'members');

    const got = await adminA.req('GET', '/api/v1/lists/team@a.test');
    const etag = String(got.headers.etag);
    const changed = await adminA.req('PATCH', '/api/v1/lists/team@a.test', { posting: 'owners', replyTo: 'list' }, { 'if-match': etag });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().posting, 'owners');
    // The same stale tag again: refused, nothing changed.
    const stale = await adminA.req('PATCH', '/api/v1/lists/team@a.test', { posting: 'anyone' }, { 'if-match': etag });
    assert.equal(stale.statusCode, 412);
    assert.equal((await h.t.store.getList('team@a.test'))!.posting, 'owners');
    assert.equal((await adminA.req('PATCH', '/api/v1/lists/team@a.test', { posting: 'everyone' })).statusCode, 400);
    // The per-class policies and the subscription policy (the lists' mail commands read them).
    const policies = await adminA.req('PATCH', '/api/v1/lists/team@a.test', { subscription: 'moderated', nonMemberPosts: 'moderate', bounceLimit: 3, description: 'The team' });
    assert.equal(policies.statusCode, 200, policies.body);
    assert.equal(policies.json().posting, 'custom');
    const stored = (await h.t.store.getList('team@a.test'))!;
    assert.deepEqual([stored.subscription, stored.nonMemberPosts, stored.bounceLimit, stored.description], ['moderated', 'moderate', 3, 'The team']);
    assert.equal((await adminA.req('PATCH', '/api/v1/lists/team@a.test', { memberPosts: 'sometimes' })).statusCode, 400);

    assert.equal((await adminA.req('PUT', '/api/v1/lists/team@a.test/members/ann@a.test', {})).statusCode, 200);
    assert.equal((await adminA.req('PUT', '/api/v1/lists/team@a.test/members/boss@elsewhere.example', { role: 'owner' })).statusCode, 200);
    assert.equal((await adminA.req('PUT', '/api/v1/lists/team@a.test/members/ann@a.test', {})).statusCode, 200, 'idempotent');
    assert.equal((await adminA.req('PUT', '/api/v1/lists/team@a.test/members/team@a.test', {})).statusCode, 422, 'not its own member');
    const members = (await adminA.req('GET', '/api/v1/lists/team@a.test/members?limit=1')).json();
    assert.equal(members.total, 2);
    assert.deepEqual(members.items, [{ address: 'ann@a.test', role: 'member', disabled: false, bounces: 0, createdAt: members.items[0].createdAt }]);
    assert.deepEqual((await h.t.store.listListMembers((await h.t.store.getList('team@a.test'))!.id)).map((m) => m.role), ['member', 'owner']);
    assert.equal((await adminA.req('DELETE', '/api/v1/lists/team@a.test/members/ann@a.test')).statusCode, 204);
    assert.equal((await adminA.req('DELETE', '/api/v1/lists/team@a.test/members/ann@a.test')).statusCode, 404);

    const listing = (await adminA.req('GET', '/api/v1/domains/a.test/lists?q=tea')).json();
    assert.deepEqual(listing.items.map((l: { address: string }) => l.address), ['team@a.test']);
    assert.equal((await adminA.req('POST', '/api/v1/domains/a.test/lists', { address: 'ann@a.test' })).statusCode, 409, 'an account has the address');
    assert.equal((await adminA.req('POST', '/api/v1/domains/a.test/lists', { address: 'x@b.test' })).statusCode, 422);

    assert.equal((await adminA.req('DELETE', '/api/v1/lists/team@a.test')).statusCode, 204);
    assert.equal(await h.t.store.getList('team@a.test'), null);
    const audit = (await adminA.req('GET', '/api/v1/audit?target=list:team@a.test&limit=100')).json();
    assert.deepEqual(audit.items.map((e: { action: string }) => e.action).reverse(), [
      'list.created', 'list.updated', 'list.updated', 'list.members.added', 'list.members.added', 'list.members.removed', 'list.deleted',
    ]);
    assert.equal(audit.items[0].actor, 'admin@a.test');
  });

  it('a domain read-only administrator reads lists but may not change them (403)', async () => {
    await h.t.addUser('viewer@a.test', PW);
    const root = await h.as('root@a.test');
    assert.equal((await root.req('PUT', '/api/v1/users/viewer@a.test/roles', { readOnlyDomains: ['a.test'] })).statusCode, 200);
    assert.equal((await root.req('POST', '/api/v1/domains/a.test/lists', { address: 'news@a.test' })).statusCode, 201);
    const viewer = await h.as('viewer@a.test');
    assert.equal((await viewer.req('GET', '/api/v1/lists/news@a.test')).statusCode, 200);
    assert.equal((await viewer.req('PATCH', '/api/v1/lists/news@a.test', { name: 'x' })).statusCode, 403);
    assert.equal((await viewer.req('POST', '/api/v1/domains/a.test/lists', { address: 'more@a.test' })).statusCode, 403);
    assert.equal((await h.t.store.getList('news@a.test'))!.name !== 'x', true);
  });
});

describe('admin API: the outbound queue', () => {
  let h: ApiHarness;
  let ids: { a1: string; a2: string; b1: string; bounce: string };
  before(async () => {
    h = await apiHarness();
    ids = {
      a1: await enqueue(h, 'ann@a.test', ['x@remote.example'], 'ann@a.test'),
      a2: await enqueue(h, 'ann@a.test', ['y@remote.example', 'z@other.example']),
      b1: await enqueue(h, 'bob@b.test', ['x@remote.example'], 'bob@b.test'),
      bounce: await enqueue(h, '', ['someone@remote.example']),
    };
  });
  after(async () => h.close());

  it('the server admin sees every message, pages and filters', async () => {
    const root = await h.as('root@a.test');
    const all = (await root.req('GET', '/api/v1/queue')).json();
    assert.equal(all.total, 4);
    const page2 = (await root.req('GET', '/api/v1/queue?limit=2&offset=2')).json();
    assert.deepEqual(page2.items.map((m: { id: string }) => m.id), [ids.b1, ids.bounce]);
    const other = (await root.req('GET', '/api/v1/queue?q=other.example')).json();
    assert.deepEqual(other.items.map((m: { id: string }) => m.id), [ids.a2]);
    assert.equal((await root.req('GET', '/api/v1/queue?state=failed')).json().total, 0);
    assert.equal((await root.req('GET', '/api/v1/queue?domain=b.test')).json().items[0].id, ids.b1);
    const one = (await root.req('GET', `/api/v1/queue/${ids.bounce}`)).json();
    assert.equal(one.mailFrom, '');
    assert.equal(one.recipients[0].state, 'pending');
  });

  it("a domain admin sees and retries its domain's messages and deletes one; audited in its log", async () => {
    const adminA = await h.as('admin@a.test');
    const mine = (await adminA.req('GET', '/api/v1/queue')).json();
    assert.deepEqual(mine.items.map((m: { id: string }) => m.id), [ids.a1, ids.a2]);
    // Push the message's next attempt into the future, then retry: due now again.
    const later = Date.now() + 3_600_000;
    const claimed = await h.t.store.claimQueuedMessages('test', Date.now(), 60_000, 10);
    assert.ok(claimed.some((m) => m.id === ids.a1));
    const kept = await h.t.store.completeQueueAttempt(ids.a1, 'test', {
      recipients: [{ address: 'x@remote.example', state: 'deferred', lastError: '451 try later' }],
      nextAttemptAt: later,
      now: Date.now(),
    });
    assert.equal(kept, 'kept');
    for (const m of claimed) if (m.id !== ids.a1) await h.t.store.completeQueueAttempt(m.id, 'test', { recipients: [], nextAttemptAt: Date.now(), now: Date.now() });
    assert.equal(Date.parse((await adminA.req('GET', `/api/v1/queue/${ids.a1}`)).json().nextAttemptAt), later);
    const got = await adminA.req('GET', `/api/v1/queue/${ids.a1}`);
    const retried = await adminA.req('POST', `/api/v1/queue/${ids.a1}/retry`, undefined, { 'if-match': String(got.headers.etag) });
    assert.equal(retried.statusCode, 200, retried.body);
    assert.ok(Date.parse(retried.json().nextAttemptAt) < later);
    assert.equal((await adminA.req('DELETE', `/api/v1/queue/${ids.a2}`)).statusCode, 204);
    assert.equal(await h.t.store.getQueuedMessage(ids.a2), null);
    const audit = (await adminA.req('GET', '/api/v1/audit?action=queue.&limit=10')).json();
    assert.deepEqual(audit.items.map((e: { action: string; target: string }) => `${e.action} ${e.target}`), [
      `queue.delete queue:${ids.a2}@a.test`,
      `queue.retry queue:${ids.a1}@a.test`,
    ]);
  });

  it('a read-only API key lists but cannot retry or delete', async () => {
    const root = await h.as('root@a.test');
    const key = (await root.req('POST', '/api/v1/api-keys', { access: 'read', label: 'billing' })).json().secret as string;
    const ro = h.bearer(key);
    assert.equal((await ro.req('GET', '/api/v1/queue')).statusCode, 200);
    assert.equal((await ro.req('POST', `/api/v1/queue/${ids.b1}/retry`)).statusCode, 403);
    assert.equal((await ro.req('DELETE', `/api/v1/queue/${ids.b1}`)).statusCode, 403);
    assert.ok(await h.t.store.getQueuedMessage(ids.b1));
  });

  it('a malformed id is a 400, an absent one a 404', async () => {
    const root = await h.as('root@a.test');
    assert.equal((await root.req('GET', '/api/v1/queue/abc')).statusCode, 400);
    assert.equal((await root.req('GET', '/api/v1/queue/999999')).statusCode, 404);
  });
});

describe('admin API: DKIM keys', () => {
  let h: ApiHarness;
  before(async () => {
    h = await apiHarness();
  });
  after(async () => h.close());

  it('a domain admin makes the key (idempotent), reads the DNS record, rotates it; no private key in any answer', async () => {
    const adminA = await h.as('admin@a.test');
    assert.equal((await adminA.req('GET', '/api/v1/domains/a.test/dkim')).statusCode, 404);
    const made = await adminA.req('PUT', '/api/v1/domains/a.test/dkim');
    assert.equal(made.statusCode, 201, made.body);
    const key = made.json();
    assert.match(key.dnsName, /^hearth\d{8}\._domainkey\.a\.test$/);
    assert.match(key.dnsValue, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    // The published value is the stored key's public half, a valid 2048-bit RSA key.
    const pub = createPublicKey({ key: Buffer.from(key.dnsValue.split('p=')[1], 'base64'), format: 'der', type: 'spki' });
    assert.equal(pub.asymmetricKeyDetails?.modulusLength, 2048);
    const again = await adminA.req('PUT', '/api/v1/domains/a.test/dkim');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().selector, key.selector);

    const etag = String((await adminA.req('GET', '/api/v1/domains/a.test/dkim')).headers.etag);
    const rotated = await adminA.req('POST', '/api/v1/domains/a.test/dkim/rotate', undefined, { 'if-match': etag });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.notEqual(rotated.json().selector, key.selector);
    assert.equal(rotated.json().previous.selector, key.selector);
    assert.notEqual(rotated.json().dnsValue, key.dnsValue);
    const stored = (await h.t.store.getDkimKey((await h.t.store.getDomain('a.test'))!.id))!;
    assert.equal(stored.selector, rotated.json().selector);
    assert.equal((await adminA.req('POST', '/api/v1/domains/a.test/dkim/rotate', undefined, { 'if-match': etag })).statusCode, 412);
    for (const body of [made.body, again.body, rotated.body]) {
      assert.ok(!body.includes('PRIVATE KEY') && !body.includes(stored.privateKey.split('\n')[1]), 'no private key');
    }
    const audit = (await adminA.req('GET', '/api/v1/audit?action=domain.dkim&limit=10')).json();
    assert.deepEqual(audit.items.map((e: { action: string }) => e.action), ['domain.dkim.rotate', 'domain.dkim.create']);
  });

  it('a read-only key reads the record but cannot make or rotate a key', async () => {
    const root = await h.as('root@a.test');
    const ro = h.bearer((await root.req('POST', '/api/v1/api-keys', { access: 'read' })).json().secret);
    assert.equal((await ro.req('PUT', '/api/v1/domains/b.test/dkim')).statusCode, 403);
    assert.equal(await h.t.store.getDkimKey((await h.t.store.getDomain('b.test'))!.id), null);
    assert.equal((await root.req('PUT', '/api/v1/domains/b.test/dkim')).statusCode, 201);
    assert.equal((await ro.req('GET', '/api/v1/domains/b.test/dkim')).statusCode, 200);
    assert.equal((await ro.req('POST', '/api/v1/domains/b.test/dkim/rotate')).statusCode, 403);
  });
});
