/**
 * The one-click unsubscribe address of mailing lists (RFC 8058; the links are
 * src/mail/lists/one-click.ts). POST with the body "List-Unsubscribe=One-Click" (form-urlencoded
 * or multipart, as mail providers' unsubscribe buttons send it, with no cookie and no redirect)
 * unsubscribes at once and answers 200; doing it again answers the same. GET shows the address
 * and the list with a button that makes that POST, and never unsubscribes by itself (RFC 8058
 * §3.2: a link scanner or a preview must not). A token that is not ours, or a list that is gone,
 * is 404. Plain HTML with no script under `default-src 'none'`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import { oneClickOf } from '../../src/mail/lists/one-click.js';

export interface ListsWebOptions {
  ctx: ProtocolContext;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title><h1>${esc(title)}</h1>${body}</html>`);
}

export async function listsWebPlugin(app: FastifyInstance, opts: ListsWebOptions): Promise<void> {
  const { store, log } = opts.ctx;
  const links = await oneClickOf(store, opts.ctx.settings.publicUrl);
  // Whatever the button sends (urlencoded or multipart), read as text, small.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));

  const target = async (token: string) => {
    const named = links.read(token);
    const list = named ? await store.getListById(named.listId) : null;
    return named && list ? { list, address: named.address } : null;
  };
  const notFound = (reply: FastifyReply) => page(reply, 404, 'Unknown unsubscribe link', '<p>This link is not valid, or the list no longer exists.</p>');

  app.get('/lists/unsubscribe/:token', async (req, reply) => {
    const t = await target((req.params as { token: string }).token);
    if (!t) return notFound(reply);
    return page(reply, 200, `Leave ${t.list.address}`,
      `<p>Stop sending the mailing list <strong>${esc(t.list.name || t.list.address)}</strong> (${esc(t.list.address)}) to <strong>${esc(t.address)}</strong>?</p>` +
      `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`);
  });

  app.post('/lists/unsubscribe/:token', async (req, reply) => {
    const t = await target((req.params as { token: string }).token);
    if (!t) return notFound(reply);
    if (!String(req.body ?? '').includes('One-Click')) return page(reply, 400, 'Not unsubscribed', '<p>The request did not ask for a one-click unsubscription.</p>');
    const removed = await store.removeListMember(t.list.id, t.address);
    if (removed) log.info({ list: t.list.address, member: t.address }, 'list.unsubscribed.one-click');
    return page(reply, 200, `You have left ${t.list.address}`, `<p>${esc(t.address)} no longer receives ${esc(t.list.address)}.</p>`);
  });
}
