/**
 * The rspamd client against a real rspamd (started here, private minimal config): GTUBE is
 * rejected with its score and symbol, clean mail passes, the envelope reaches rspamd as its
 * protocol headers, and training through the controller works with the password and is refused
 * without it. A daemon that is down or answers nonsense is an unavailable filter.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type IncomingHttpHeaders } from 'node:http';
import { RspamdFilter } from '../../../../src/mail/filters/rspamd.js';
import { FilterUnavailableError, type FilterEnvelope } from '../../../../src/mail/filters/filter.js';
import { GTUBE, freePort, rspamdSkip, startRspamd, type RunningRspamd } from '../../../helpers/filter-daemons.js';

const env: FilterEnvelope = {
  mailFrom: 'x@example.net',
  rcptTo: ['ann@example.test', 'bob@example.test'],
  remoteAddress: '192.0.2.9',
  helo: 'client.example.net',
  authenticatedUser: null,
  queueId: 'q123',
};
const mail = (subject: string, body: string) =>
  Buffer.from(
    `From: x@example.net\r\nTo: ann@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.net>\r\n\r\n${body}\r\n`,
  );

describe('rspamd over HTTP', { skip: rspamdSkip }, () => {
  let rspamd: RunningRspamd;
  before(async () => {
    rspamd = await startRspamd();
  });
  after(async () => {
    await rspamd?.stop();
  });
  const client = (o: Partial<ConstructorParameters<typeof RspamdFilter>[0]> = {}) =>
    new RspamdFilter({ url: rspamd.url, controllerUrl: rspamd.controllerUrl, password: rspamd.password, timeoutMs: 60_000, ...o });

  test('GTUBE: reject, with the score, the threshold and the GTUBE symbol', async () => {
    const v = await client().scan(mail('spam', `Buy now\r\n${GTUBE}`), env);
    assert.equal(v.action, 'reject');
    assert.ok((v.score ?? 0) >= (v.threshold ?? Infinity), `score ${v.score} over ${v.threshold}`);
    assert.ok(v.symbols?.includes('GTUBE'), String(v.symbols));
  });

  test('a clean message: accept', async () => {
    const v = await client().scan(mail('lunch', 'Lunch at noon tomorrow?'), env);
    assert.equal(v.action, 'accept');
    assert.ok(!v.symbols?.includes('GTUBE'));
  });

  test('training: learnSpam and learnHam with the controller password; again is still learned; a wrong password is refused', async () => {
    const m = mail('cheap pills', 'Cheap pills, best prices on the whole internet, limited offer for you today only.');
    const learned = async () =>
      ((await (await fetch(`${rspamd.controllerUrl}/stat`, { headers: { Password: rspamd.password } })).json()) as { learned: number })
        .learned;
    const before = await learned();
    assert.equal(await client().learnSpam(m, 'ann@example.test'), true);
    assert.equal(await learned(), before + 1, 'rspamd counts the lesson');
    assert.equal(await client().learnSpam(m), true, 'already learned counts as learned');
    const h = mail('minutes', "The minutes of yesterday's meeting are attached; please review the budget section.");
    assert.equal(await client().learnHam(h), true);
    assert.equal(await client({ password: 'wrong' }).learnHam(mail('other', 'another message entirely')), false);
    assert.equal(await client({ password: undefined }).learnSpam(mail('third', 'yet another message body')), false);
  });

  test('training without a controller URL is unavailable', async () => {
    await assert.rejects(client({ controllerUrl: undefined }).learnSpam(mail('x', 'y')), FilterUnavailableError);
  });
});

describe('rspamd client: the wire and failures', () => {
  const fake = async (answer: (headers: IncomingHttpHeaders, rawHeaders: string[]) => [number, string] | null) => {
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const a = answer(req.headers, req.rawHeaders);
        if (a) res.writeHead(a[0], { 'Content-Type': 'application/json' }).end(a[1]);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
  };

  test('the envelope goes as rspamd protocol headers, one Rcpt line per recipient', async () => {
    let raw: string[] = [];
    const f = await fake((_h, r) => {
      raw = r;
      return [200, '{"action":"add header","score":7,"required_score":15,"symbols":{"B":{},"A":{}}}'];
    });
    try {
      const v = await new RspamdFilter({ url: f.url, timeoutMs: 30_000 }).scan(mail('x', 'y'), {
        ...env,
        authenticatedUser: 'ann@example.test',
      });
      assert.deepEqual(v, { action: 'junk', score: 7, threshold: 15, symbols: ['A', 'B'] });
      const pairs: [string, string][] = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
      const get = (n: string) => pairs.filter(([k]) => k === n).map(([, v]) => v);
      assert.deepEqual(get('rcpt'), ['ann@example.test', 'bob@example.test']);
      assert.deepEqual(
        [get('ip'), get('helo'), get('from'), get('user'), get('queue-id')],
        [['192.0.2.9'], ['client.example.net'], ['x@example.net'], ['ann@example.test'], ['q123']],
      );
    } finally {
      f.server.close();
    }
  });

  test('the null sender is sent as <>', async () => {
    let from: string | string[] | undefined;
    const f = await fake((h) => {
      from = h.from;
      return [200, '{"action":"no action","score":0}'];
    });
    try {
      await new RspamdFilter({ url: f.url, timeoutMs: 30_000 }).scan(mail('x', 'y'), { ...env, mailFrom: '' });
      assert.equal(from, '<>');
    } finally {
      f.server.close();
    }
  });

  test('down, HTTP errors, non-JSON, unknown actions and silence are an unavailable filter', async () => {
    const port = await freePort();
    await assert.rejects(
      new RspamdFilter({ url: `http://127.0.0.1:${port}`, timeoutMs: 30_000 }).scan(mail('x', 'y'), env),
      (e) => e instanceof FilterUnavailableError && /ECONNREFUSED/.test(e.message),
    );
    for (const [answer, why] of [
      [[500, 'oops'], /HTTP 500/],
      [[200, '<html>'], /no JSON/],
      [[200, '{"action":"explode"}'], /unknown action/],
    ] as const) {
      const f = await fake(() => [answer[0], answer[1]]);
      try {
        await assert.rejects(
          new RspamdFilter({ url: f.url, timeoutMs: 30_000 }).scan(mail('x', 'y'), env),
          (e) => e instanceof FilterUnavailableError && why.test(e.message),
        );
      } finally {
        f.server.close();
      }
    }
    const hung = await fake(() => null);
    try {
      await assert.rejects(
        new RspamdFilter({ url: hung.url, timeoutMs: 1500 }).scan(mail('x', 'y'), env),
        (e) => e instanceof FilterUnavailableError && /no answer within/.test(e.message),
      );
    } finally {
      hung.server.closeAllConnections();
      hung.server.close();
    }
  });
});
