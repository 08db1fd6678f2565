/**
 * Autodiscover and client set-up against hostile input (DESIGN "Bad input"): malformed, oversized
 * and DTD-laden requests get the documented answer (ErrorCode 600, 413), query values never crash
 * an endpoint, and whatever reaches a generated document comes out escaped: the output parses
 * as XML and holds no element the input smuggled in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import { basic, makeHarness, type Harness } from '../activesync/harness.js';
import { parseAutodiscoverRequest, AutodiscoverParseError } from '../../../protocols/autodiscover/request.js';

const MS_REQ = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const MS_RESP = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';
const OL_RESP = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const request = (email: string, schema = MS_RESP) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${MS_REQ}"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`;

/** encodeURIComponent refuses lone surrogates; the query keeps everything else. */
const enc = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''));

/** Parses a generated document strictly; returns every element name and every text node. */
function parseDoc(xml: string): { names: string[]; texts: string[] } {
  const p = new SaxesParser({ xmlns: false });
  const names: string[] = [];
  const texts: string[] = [];
  p.on('error', (e) => { throw e; });
  p.on('opentag', (t) => names.push(t.name));
  p.on('text', (t) => { if (t.trim()) texts.push(t); });
  p.write(xml).close();
  return { names, texts };
}

const INJECTIONS = [
  '</string><key>PayloadType</key><string>com.apple.evil',
  '<>&"\'',
  ']]><evil/>',
  '</DisplayName><Evil>1</Evil><DisplayName>',
  '&lt;escaped&gt;',
  'ctl\u0001\u0008\u000b\u001f\uFFFE\uFFFFend',
  'lone\ud800surrogate',
];

describe('Autodiscover: hostile requests', () => {
  let h: Harness;
  const ADA = 'ada@example.com';
  const auth = { authorization: basic(ADA, 'ada-pass-1') };
  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'text/xml' }) =>
    h.app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { ...auth, ...headers }, payload: body });
  const errorCode = (body: string) => /<ErrorCode>(\d+)<\/ErrorCode>/.exec(body)?.[1];

  before(async () => {
    h = await makeHarness();
    await h.addUser(ADA, 'ada-pass-1', 'Ada L');
  });
  after(() => h.close());

  it('answers malformed, DTD and entity bodies with ErrorCode 600, well-formed', async () => {
    const bodies: (string | Buffer)[] = [
      '', '   ', 'garbage', '<Autodiscover', request(ADA).slice(0, 90), '<a/><b/>',
      `<!DOCTYPE Autodiscover [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${request('&b;')}`,
      `<!DOCTYPE Autodiscover [<!ENTITY x SYSTEM "file:///etc/passwd">]>${request('&x;')}`,
      `<!DOCTYPE Autodiscover SYSTEM "http://127.0.0.1:9/x.dtd">${request(ADA)}`,
      request('&undefined;'), request('a&#0;b'), request('<x:y/>'),
      `<Autodiscover xmlns="${MS_REQ}" a="1" a="2"/>`,
      '<Other xmlns="urn:x"><Request/></Other>',
      `<Autodiscover xmlns="${MS_REQ}">${'<Request>'.repeat(1500)}`,
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 131 + 7) % 256)),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(request(ADA), 'utf16le')]).subarray(0, 16_000),
    ];
    for (const b of bodies) {
      const r = await post(b);
      assert.equal(r.statusCode, 200, `${String(b).slice(0, 60)}: ${r.statusCode}`);
      assert.equal(errorCode(r.body), '600', String(b).slice(0, 60));
      parseDoc(r.body);
      assert.doesNotMatch(r.body, /root:x:0|passwd/);
    }
  });

  it('answers an oversized body with 413 before parsing', async () => {
    for (const body of [request('x'.repeat(20_000)), `<Autodiscover xmlns="${MS_REQ}">${'<Request>'.repeat(5_000)}`]) {
      assert.equal((await post(body)).statusCode, 413);
    }
  });

  it('answers without crashing whatever the content type', async () => {
    for (const ct of ['application/json', 'text/plain; charset=utf-16', 'multipart/form-data; boundary=x', 'x'.repeat(500)]) {
      const r = await post(request(ADA), { 'content-type': ct });
      assert.ok(r.statusCode < 500, `${ct.slice(0, 40)}: ${r.statusCode}`);
    }
    const none = await h.app.inject({ method: 'POST', url: '/autodiscover/autodiscover.xml', headers: auth, payload: request(ADA) });
    assert.ok(none.statusCode < 500, String(none.statusCode));
  });

  it('never answers for an address that is not the caller\'s, however it is spelt', async () => {
    for (const email of ['bob@example.com', 'ADA@EXAMPLE.COM\u0000', '<ada@example.com>', 'ada@example.com,bob@example.com', '%', '*', `${ADA}' OR '1'='1`]) {
      const r = await post(request(email.replace(/&/g, '&amp;').replace(/</g, '&lt;')));
      assert.ok(r.statusCode === 403 || errorCode(r.body) === '600', `${email}: ${r.statusCode}`);
    }
  });

  it('parser: stops at the first error, so deep nesting costs nothing', () => {
    // A refusal, not a parse of 100,000 levels (a blow-up would hold the test; no duration is asserted).
    assert.throws(() => parseAutodiscoverRequest(`<Autodiscover xmlns="${MS_REQ}">` + '<a xmlns:p="u">'.repeat(100_000)), AutodiscoverParseError);
  });
});

describe('Autodiscover v2 JSON, Apple profile and Thunderbird autoconfig: hostile query values', () => {
  let h: Harness;
  const EVIL = 'mal"<x>&\'@example.com';
  const evilAuth = { authorization: basic(EVIL, 'evil-pass-1') };

  before(async () => {
    h = await makeHarness();
    // A display name and an address full of markup, as an administrator might type them.
    await h.addUser(EVIL, 'evil-pass-1', INJECTIONS.join(' | '));
  });
  after(() => h.close());

  it('v2 JSON: garbage Email and Protocol values answer 200 or 400 JSON, never 500', async () => {
    const urls = [
      '/autodiscover/autodiscover.json?Email=%00&Protocol=%00',
      '/autodiscover/autodiscover.json?Protocol=ActiveSync&Protocol=Rest',
      '/autodiscover/autodiscover.json?Protocol[]=ActiveSync',
      '/autodiscover/autodiscover.json?Protocol[a]=1&Email[b]=2',
      '/autodiscover/autodiscover.json?protocol=activesync&Protocol=autodiscoverv1',
      `/autodiscover/autodiscover.json?Email=${encodeURIComponent('</Url><x>')}&Protocol=${encodeURIComponent('"}<script>')}`,
      `/autodiscover/autodiscover.json?Protocol=${'a'.repeat(100_000)}`,
      '/autodiscover/autodiscover.json?Protocol=%E0%A4%A',
      '/autodiscover/autodiscover.json/v1.0/%3Cscript%3E?Protocol=ActiveSync',
      '/autodiscover/autodiscover.json/v1.0/%00?Protocol=%ZZ',
      `/autodiscover/autodiscover.json/v1.0/${'x'.repeat(5000)}?Protocol=AutodiscoverV1`,
      '/autodiscover/autodiscover.json?Protocol=constructor',
      '/autodiscover/autodiscover.json?Protocol=__proto__',
    ];
    for (const url of urls) {
      const r = await h.app.inject({ url });
      assert.ok(r.statusCode === 200 || r.statusCode === 400 || r.statusCode === 404 || r.statusCode === 414, `${url.slice(0, 80)}: ${r.statusCode}`);
      if (r.statusCode === 200 || r.statusCode === 400) {
        const j = r.json();
        if (r.statusCode === 200) assert.match(j.Url, /^https:\/\/mail\.example\.test\//);
        else { assert.equal(j.ErrorCode, 'ProtocolNotSupported'); assert.ok(j.ErrorMessage.length < 200); }
      }
    }
  });

  it('Apple profile: markup in the account comes out escaped; the plist parses and holds no injected key', async () => {
    for (const q of ['', '?emailaddress=%3C%2Fstring%3E%3Ckey%3EEvil%3C%2Fkey%3E', `?x=${enc(INJECTIONS.join(''))}`]) {
      const r = await h.app.inject({ url: `/autodiscover/apple/mobileconfig${q}`, headers: evilAuth });
      assert.equal(r.statusCode, 200);
      const doc = parseDoc(r.body);
      assert.ok(!doc.names.includes('Evil') && !doc.names.includes('evil') && !doc.names.includes('x'), doc.names.join(','));
      // The keys are ours, and no string became a key: every key is a known payload field.
      const keys = [...r.body.matchAll(/<key>([^<]*)<\/key>/g)].map((m) => m[1]);
      for (const k of keys) assert.match(k, /^[A-Za-z]+$/, k);
      assert.ok(!doc.texts.includes('com.apple.evil'));
      assert.equal([...r.body.matchAll(/<key>PayloadType<\/key>/g)].length, 5);
      assert.ok(doc.texts.some((t) => t.includes(EVIL)), 'the address itself is present, unescaped once parsed');
    }
  });

  it('Autodiscover XML responses escape the account the same way', async () => {
    for (const schema of [MS_RESP, OL_RESP]) {
      const r = await h.app.inject({
        method: 'POST', url: '/autodiscover/autodiscover.xml', headers: { ...evilAuth, 'content-type': 'text/xml' },
        payload: request(EVIL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), schema),
      });
      assert.equal(r.statusCode, 200);
      const doc = parseDoc(r.body);
      assert.ok(!doc.names.includes('Evil') && !doc.names.includes('x') && !doc.names.includes('evil'), doc.names.join(','));
      assert.ok(doc.texts.some((t) => t.includes(EVIL)));
    }
  });

  it('Thunderbird: hostile emailaddress and Host values never reach the document as markup', async () => {
    const values = [
      ...INJECTIONS.map((v) => `a@${v}`), ...INJECTIONS,
      'a@example.com</domain><incomingServer type="pop3"><hostname>evil.test</hostname></incomingServer><domain>',
      'a@exa"mple.com', '@', 'a@', `a@${'b'.repeat(300)}.test`,
    ];
    const urls = values.map((v) => `/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${enc(v)}`);
    urls.push('/mail/config-v1.1.xml?emailaddress=a@one.test&emailaddress=b@two.test', '/mail/config-v1.1.xml?emailaddress[x]=a@one.test', '/mail/config-v1.1.xml?emailaddress=%E0%A4%A');
    for (const url of urls) {
      for (const host of ['mail.example.test', 'autoconfig.evil"><x>.test', 'a</domain><x/>', '']) {
        const r = await h.app.inject({ url, headers: { host } });
        assert.equal(r.statusCode, 200, `${url.slice(0, 80)} host ${host}: ${r.statusCode}`);
        const doc = parseDoc(r.body);
        assert.deepEqual(doc.names.filter((n) => n === 'incomingServer' || n === 'outgoingServer'), ['incomingServer', 'outgoingServer'], url);
        assert.ok(!doc.names.includes('x') && !doc.names.includes('evil'));
        assert.doesNotMatch(r.body, /pop3|evil\.test"/);
        const domain = /<domain>([^<]*)<\/domain>/.exec(r.body)![1];
        assert.match(domain, /^[a-z0-9.-]+$/, domain);
      }
    }
  });
});
