/** RFC 5321 §5.1 routing with a scripted resolver: MX order, implicit MX, null MX, NXDOMAIN, DNS failure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeFor, type MxResolver } from '../../../../src/mail/queue/routes.js';

const err = (code: string) => Object.assign(new Error(code), { code });
function resolver(mx: Record<string, { exchange: string; priority: number }[] | string>, a: Record<string, string[] | string>): MxResolver {
  const answer = <T>(table: Record<string, T | string>, name: string): T => {
    const v = table[name];
    if (v === undefined) throw err('ENOTFOUND');
    if (typeof v === 'string') throw err(v);
    return v;
  };
  return {
    resolveMx: async (n) => answer(mx, n),
    resolve4: async (n) => answer(a, n),
    resolve6: async () => {
      throw err('ENODATA');
    },
  };
}

test('MX hosts in preference order, each with its addresses', async () => {
  const r = await routeFor(
    'example.org',
    resolver(
      {
        'example.org': [
          { exchange: 'b.example.org', priority: 20 },
          { exchange: 'a.example.org', priority: 10 },
        ],
      },
      { 'a.example.org': ['192.0.2.1'], 'b.example.org': ['192.0.2.2', '192.0.2.3'] },
    ),
  );
  assert.deepEqual(r, {
    kind: 'hosts',
    hosts: [
      { name: 'a.example.org', address: '192.0.2.1' },
      { name: 'b.example.org', address: '192.0.2.2' },
      { name: 'b.example.org', address: '192.0.2.3' },
    ],
  });
});

test('no MX records: the domain itself is the implicit MX (RFC 5321 §5.1)', async () => {
  const r = await routeFor('plain.example', resolver({ 'plain.example': 'ENODATA' }, { 'plain.example': ['198.51.100.7'] }));
  assert.deepEqual(r, { kind: 'hosts', hosts: [{ name: 'plain.example', address: '198.51.100.7' }] });
});

test('a null MX is a permanent failure, 5.1.10 (RFC 7505 §4.1)', async () => {
  const r = await routeFor('nomail.example', resolver({ 'nomail.example': [{ exchange: '', priority: 0 }] }, {}));
  assert.equal(r.kind, 'permanent');
  assert.equal(r.kind === 'permanent' && r.status, '5.1.10');
});

test('a domain that does not exist is permanent (5.1.2); a DNS failure is temporary (4.4.3)', async () => {
  const nx = await routeFor('gone.example', resolver({}, {}));
  assert.equal(nx.kind === 'permanent' && nx.status, '5.1.2');
  const servfail = await routeFor('flaky.example', resolver({ 'flaky.example': 'ESERVFAIL' }, {}));
  assert.equal(servfail.kind === 'temporary' && servfail.status, '4.4.3');
});

test('MX hosts without addresses are skipped; if none is left, the attempt is retried', async () => {
  const some = await routeFor(
    'half.example',
    resolver(
      {
        'half.example': [
          { exchange: 'dead.half.example', priority: 5 },
          { exchange: 'live.half.example', priority: 10 },
        ],
      },
      { 'live.half.example': ['192.0.2.9'] },
    ),
  );
  assert.deepEqual(some, { kind: 'hosts', hosts: [{ name: 'live.half.example', address: '192.0.2.9' }] });
  const none = await routeFor('none.example', resolver({ 'none.example': [{ exchange: 'dead.none.example', priority: 5 }] }, {}));
  assert.equal(none.kind, 'temporary');
});
