/**
 * WebDAV locks across nodes: two DAV apps over one store (SQLite: the same store object, as one
 * process would; PostgreSQL: two connections to one database, as two nodes behind a load
 * balancer). What one node locks, the other enforces; creation is atomic across them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import type { ChangeEvent } from '../../../src/model/types.js';
import { GRANTS_SIGNAL } from '../../../src/model/signals.js';
import { storeFactories, type OpenedStore } from '../../helpers/stores.js';
import type { FastifyInstance } from 'fastify';
import { AuthService } from '../../../src/auth/auth-service.js';
import { basic, davApp } from './harness.js';

const LOCKINFO = (scope: 'exclusive' | 'shared', owner = 'node-test') =>
  `<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>${owner}</D:owner></D:lockinfo>`;
const XML = { 'content-type': 'application/xml' };

const davNode = async (store: Store): Promise<FastifyInstance> => (await davApp(store)).app;

for (const factory of await storeFactories()) {
  describe(`DAV locks on two nodes (${factory.name})`, { skip: factory.skip ?? false }, () => {
    let opened: OpenedStore;
    let nodeA: FastifyInstance;
    let nodeB: FastifyInstance;
    let storeA: Store;
    const ANN = 'ann@nodes.test';
    const BOB = 'bob@nodes.test';
    const auth: Record<string, string> = { [ANN]: basic(ANN, 'pw-ann'), [BOB]: basic(BOB, 'pw-bob') };
    const call = (node: FastifyInstance, user: string, method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
      node.inject({ method: method as 'GET', url, payload: body, headers: { authorization: auth[user], ...headers } });
    const FILES = `/dav/files/${ANN}/`;

    before(async () => {
      opened = await factory.open();
      storeA = opened.store;
      const storeB = await opened.peer();
      nodeA = await davNode(storeA);
      nodeB = await davNode(storeB);
      const hasher = new AuthService(storeA, { lockout: { maxFailures: 1000, windowMs: 60_000 }, cacheTtlMs: 60_000 });
      const d = await storeA.createDomain({ name: 'nodes.test' });
      await storeA.createAccount({ domainId: d.id, email: ANN, passwordHash: await hasher.hashPassword('pw-ann') });
      await storeA.createAccount({ domainId: d.id, email: BOB, passwordHash: await hasher.hashPassword('pw-bob') });
    });
    after(async () => {
      await nodeA?.close();
      await nodeB?.close();
      await opened?.dispose();
    });

    it('a LOCK through node A blocks a PUT through node B; UNLOCK through B frees it', async () => {
      const url = `${FILES}doc.txt`;
      assert.equal((await call(nodeA, ANN, 'PUT', url, 'v1')).statusCode, 201);
      const lock = await call(nodeA, ANN, 'LOCK', url, LOCKINFO('exclusive'), XML);
      assert.equal(lock.statusCode, 200);
      const token = /<([^>]+)>/.exec(String(lock.headers['lock-token']))![1];

      // Node B knows nothing but the store.
      const blocked = await call(nodeB, ANN, 'PUT', url, 'v2');
      assert.equal(blocked.statusCode, 423);
      assert.match(blocked.body, /lock-token-submitted/);
      const seen = await call(nodeB, ANN, 'PROPFIND', url, '<D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>', { ...XML, depth: '0' });
      assert.match(seen.body, new RegExp(token));
      assert.match(seen.body, /node-test/);

      // With the token, through B, the owner may write; a refresh through B keeps the lock.
      assert.equal((await call(nodeB, ANN, 'PUT', url, 'v2', { if: `(<${token}>)` })).statusCode, 204);
      const refresh = await call(nodeB, ANN, 'LOCK', url, undefined, { if: `(<${token}>)`, timeout: 'Second-600' });
      assert.equal(refresh.statusCode, 200);
      assert.match(refresh.body, /Second-(600|599)/);

      assert.equal((await call(nodeB, ANN, 'UNLOCK', url, undefined, { 'lock-token': `<${token}>` })).statusCode, 204);
      assert.equal((await call(nodeA, ANN, 'PUT', url, 'v3')).statusCode, 204);
      // The token is gone on every node.
      assert.equal((await call(nodeA, ANN, 'UNLOCK', url, undefined, { 'lock-token': `<${token}>` })).statusCode, 409);
    });

    it('two racing exclusive LOCKs through A and B: exactly one gets 200', async () => {
      for (let round = 0; round < 5; round++) {
        const url = `${FILES}race-${round}.txt`;
        assert.equal((await call(nodeA, ANN, 'PUT', url, 'x')).statusCode, 201);
        const [a, b] = await Promise.all([
          call(nodeA, ANN, 'LOCK', url, LOCKINFO('exclusive', 'a'), XML),
          call(nodeB, ANN, 'LOCK', url, LOCKINFO('exclusive', 'b'), XML),
        ]);
        const codes = [a.statusCode, b.statusCode].sort();
        assert.deepEqual(codes, [200, 423], `round ${round}: ${codes}`);
      }
    });

    it('a depth-infinity LOCK of a folder through B conflicts with a member LOCK through A', async () => {
      assert.equal((await call(nodeA, ANN, 'MKCOL', `${FILES}dir/`)).statusCode, 201);
      assert.equal((await call(nodeA, ANN, 'PUT', `${FILES}dir/m.txt`, 'm')).statusCode, 201);
      const member = await call(nodeA, ANN, 'LOCK', `${FILES}dir/m.txt`, LOCKINFO('shared'), XML);
      assert.equal(member.statusCode, 200);
      assert.equal((await call(nodeB, ANN, 'LOCK', `${FILES}dir/`, LOCKINFO('exclusive'), XML)).statusCode, 423);
      // Shared with shared is fine; a DELETE of the folder through B needs the member's token.
      const shared = await call(nodeB, ANN, 'LOCK', `${FILES}dir/`, LOCKINFO('shared'), { ...XML, depth: 'infinity' });
      assert.equal(shared.statusCode, 200);
      assert.equal((await call(nodeB, ANN, 'DELETE', `${FILES}dir/`)).statusCode, 423);
      const t1 = /<([^>]+)>/.exec(String(member.headers['lock-token']))![1];
      const t2 = /<([^>]+)>/.exec(String(shared.headers['lock-token']))![1];
      assert.equal((await call(nodeB, ANN, 'DELETE', `${FILES}dir/`, undefined, { if: `(<${t1}>) (<${t2}>)` })).statusCode, 204);
      // Deleting dropped the locks on the folder and below it, in the store.
      const dir = `${FILES}dir`;
      assert.equal((await storeA.listLocks(ANN, Date.now())).filter((l) => l.path === dir || l.path.startsWith(`${dir}/`)).length, 0);
    });

    it('a lock taken through the owner address in other case binds the usual URL', async () => {
      const url = `${FILES}Case.txt`;
      assert.equal((await call(nodeA, ANN, 'PUT', url, 'x')).statusCode, 201);
      assert.equal((await call(nodeA, ANN, 'LOCK', `/dav/files/${ANN.toUpperCase()}/Case.txt`, LOCKINFO('exclusive'), XML)).statusCode, 200);
      assert.equal((await call(nodeB, ANN, 'PUT', url, 'y')).statusCode, 423);
    });

    it('an expired lock stops counting on every node', async () => {
      const url = `${FILES}brief.txt`;
      assert.equal((await call(nodeA, ANN, 'PUT', url, 'x')).statusCode, 201);
      await storeA.createLock({ token: 'urn:uuid:expired', space: ANN, path: url, expiresAt: Date.now() - 1, data: { scope: 'exclusive', depth: '0', owner: '', principalId: -1, timeoutSeconds: 1 } }, Date.now() - 10, () => false);
      assert.equal((await call(nodeB, ANN, 'PUT', url, 'y')).statusCode, 204);
      assert.equal((await call(nodeB, ANN, 'LOCK', url, LOCKINFO('exclusive'), XML)).statusCode, 200);
    });

    it('a calendar shared with bob is locked under its owner URL: bob\'s LOCK binds ann (and the grant changes signal bob)', async () => {
      const bob = (await storeA.getAccount(BOB))!;
      const signals: ChangeEvent[] = [];
      const stop = storeA.subscribe(bob.id, (e) => { if (e.signal) signals.push(e); });
      const cal = `/dav/calendars/${ANN}/team/`;
      assert.equal((await call(nodeA, ANN, 'MKCALENDAR', cal)).statusCode, 201);
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDURATION:PT1H\r\nSUMMARY:e1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
      assert.equal((await call(nodeA, ANN, 'PUT', `${cal}e1.ics`, ics, { 'content-type': 'text/calendar' })).statusCode, 201);
      const share = await call(nodeA, ANN, 'POST', cal, `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:set><D:href>mailto:${BOB}</D:href><CS:read-write/></CS:set></CS:share>`, XML);
      assert.equal(share.statusCode, 200);
      const grant = (await storeA.listGrantsForGrantee(bob.id)).find((g) => g.props['sharing'] === true)!;
      const reply = await call(nodeB, BOB, 'POST', `/dav/calendars/${BOB}/`, `<CS:invite-reply xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:href>mailto:${ANN}</D:href><CS:invite-accepted/><CS:in-reply-to>${grant.id}</CS:in-reply-to></CS:invite-reply>`, XML);
      assert.equal(reply.statusCode, 200);

      const lock = await call(nodeB, BOB, 'LOCK', `/dav/calendars/${BOB}/shared-${grant.id}/e1.ics`, LOCKINFO('exclusive'), XML);
      assert.equal(lock.statusCode, 200);
      assert.match(lock.body, new RegExp(`<D:lockroot><D:href>${cal}e1.ics</D:href>`));
      assert.equal((await call(nodeA, ANN, 'PUT', `${cal}e1.ics`, ics, { 'content-type': 'text/calendar' })).statusCode, 423);
      const token = /<([^>]+)>/.exec(String(lock.headers['lock-token']))![1];
      assert.equal((await call(nodeA, BOB, 'UNLOCK', `/dav/calendars/${BOB}/shared-${grant.id}/e1.ics`, undefined, { 'lock-token': `<${token}>` })).statusCode, 204);
      assert.equal((await call(nodeA, ANN, 'PUT', `${cal}e1.ics`, ics, { 'content-type': 'text/calendar' })).statusCode, 204);

      const unshare = await call(nodeA, ANN, 'POST', cal, `<CS:share xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><CS:remove><D:href>mailto:${BOB}</D:href></CS:remove></CS:share>`, XML);
      assert.equal(unshare.statusCode, 200);
      // Share, accept, remove: one signal each (on PostgreSQL they arrive through NOTIFY, which on a
      // busy machine can take well over a second: wait up to 20 s, ending as soon as all three are in).
      for (let i = 0; i < 1000 && signals.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      stop();
      assert.deepEqual(signals.map((e) => e.signal), [GRANTS_SIGNAL, GRANTS_SIGNAL, GRANTS_SIGNAL]);
    });
  });
}
