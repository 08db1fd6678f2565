import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeBase64, decodeSaslLoginStep, MAX_PASSWORD_LENGTH, normaliseLogin, parseBasicAuthorization, parseSaslPlain,
  SASL_LOGIN_PROMPTS, saslLoginCredentials,
} from '../../../src/auth/credentials.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const basic = (s: string | Buffer) => `Basic ${b64(s)}`;

describe('normaliseLogin', () => {
  it('lower-cases and trims a full address', () => {
    assert.equal(normaliseLogin('  Ann@Example.COM '), 'ann@example.com');
  });
  it('keeps the address after DOMAIN\\ (Windows clients)', () => {
    assert.equal(normaliseLogin('CORP\\Ann@Example.com'), 'ann@example.com');
    assert.equal(normaliseLogin('a\\b\\ann@example.com'), 'ann@example.com');
  });
  it('turns example.com\\user into user@example.com', () => {
    assert.equal(normaliseLogin('Example.com\\Ann'), 'ann@example.com');
  });
  it('leaves a NetBIOS domain without an address alone (it matches no account)', () => {
    assert.equal(normaliseLogin('CORP\\ann'), 'corp\\ann');
    assert.equal(normaliseLogin('example.com\\'), 'example.com\\');
  });
  it('is idempotent', () => {
    for (const s of ['CORP\\Ann@x.example', 'x.example\\Ann', 'CORP\\ann', 'Ann@X.example']) {
      assert.equal(normaliseLogin(normaliseLogin(s)), normaliseLogin(s));
    }
  });
  it('uses one Unicode form (NFC), so a decomposed é is the same login', () => {
    assert.equal(normaliseLogin('Jose\u0301@example.com'), normaliseLogin('José@example.com'));
  });
});

describe('decodeBase64', () => {
  it('decodes padded and unpadded base64', () => {
    assert.equal(decodeBase64('YQ==')?.toString(), 'a');
    assert.equal(decodeBase64('YQ')?.toString(), 'a');
    assert.equal(decodeBase64('YWJj')?.toString(), 'abc');
  });
  it('refuses characters outside the alphabet, wrong padding and impossible lengths', () => {
    for (const bad of ['YQ=', 'Y', 'YWJj==', 'YQ==YQ==', 'Y Q==', 'YQ-_', '====']) assert.equal(decodeBase64(bad), null, bad);
  });
  it('refuses an over-long input before decoding it', () => {
    assert.equal(decodeBase64('A'.repeat(100_000)), null);
  });
});

describe('parseBasicAuthorization (RFC 7617)', () => {
  it('splits user-pass at the first colon; the password may hold colons', () => {
    assert.deepEqual(parseBasicAuthorization(basic('ann@example.com:pa:ss')), { login: 'ann@example.com', password: 'pa:ss' });
  });
  it('takes the scheme in any case and decodes UTF-8 (§2.1)', () => {
    assert.deepEqual(parseBasicAuthorization(`bAsIc ${b64('jörg@example.com:pässwörd')}`), { login: 'jörg@example.com', password: 'pässwörd' });
  });
  it('accepts an empty password (verify refuses it, counted as a failure)', () => {
    assert.deepEqual(parseBasicAuthorization(basic('ann@example.com:')), { login: 'ann@example.com', password: '' });
  });
  it('takes the first of repeated headers', () => {
    assert.deepEqual(parseBasicAuthorization([basic('a@x.example:p1'), basic('b@x.example:p2')]), { login: 'a@x.example', password: 'p1' });
  });
  it('refuses malformed input', () => {
    const cases: (string | undefined)[] = [
      undefined, '', 'Basic', 'Basic ', 'Bearer abc', `Digest ${b64('a:b')}`, `Basic ${b64('no-colon')}`, `Basic ${b64(':password')}`,
      `Basic ${b64('  :password')}`, 'Basic !!!!', `Basic ${b64('a:b')} extra`, `Basic ${b64('a:b')}=`,
      `Basic ${b64(Buffer.from([0x61, 0x3a, 0xff, 0xfe]))}`, // not UTF-8
      `Basic ${b64('ann\u0000@example.com:pw')}`, `Basic ${b64('ann@example.com:p\u0007w')}`, // control characters
      `Basic ${b64(`ann@example.com:${'p'.repeat(MAX_PASSWORD_LENGTH + 1)}`)}`, `Basic ${b64(`${'a'.repeat(400)}@x.example:pw`)}`,
      `Basic ${'A'.repeat(1_000_000)}`,
    ];
    for (const c of cases) assert.equal(parseBasicAuthorization(c), null, JSON.stringify(c?.slice(0, 60)));
  });
  it('returns the login as sent: normalising is verify()\'s job, done once', () => {
    assert.deepEqual(parseBasicAuthorization(basic('CORP\\Ann@Example.com:pw')), { login: 'CORP\\Ann@Example.com', password: 'pw' });
  });
});

describe('parseSaslPlain (RFC 4616)', () => {
  it('reads authcid and password with an empty authzid', () => {
    assert.deepEqual(parseSaslPlain(b64('\0ann@example.com\0secret pw')), { login: 'ann@example.com', password: 'secret pw' });
  });
  it('accepts an authzid naming the same user, in any spelling', () => {
    assert.deepEqual(parseSaslPlain(b64('Ann@Example.com\0ann@example.com\0pw')), { login: 'ann@example.com', password: 'pw' });
  });
  it('refuses an authzid naming someone else (no proxy logins)', () => {
    assert.equal(parseSaslPlain(b64('boss@example.com\0ann@example.com\0pw')), null);
  });
  it('refuses malformed responses', () => {
    const cases = [
      '', '=', '*', 'not base64!', b64('ann@example.com\0pw'), b64('\0ann@example.com\0pw\0extra'), b64('\0\0pw'),
      b64('\0ann@example.com\0'), b64(Buffer.from([0, 0x61, 0, 0xff])), b64(`\0a@x.example\0${'p'.repeat(MAX_PASSWORD_LENGTH + 1)}`),
      `${b64('\0a@x.example\0pw')}junk`,
    ];
    for (const c of cases) assert.equal(parseSaslPlain(c), null, JSON.stringify(c));
  });
});

describe('SASL LOGIN', () => {
  it('prompts Username: and Password: in base64', () => {
    assert.equal(SASL_LOGIN_PROMPTS.username, 'VXNlcm5hbWU6');
    assert.equal(SASL_LOGIN_PROMPTS.password, 'UGFzc3dvcmQ6');
  });
  it('decodes both answers into credentials', () => {
    const user = decodeSaslLoginStep(b64('ann@example.com'));
    const pass = decodeSaslLoginStep(b64('pässwörd'));
    assert.ok(user !== null && pass !== null);
    assert.deepEqual(saslLoginCredentials(user, pass), { login: 'ann@example.com', password: 'pässwörd' });
  });
  it('refuses bad base64, bad UTF-8, an empty login or password', () => {
    assert.equal(decodeSaslLoginStep('%%%'), null);
    assert.equal(decodeSaslLoginStep(b64(Buffer.from([0xc3]))), null);
    assert.equal(saslLoginCredentials('', 'pw'), null);
    assert.equal(saslLoginCredentials('ann@example.com', ''), null);
    assert.equal(saslLoginCredentials('ann@example.com', 'p\u0000w'), null);
  });
});
