/**
 * Autodiscover for 16.x clients: [MS-ASCMD] 2.2.1.1 Autodiscover is not a Cmd= of the ActiveSync
 * endpoint but its own URL, so a 16.1 phone's discovery is Autodiscover v2 (JSON) to find the
 * v1 endpoint or the ActiveSync URL, then the POX request with the mobilesync schema, then
 * OPTIONS at the URL it was given. Cmd=Autodiscover is not a command (HTTP 501, not listed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, makeHarness, TestDevice, type Harness } from './harness.js';

describe('Autodiscover for 16.x clients', () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('lea@example.com', 'lea-pass-1');
  });
  after(() => h.close());

  it('JSON v2, then POX mobilesync, then OPTIONS at the discovered URL lists 16.1 and MeetingResponse; Cmd=Autodiscover is 501', async () => {
    const v2 = await h.app.inject({ url: '/autodiscover/autodiscover.json/v1.0/lea@example.com?Protocol=AutodiscoverV1&RedirectCount=1' });
    assert.equal(v2.statusCode, 200);
    const v1Url = new URL(v2.json().Url);
    const pox = await h.app.inject({
      method: 'POST', url: v1Url.pathname, headers: { authorization: basic('lea@example.com', 'lea-pass-1'), 'content-type': 'text/xml', 'ms-asprotocolversion': '16.1' },
      payload: '<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>lea@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>',
    });
    assert.equal(pox.statusCode, 200);
    const easUrl = /<Type>MobileSync<\/Type>\s*<Url>([^<]+)<\/Url>/.exec(pox.body)?.[1];
    assert.ok(easUrl, pox.body);
    const json = await h.app.inject({ url: '/autodiscover/autodiscover.json?Email=lea@example.com&Protocol=ActiveSync' });
    assert.equal(json.json().Url, easUrl, 'both discovery paths agree');
    const options = await h.app.inject({ method: 'OPTIONS', url: new URL(easUrl).pathname, headers: { authorization: basic('lea@example.com', 'lea-pass-1') } });
    assert.equal(options.statusCode, 200);
    assert.ok(String(options.headers['ms-asprotocolversions']).split(',').includes('16.1'));
    const commands = String(options.headers['ms-asprotocolcommands']).split(',');
    assert.ok(commands.includes('MeetingResponse'));
    assert.ok(!commands.includes('Autodiscover'));
    const d = new TestDevice(h.app, 'lea@example.com', 'lea-pass-1', 'LEA16', '16.1');
    assert.equal((await d.send('Autodiscover', null)).status, 501);
  });
});
