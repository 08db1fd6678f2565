/**
 * Tenant isolation of the mail objects: an administrator of a.test against b.test's mailing
 * lists, queued messages and DKIM key, by every verb. Every answer is 404, the same as for
 * something that does not exist, and nothing of b.test changes. Listings of A hold nothing of B,
 * nor the bounces that belong to no domain. Run on SQLite and on PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, type ApiHarness, type Caller } from './harness.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

const pgSkip = await postgresSkipReason();
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(
    `admin API (${backend}): a domain administrator of A learns nothing of B's lists, queue and DKIM`,
    { skip: backend === 'postgres' ? (pgSkip ?? false) : false },
    () => {
      let h: ApiHarness;
      let pg: { url: string; drop(): Promise<void> } | null = null;
      let adminA: Caller;
      let bQueued: string;
      let bounce: string;
      let snapshot: string;
      const state = async () => {
        const b = (await h.t.store.getDomain('b.test'))!;
        const list = (await h.t.store.getList('team@b.test'))!;
        return JSON.stringify({
          lists: await h.t.store.listLists(b.id),
          members: await h.t.store.listListMembers(list.id),
          queue: await h.t.store.listQueue(),
          dkim: await h.t.store.getDkimKey(b.id),
        });
      };
      const enqueue = async (mailFrom: string, submittedBy?: string) => {
        const bytes = Buffer.from('Subject: x\r\n\r\nx\r\n');
        const now = Date.now();
        const m = await h.t.store.enqueueMessage({
          mailFrom,
          recipients: ['far@remote.example'],
          blobHash: await h.t.store.putBlob(bytes),
          size: bytes.length,
          now,
          expiresAt: now + 86_400_000,
          ...(submittedBy ? { submittedBy } : {}),
        });
        return m.id;
      };

      before(async () => {
        pg = backend === 'postgres' ? await freshPostgresUrl() : null;
        h = await apiHarness(pg ? { database: pg.url } : {});
        const root = await h.as('root@a.test');
        assert.equal((await root.req('POST', '/api/v1/domains/b.test/lists', { address: 'team@b.test' })).statusCode, 201);
        assert.equal((await root.req('PUT', '/api/v1/lists/team@b.test/members/bob@b.test', {})).statusCode, 200);
        assert.equal((await root.req('PUT', '/api/v1/domains/b.test/dkim')).statusCode, 201);
        bQueued = await enqueue('bob@b.test', 'bob@b.test');
        bounce = await enqueue('');
        adminA = await h.as('admin@a.test');
        snapshot = await state();
      });
      after(async () => {
        await h?.close();
        await pg?.drop();
      });

      it("every route of B's mail objects answers 404 with the same problem as a name that does not exist", async () => {
        const cases: [string, string, unknown?][] = [
          ['GET', '/api/v1/domains/b.test/lists'],
          ['POST', '/api/v1/domains/b.test/lists', { address: 'evil@b.test' }],
          ['GET', '/api/v1/lists/team@b.test'],
          ['PATCH', '/api/v1/lists/team@b.test', { posting: 'anyone' }],
          ['DELETE', '/api/v1/lists/team@b.test'],
          ['GET', '/api/v1/lists/team@b.test/members'],
          ['PUT', '/api/v1/lists/team@b.test/members/ann@a.test', {}],
          ['DELETE', '/api/v1/lists/team@b.test/members/bob@b.test'],
          ['GET', '/api/v1/queue?domain=b.test'],
          ['GET', '/api/v1/domains/b.test/dkim'],
          ['PUT', '/api/v1/domains/b.test/dkim'],
          ['POST', '/api/v1/domains/b.test/dkim/rotate'],
        ];
        for (const [method, url, body] of cases) {
          const r = await adminA.req(method, url, body);
          assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
          const ghost = await adminA.req(method, url.replace(/b\.test/g, 'nowhere.test'), body);
          assert.equal(ghost.statusCode, 404, `${method} ${url} (nonexistent)`);
          assert.equal(r.json().detail, ghost.json().detail, `${method} ${url}: same detail as for nothing`);
        }
        for (const id of [bQueued, bounce]) {
          for (const [method, url] of [
            ['GET', `/api/v1/queue/${id}`],
            ['POST', `/api/v1/queue/${id}/retry`],
            ['DELETE', `/api/v1/queue/${id}`],
          ]) {
            const r = await adminA.req(method, url);
            assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body}`);
            const ghost = await adminA.req(method, url.replace(`/queue/${id}`, '/queue/987654321'));
            assert.equal(r.json().detail, ghost.json().detail, `${method} ${url}: same detail as for nothing`);
          }
        }
        assert.equal(await state(), snapshot, 'nothing of b.test changed');
      });

      it("A's queue listing and audit log hold nothing of B nor the domain-less bounce", async () => {
        const q = (await adminA.req('GET', '/api/v1/queue')).json();
        assert.equal(q.total, 0);
        assert.deepEqual(q.items, []);
        const audit = (await adminA.req('GET', '/api/v1/audit?limit=1000')).json();
        assert.ok(
          audit.items.every((e: { target: string }) => !e.target.includes('b.test')),
          JSON.stringify(audit.items),
        );
        // The server administrator does see them.
        const root = await h.as('root@a.test');
        assert.equal((await root.req('GET', '/api/v1/queue')).json().total, 2);
      });
    },
  );
}
