import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, makeHarness, type Harness } from '../activesync/harness.js';

const MOBILESYNC_REQ = (email: string, schema = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006') =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`;

describe('Autodiscover and client set-up', () => {
  let h: Harness;
  const auth = { authorization: basic('ada@example.com', 'ada-pass-1') };
  before(async () => {
    h = await makeHarness();
    await h.addUser('ada@example.com', 'ada-pass-1', 'Ada L');
    await h.ctx.store.setAlias('countess@example.com', ['ada@example.com']);
    await h.addUser('bob@example.com', 'bob-pass-1');
  });
  after(() => h.close());

  const post = (body: string, headers: Record<string, string> = auth, url = '/autodiscover/autodiscover.xml') =>
    h.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml', ...headers }, payload: body });

  it('needs credentials', async () => {
    const r = await post(MOBILESYNC_REQ('ada@example.com'), {});
    assert.equal(r.statusCode, 401);
    assert.match(String(r.headers['www-authenticate']), /^Basic/);
  });

  it('answers the mobilesync schema with the ActiveSync URL (both path spellings, any prefix)', async () => {
    for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
      const r = await post(MOBILESYNC_REQ('ada@example.com'), auth, url);
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<Url>https:\/\/mail\.example\.test\/Microsoft-Server-ActiveSync<\/Url>/);
      assert.match(r.body, /mobilesync\/responseschema\/2006/);
      assert.match(r.body, /<EMailAddress>ada@example.com<\/EMailAddress>/);
    }
    const prefixed = '<a:Autodiscover xmlns:a="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><a:Request><a:EMailAddress>countess@example.com</a:EMailAddress><a:AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</a:AcceptableResponseSchema></a:Request></a:Autodiscover>';
    assert.match((await post(prefixed)).body, /MobileSync/);
  });

  it('answers the Outlook schema with IMAP and SMTP', async () => {
    const r = await post(MOBILESYNC_REQ('ada@example.com', 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'));
    assert.match(r.body, /<Type>IMAP<\/Type>\s*<Server>mail\.example\.test<\/Server>\s*<Port>993<\/Port>/);
    assert.match(r.body, /<Type>SMTP<\/Type>\s*<Server>mail\.example\.test<\/Server>\s*<Port>465<\/Port>/);
  });

  it('refuses bad requests, other users and unknown schemas without leaking', async () => {
    assert.match((await post('<Autodiscover><Request>')).body, /<ErrorCode>600<\/ErrorCode>/);
    assert.match((await post('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Autodiscover/>')).body, /<ErrorCode>600<\/ErrorCode>/);
    assert.match((await post(MOBILESYNC_REQ('ada@example.com', 'urn:nope'))).body, /<ErrorCode>601<\/ErrorCode>/);
    assert.equal((await post(MOBILESYNC_REQ('bob@example.com'))).statusCode, 403);
    assert.equal((await post(MOBILESYNC_REQ('x'.repeat(20000)))).statusCode, 413);
  });

  it('serves Autodiscover v2 JSON for any address', async () => {
    const a = await h.app.inject({ url: '/autodiscover/autodiscover.json?Email=nobody@nowhere.test&Protocol=ActiveSync' });
    assert.deepEqual(a.json(), { Protocol: 'ActiveSync', Url: 'https://mail.example.test/Microsoft-Server-ActiveSync' });
    const b = await h.app.inject({ url: '/autodiscover/autodiscover.json/v1.0/ada@example.com?Protocol=ActiveSync' });
    assert.equal(b.json().Url, 'https://mail.example.test/Microsoft-Server-ActiveSync');
    const c = await h.app.inject({ url: '/autodiscover/autodiscover.json/v1.0/ada@example.com?Protocol=Rest' });
    assert.equal(c.statusCode, 400);
  });

  it('serves an Apple profile with EAS, CalDAV, CardDAV and mail payloads', async () => {
    assert.equal((await h.app.inject({ url: '/autodiscover/apple/mobileconfig' })).statusCode, 401);
    const r = await h.app.inject({ url: '/autodiscover/apple/mobileconfig', headers: auth });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/x-apple-aspen-config/);
    for (const t of ['com.apple.eas.account', 'com.apple.caldav.account', 'com.apple.carddav.account', 'com.apple.mail.managed']) assert.ok(r.body.includes(`<string>${t}</string>`), t);
    assert.ok(!r.body.includes('ada-pass-1'));
    assert.match(r.body, /<key>IncomingMailServerPortNumber<\/key>\s*<integer>993<\/integer>/);
    const again = await h.app.inject({ url: '/autodiscover/apple/mobileconfig', headers: auth });
    assert.equal(again.body, r.body, 'stable UUIDs: a newer profile replaces the older one');
  });

  it('serves Thunderbird autoconfig', async () => {
    for (const url of ['/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=ada@example.com', '/mail/config-v1.1.xml?emailaddress=ada@example.com']) {
      const r = await h.app.inject({ url });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<domain>example.com<\/domain>/);
      assert.match(r.body, /<incomingServer type="imap">\s*<hostname>mail.example.test<\/hostname>\s*<port>993<\/port>\s*<socketType>SSL<\/socketType>/);
      assert.match(r.body, /<outgoingServer type="smtp">[\s\S]*<port>465<\/port>/);
      assert.match(r.body, /<username>%EMAILADDRESS%<\/username>/);
    }
  });
});
