/**
 * The login table (docs/security.md, "Logins"): one test per (protocol × result). The HTTP
 * protocols are driven at the wire level through the real application with the real
 * AuthService; the mail protocols (whose listeners are not built yet) through the one mapping
 * they will call.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildServer } from '../../../src/server/app.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { imapLoginAnswer, pop3LoginAnswer, smtpLoginAnswer, type LoginRefusal } from '../../../src/auth/answers.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

const PW = 'right-password-1';
const WINDOW = 15 * 60_000;
const MAX = 10;
const SLOW_AFTER = 20;
const CLOCK = Date.UTC(2031, 4, 1);
/** How long ago the locked user's failures were: the lock has WINDOW minus this to run. */
const LOCKED_AGO = 60_000;
const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

type Result = 'missing' | 'invalid' | 'disabled' | 'locked' | 'throttled';
const RESULTS: Result[] = ['missing', 'invalid', 'disabled', 'locked', 'throttled'];

/** The Authorization header that produces each result (each user is set up in before()). */
const CREDENTIALS: Record<Result, string | undefined> = {
  missing: undefined,
  invalid: basic('ann@login.example', 'wrong-password'),
  disabled: basic('dis@login.example', PW),
  locked: basic('lock@login.example', PW),
  throttled: basic('thr@login.example', PW),
};

/** One request of each HTTP protocol that needs a login. */
const HTTP_PROTOCOLS: Record<string, (auth: string | undefined) => InjectOptions> = {
  ActiveSync: (auth) => ({
    method: 'POST', url: '/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=ann&DeviceId=TABLE1&DeviceType=iPhone',
    headers: { 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '14.1', ...(auth ? { authorization: auth } : {}) },
    payload: Buffer.from([3, 1, 0x6a, 0]),
  }),
  DAV: (auth) => ({ method: 'PROPFIND' as 'GET', url: '/dav/', headers: { depth: '0', ...(auth ? { authorization: auth } : {}) } }),
  Autodiscover: (auth) => ({
    method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { 'content-type': 'text/xml', ...(auth ? { authorization: auth } : {}) },
    payload: '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>ann@login.example</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>',
  }),
};

describe('login answers, HTTP at the wire level', () => {
  let t: TestContext;
  let app: FastifyInstance;

  before(async () => {
    t = await createTestContext({ now: () => CLOCK });
    // The real service with the production shape of lockout; no attempt may wait, so that a
    // slowed login is answered "throttled" at once.
    const auth = new AuthService(t.store, {
      lockout: { maxFailures: MAX, windowMs: WINDOW }, cacheTtlMs: 60_000, now: () => CLOCK,
      throttle: { slowAfter: SLOW_AFTER, maxWaiting: 0 },
    });
    app = await buildServer({ ...t.ctx, auth });
    await t.addUser('ann@login.example', PW);
    await t.addUser('dis@login.example', PW, { disabled: true });
    await t.addUser('lock@login.example', PW);
    await t.addUser('thr@login.example', PW);
    // inject() comes from 127.0.0.1: lock that source for lock@, and spread guesses at thr@.
    for (let i = 0; i < MAX; i++) await t.store.recordLoginFailure('lock@login.example', '127.0.0.1', CLOCK - LOCKED_AGO);
    for (let i = 0; i < SLOW_AFTER; i++) await t.store.recordLoginFailure('thr@login.example', `203.0.113.${i}`, CLOCK - 1000);
  });
  after(async () => { await app?.close(); await t?.close(); });

  for (const [protocol, request] of Object.entries(HTTP_PROTOCOLS)) {
    for (const result of RESULTS) {
      const temporary = result === 'locked' || result === 'throttled';
      it(`${protocol} × ${result} → ${temporary ? '503 + Retry-After' : '401 + Basic challenge'}`, async () => {
        const r = await app.inject(request(CREDENTIALS[result]));
        if (!temporary) {
          assert.equal(r.statusCode, 401);
          assert.match(String(r.headers['www-authenticate']), /^Basic realm="[^"]+", charset="UTF-8"$/);
          assert.equal(r.headers['retry-after'], undefined);
          return;
        }
        assert.equal(r.statusCode, 503);
        // No challenge: a client seeing one asks its user for the password again.
        assert.equal(r.headers['www-authenticate'], undefined);
        const expected = result === 'locked' ? (WINDOW - LOCKED_AGO) / 1000 : 1;
        assert.equal(r.headers['retry-after'], String(expected), 'the real remaining time');
      });
    }
  }

  it('the same credentials log in over every HTTP protocol (the table is about refusals only)', async () => {
    for (const request of Object.values(HTTP_PROTOCOLS)) {
      const r = await app.inject(request(basic('ann@login.example', PW)));
      assert.ok(r.statusCode !== 401 && r.statusCode !== 503, `${r.statusCode}`);
    }
  });
});

describe('login answers, mail protocols', () => {
  const refusal: Record<Result, LoginRefusal> = {
    missing: { ok: false, reason: 'missing' },
    invalid: { ok: false, reason: 'invalid' },
    disabled: { ok: false, reason: 'disabled' },
    locked: { ok: false, reason: 'locked', retryAfterSeconds: 840 },
    throttled: { ok: false, reason: 'throttled', retryAfterSeconds: 1 },
  };
  const TABLE: Record<string, { answer: (r: LoginRefusal) => string; expect: Record<Result, RegExp> }> = {
    SMTP: {
      answer: smtpLoginAnswer,
      expect: {
        missing: /^501 5\.5\.2 /, invalid: /^535 5\.7\.8 /, disabled: /^535 5\.7\.8 /,
        locked: /^454 4\.7\.0 .*in 840 s$/, throttled: /^454 4\.7\.0 .*in 1 s$/,
      },
    },
    IMAP: {
      answer: imapLoginAnswer,
      expect: {
        missing: /^BAD /, invalid: /^NO \[AUTHENTICATIONFAILED\] /, disabled: /^NO \[AUTHENTICATIONFAILED\] /,
        locked: /^NO \[UNAVAILABLE\] /, throttled: /^NO \[UNAVAILABLE\] /,
      },
    },
    POP3: {
      answer: pop3LoginAnswer,
      expect: {
        missing: /^-ERR \[AUTH\] /, invalid: /^-ERR \[AUTH\] /, disabled: /^-ERR \[AUTH\] /,
        locked: /^-ERR \[SYS\/TEMP\] /, throttled: /^-ERR \[SYS\/TEMP\] /,
      },
    },
  };
  for (const [protocol, { answer, expect }] of Object.entries(TABLE)) {
    for (const result of RESULTS) {
      it(`${protocol} × ${result} → ${expect[result].source.replace(/\\/g, '').replace(/^\^/, '')}`, () => {
        const line = answer(refusal[result]);
        assert.match(line, expect[result]);
        assert.ok(!/[\r\n]/.test(line), 'one line, the caller adds CRLF');
      });
    }
  }

  it('a disabled account is answered exactly like a wrong password, in every protocol', () => {
    for (const { answer } of Object.values(TABLE)) assert.equal(answer(refusal.disabled), answer(refusal.invalid));
  });
});
