/**
 * MTA-STS (RFC 8461): policy parsing and MX matching, the per-node cache keyed by the TXT id, and
 * enforcement in the runner against the loopback remote MX (whose certificate is smtp-server's
 * built-in one, not valid for mx.remote.example): enforce defers, testing delivers.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { MtaSts, mxMatches, parsePolicy, type MtaStsSource } from '../../../../src/mail/queue/mta-sts.js';
import { createTestContext, type TestContext } from '../../../helpers/context.js';
import { createQueue } from '../../../../src/server/queue.js';
import { RemoteMx, testResolver } from './remote-mx.js';

const POLICY = (mode: string, mx: string[]) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\r\n');

test('policy files: valid ones parsed, anything else refused', () => {
  assert.deepEqual(parsePolicy(POLICY('enforce', ['mx1.example.net', '*.example.org'])), {
    mode: 'enforce',
    mx: ['mx1.example.net', '*.example.org'],
    maxAgeSeconds: 86400,
  });
  for (const bad of [
    '',
    'version: STSv2\nmode: enforce\nmx: a\nmax_age: 1',
    POLICY('strict', ['a']),
    POLICY('enforce', []),
    'version: STSv1\nmode: testing\nmx: a\nmax_age: soon',
  ]) {
    assert.equal(parsePolicy(bad), null, bad);
  }
});

test('MX patterns: exact names, and a wildcard for exactly one label (RFC 8461 §4.1)', () => {
  const p = { mode: 'enforce' as const, mx: ['mx.example.net', '*.example.org'], maxAgeSeconds: 1 };
  assert.equal(mxMatches(p, 'MX.example.net.'), true);
  assert.equal(mxMatches(p, 'a.example.org'), true);
  assert.equal(mxMatches(p, 'a.b.example.org'), false);
  assert.equal(mxMatches(p, 'example.org'), false);
  assert.equal(mxMatches(p, 'mx2.example.net'), false);
});

test('the policy is fetched once per TXT id and kept when DNS fails', async () => {
  let id = 'a1';
  let txtFails = false;
  let fetches = 0;
  const sts = new MtaSts({
    resolveTxt: async () => {
      if (txtFails) throw Object.assign(new Error('x'), { code: 'ESERVFAIL' });
      return [['v=STSv1; ', `id=${id}`]];
    },
    fetchPolicy: async () => {
      fetches++;
      return POLICY('enforce', ['mx.example.net']);
    },
  });
  const t = 0;
  assert.equal((await sts.policyFor('example.net', t))?.mode, 'enforce');
  await sts.policyFor('example.net', t + 1000);
  assert.equal(fetches, 1);
  id = 'b2';
  await sts.policyFor('example.net', t + 2000);
  assert.equal(fetches, 2);
  txtFails = true;
  assert.equal((await sts.policyFor('example.net', t + 3000))?.mode, 'enforce', 'the cached policy holds while DNS fails');
  const none = new MtaSts({ resolveTxt: async () => [['v=spf1 -all']], fetchPolicy: async () => assert.fail('no fetch without a record') });
  assert.equal(await none.policyFor('example.com', t), null);
});

describe('MTA-STS in the runner', () => {
  let t: TestContext;
  let remote: RemoteMx;
  before(async () => {
    t = await createTestContext();
    remote = await new RemoteMx().start();
    Object.assign(t.config.queue, { mxPort: remote.port, timeoutSeconds: 30 });
  });
  after(async () => {
    await remote.close();
    await t.close();
  });

  const attempt = async (policy: string, subject: string) => {
    const source: MtaStsSource = {
      resolveTxt: async () => [['v=STSv1; id=' + subject.replace(/\W/g, '')]],
      fetchPolicy: async () => policy,
    };
    const queue = createQueue(t.config, t.store, pino({ level: 'silent' }), { resolver: testResolver, mtaSts: source });
    const { queueId } = await queue.outbound.send({
      mailFrom: '',
      recipients: ['x@remote.example'],
      bytes: Buffer.from(`Subject: ${subject}\r\n\r\nx\r\n`),
    });
    await queue.runner.runOnce();
    return { m: await t.store.getQueuedMessage(queueId!), received: remote.count(`Subject: ${subject}`) };
  };

  test('enforce: the MX certificate cannot be verified for its name, so the message is deferred, not sent', async () => {
    const { m, received } = await attempt(POLICY('enforce', ['mx.remote.example']), 'sts enforce');
    assert.equal(received, 0);
    assert.equal(m?.recipients[0].state, 'deferred');
    assert.match(m?.recipients[0].lastError ?? '', /^4\.4\.1 .*(certificate|self[- ]signed|altnames)/i);
  });

  test('enforce: no MX host matches the policy: deferred with 4.7.5 without connecting', async () => {
    const calls = remote.rcptCalls.get('x@remote.example') ?? 0;
    const { m } = await attempt(POLICY('enforce', ['mx.elsewhere.example']), 'sts mismatch');
    assert.equal(m?.recipients[0].state, 'deferred');
    assert.match(m?.recipients[0].lastError ?? '', /^4\.7\.5 .*MTA-STS/);
    assert.equal(remote.rcptCalls.get('x@remote.example') ?? 0, calls);
  });

  test('testing: delivered as without a policy (opportunistic TLS)', async () => {
    const { m, received } = await attempt(POLICY('testing', ['mx.elsewhere.example']), 'sts testing');
    assert.equal(received, 1);
    assert.equal(m, null);
  });
});
