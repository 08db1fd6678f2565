import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/server/app.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

const basic = (user: string, pw: string) => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');

/** A pino logger at trace level whose every line lands in `lines` (and nowhere else). */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { log: pino({ level: 'trace' }, stream), lines, text: () => lines.join('') };
}

function metricValue(body: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inner.split(',');
    if (want.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

const warnings: Error[] = [];
process.on('warning', (w) => warnings.push(w));

describe('buildServer', () => {
  let t: TestContext;
  let app: FastifyInstance;
  let logs: ReturnType<typeof capturingLogger>;
  const PASSWORD = 'Sup3r-Secret-Pw!';

  before(async () => {
    logs = capturingLogger();
    t = await createTestContext({ log: logs.log });
    await t.addUser('ann@example.test', PASSWORD);
    app = await buildServer(t.ctx);
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await t?.close();
  });

  it('answers /healthz with 200 {status: ok}', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  it('answers /healthz with an error when the store is gone', async () => {
    const broken = await createTestContext();
    const a = await buildServer(broken.ctx);
    try {
      await broken.store.close();
      const res = await a.inject({ method: 'GET', url: '/healthz' });
      assert.ok(res.statusCode >= 500, `status ${res.statusCode}`);
    } finally {
      await a.close();
      await broken.close().catch(() => {});
    }
  });

  // Regression: the top-level disableRequestLogging option printed FSTDEP023 at every start.
  it('builds without deprecation warnings', () => {
    assert.deepEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
  });

  it('answers an unknown path with 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/no/such/thing' });
    assert.equal(res.statusCode, 404);
  });

  it('exposes Prometheus metrics and counts requests', async () => {
    const first = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(first.statusCode, 200);
    assert.match(String(first.headers['content-type']), /^text\/plain/);
    assert.match(first.body, /^# TYPE hearth_http_requests_total counter$/m);
    assert.match(first.body, /^# TYPE hearth_process_cpu_user_seconds_total counter$/m, 'Node defaults with the hearth_ prefix');
    const labels = { area: 'healthz', method: 'GET', status: '200' };
    const before = metricValue(first.body, 'hearth_http_requests_total', labels);
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/healthz' });
    const second = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metricValue(second.body, 'hearth_http_requests_total', labels), before + 2);
    await app.inject({ method: 'GET', url: '/nope?x=1' });
    const third = await app.inject({ method: 'GET', url: '/metrics' });
    assert.ok(metricValue(third.body, 'hearth_http_requests_total', { area: 'other', method: 'GET', status: '404' }) >= 1);
    assert.match(third.body, /^hearth_http_request_duration_seconds_bucket\{.*area="healthz".*\} \d+$/m);
  });

  it('two servers in one process keep separate metrics registries', async () => {
    const other = await buildServer(t.ctx);
    try {
      await other.inject({ method: 'GET', url: '/healthz' });
      const a = metricValue((await app.inject({ method: 'GET', url: '/metrics' })).body, 'hearth_http_requests_total', { area: 'healthz', method: 'GET', status: '200' });
      const b = metricValue((await other.inject({ method: 'GET', url: '/metrics' })).body, 'hearth_http_requests_total', { area: 'healthz', method: 'GET', status: '200' });
      assert.equal(b, 1);
      assert.ok(a >= 3);
    } finally {
      await other.close();
    }
  });

  it('never logs credentials: not the Authorization header, not the password, not the query string', async () => {
    const creds = basic('ann@example.test', PASSWORD);
    const wrong = basic('ann@example.test', 'Wr0ng-Secret-Pw!');
    const start = logs.lines.length;
    const requests = [
      { method: 'GET' as const, url: '/healthz', headers: { authorization: creds } },
      { method: 'OPTIONS' as const, url: '/Microsoft-Server-ActiveSync', headers: { authorization: creds } },
      { method: 'POST' as const, url: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=ann@example.test&DeviceId=dev1&DeviceType=iPhone', headers: { authorization: creds, 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml' }, payload: Buffer.from([3, 1, 106, 0]) },
      { method: 'POST' as const, url: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=ann@example.test&DeviceId=dev1&DeviceType=iPhone', headers: { authorization: wrong, 'ms-asprotocolversion': '14.1' } },
      { method: 'PROPFIND' as const, url: '/dav/', headers: { authorization: creds, depth: '0' } },
      { method: 'GET' as const, url: '/no-such?password=' + encodeURIComponent(PASSWORD), headers: { authorization: creds } },
    ];
    for (const r of requests) await app.inject(r);
    const text = logs.lines.slice(start).join('');
    if (process.env.DUMP_LOGS) console.log(text);
    assert.ok(text.includes('http.request'), 'requests are logged at all (the capture works)');
    assert.equal((text.match(/"msg":"http.request"/g) ?? []).length, requests.length, 'one access line per request');
    for (const secret of [creds, creds.slice(6), wrong.slice(6), PASSWORD, 'Wr0ng-Secret-Pw!', encodeURIComponent(PASSWORD)]) {
      assert.ok(!text.includes(secret), `logs contain ${secret}`);
    }
    assert.ok(!/authorization/i.test(text), 'no authorization field at all');
    assert.ok(!text.includes('User=ann@example.test'), 'query strings are cut from logged URLs');
  });
});
