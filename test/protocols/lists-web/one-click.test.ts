/**
 * One-click unsubscription from mailing lists (RFC 8058): a post fanned out to a member at
 * another provider carries that member's HTTPS link first in List-Unsubscribe and
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click; local members' shared copy keeps the mailto
 * alone. The link's GET shows a confirmation page and leaves the member subscribed; a POST of
 * "List-Unsubscribe=One-Click" (form-urlencoded or multipart, as providers send it) unsubscribes,
 * again answers the same; tampered or foreign tokens are 404 and change nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../../src/server/app.js';
import { distributeListPost } from '../../../src/mail/lists/distribute.js';
import { oneClickOf, type OneClick } from '../../../src/mail/lists/one-click.js';
import { headerValue } from '../../../src/mail/header-block.js';
import type { Outbound, OutboundMessage } from '../../../src/mail/outbound.js';
import { createTestContext, type TestContext } from '../../helpers/context.js';

class Recording implements Outbound {
  readonly sent: OutboundMessage[] = [];
  async send(m: OutboundMessage) { this.sent.push(m); return { queueId: null }; }
}

describe('mailing lists: one-click unsubscribe (RFC 8058)', () => {
  let t: TestContext;
  let app: FastifyInstance;
  let links: OneClick;
  before(async () => {
    t = await createTestContext();
    await t.addUser('ann@example.test', 'Ann-pass-12345');
    app = await buildServer(t.ctx);
    links = await oneClickOf(t.store, t.ctx.settings.publicUrl);
  });
  after(async () => { await app?.close(); await t?.close(); });

  const post = Buffer.from('From: ann@example.test\r\nTo: team@example.test\r\nSubject: news\r\nMessage-ID: <n1@example.test>\r\n\r\nHello list\r\n');
  const pathOf = (url: string) => new URL(url).pathname;

  it("a remote member's copy names their one-click link; the local copy keeps the mailto; GET asks, POST unsubscribes", async () => {
    const list = await t.store.createList({ address: 'team@example.test', name: 'The Team' });
    await t.store.addListMember(list.id, 'ann@example.test');
    await t.store.addListMember(list.id, 'Far.Away@remote.example');
    await t.store.addListMember(list.id, 'other@remote.example');
    const out = new Recording();
    const d = await distributeListPost(t.store, out, list, post, links);
    assert.equal(d.outcome, 'sent');
    const local = out.sent.find((m) => m.recipients.includes('ann@example.test'))!;
    assert.equal(headerValue(local.bytes, 'List-Unsubscribe'), '<mailto:team-unsubscribe@example.test>');
    assert.equal(headerValue(local.bytes, 'List-Unsubscribe-Post'), null);
    const far = out.sent.find((m) => m.recipients.includes('far.away@remote.example'))!;
    const lu = headerValue(far.bytes, 'List-Unsubscribe')!;
    const m = /^<(https:\/\/[^>]+)>, <mailto:team-unsubscribe@example\.test>$/.exec(lu);
    assert.ok(m, lu);
    assert.equal(headerValue(far.bytes, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.ok(m[1].startsWith(`${t.ctx.settings.publicUrl}/lists/unsubscribe/`));
    const other = out.sent.find((x) => x.recipients.includes('other@remote.example'))!;
    assert.notEqual(headerValue(other.bytes, 'List-Unsubscribe'), lu, 'each member has their own link');

    // GET: a page that asks; nobody is unsubscribed by looking.
    const get = await app.inject({ method: 'GET', url: pathOf(m[1]) });
    assert.equal(get.statusCode, 200);
    assert.match(get.body, /far\.away@remote\.example/);
    assert.match(get.body, /<form method="post">/);
    assert.equal(get.headers['content-security-policy'], "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
    assert.ok(await t.store.getListMember(list.id, 'far.away@remote.example'));

    // POST as Gmail sends it: unsubscribed; the other members stay.
    const one = await app.inject({ method: 'POST', url: pathOf(m[1]), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(await t.store.getListMember(list.id, 'far.away@remote.example'), null);
    assert.ok(await t.store.getListMember(list.id, 'other@remote.example'));
    const again = await app.inject({ method: 'POST', url: pathOf(m[1]), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(again.statusCode, 200);

    // Multipart, as other providers send it.
    const otherUrl = /<(https:\/\/[^>]+)>/.exec(headerValue(other.bytes, 'List-Unsubscribe')!)![1];
    const boundary = 'x1y2';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const mp = await app.inject({ method: 'POST', url: pathOf(otherUrl), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
    assert.equal(mp.statusCode, 200, mp.body);
    assert.equal(await t.store.getListMember(list.id, 'other@remote.example'), null);
  });

  it('tampered, foreign and empty requests change nothing', async () => {
    const list = await t.store.createList({ address: 'club@example.test' });
    await t.store.addListMember(list.id, 'stay@remote.example');
    const url = pathOf(links.url(list.id, 'stay@remote.example'));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const token = url.split('/').pop()!;
    const [id, who, mac] = token.split('.');
    const forged = [
      `${id}.${Buffer.from('someone@remote.example').toString('base64url')}.${mac}`, // another address, same MAC
      `${Number(id) + 1}.${who}.${mac}`, // another list
      `${id}.${who}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // one character changed
      'not-a-token',
    ];
    for (const f of forged) {
      assert.equal((await app.inject({ method: 'POST', url: `/lists/unsubscribe/${f}`, headers: form, payload: 'List-Unsubscribe=One-Click' })).statusCode, 404, f);
      assert.equal((await app.inject({ method: 'GET', url: `/lists/unsubscribe/${f}` })).statusCode, 404, f);
    }
    assert.equal((await app.inject({ method: 'POST', url, headers: form, payload: 'nothing=here' })).statusCode, 400);
    assert.ok(await t.store.getListMember(list.id, 'stay@remote.example'), 'still subscribed');
    // A link made under another server's secret is not ours.
    const { oneClick } = await import('../../../src/mail/lists/one-click.js');
    const foreign = oneClick(t.ctx.settings.publicUrl, Buffer.alloc(32, 1)).url(list.id, 'stay@remote.example');
    assert.equal((await app.inject({ method: 'POST', url: pathOf(foreign), headers: form, payload: 'List-Unsubscribe=One-Click' })).statusCode, 404);
    assert.ok(await t.store.getListMember(list.id, 'stay@remote.example'));
  });
});
