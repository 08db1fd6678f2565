/** Aliases and catch-alls (`@DOMAIN`): list per domain, read, create-or-replace (idempotent PUT), delete. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { aliasView, deleteAlias, normaliseAliasAddress, putAlias } from '../../../src/admin/aliases.js';
import { StoreError } from '../../../src/store/errors.js';
import { Alias, AliasBody, DomainName, Paging, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { aliasFor, domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const Address = Type.Object({ address: Type.String({ maxLength: 254 }) });
const resource = (address: string) => `alias:${address}`;

export function aliasRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/domains/:domain/aliases',
    { schema: { tags: ['aliases'], params: DomainName, querystring: Paging, response: { 200: page(Alias) } } },
    async (req) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const q = req.query as Static<typeof Paging>;
      const all = await store.listAliases(d.id);
      return { items: all.slice(q.offset, q.offset + q.limit).map(aliasView), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.get('/aliases/:address', { schema: { tags: ['aliases'], params: Address, response: { 200: Alias } } }, async (req, reply) => {
    const alias = await aliasFor(store, principal(req), (req.params as Static<typeof Address>).address, 'read');
    await tagReply(store, reply, resource(alias.address), aliasView(alias));
    return aliasView(alias);
  });

  app.put(
    '/aliases/:address',
    {
      schema: {
        tags: ['aliases'],
        summary: 'Create or replace the alias (idempotent); `@DOMAIN` is the catch-all',
        params: Address,
        body: AliasBody,
        response: { 200: Alias, 201: Alias },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const address = (req.params as Static<typeof Address>).address.trim().toLowerCase();
      const domainName = address.split('@')[1] ?? '';
      const domain = await domainFor(store, p, domainName, 'write').catch(() => {
        throw new StoreError('NotFound', 'domain not found');
      });
      const addr = normaliseAliasAddress(domain, address);
      const existing = await store.getAlias(addr);
      const version = await claimWrite(store, req, resource(addr), existing && aliasView(existing));
      const alias = await putAlias(store, p.by, domain, addr, (req.body as Static<typeof AliasBody>).targets);
      reply.code(existing ? 200 : 201).header('etag', etagOf(version, aliasView(alias)));
      return aliasView(alias);
    },
  );

  app.delete('/aliases/:address', { schema: { tags: ['aliases'], params: Address } }, async (req, reply) => {
    const p = principal(req);
    const alias = await aliasFor(store, p, (req.params as Static<typeof Address>).address, 'write');
    await claimWrite(store, req, resource(alias.address), aliasView(alias));
    await deleteAlias(store, p.by, alias);
    return reply.code(204).send();
  });
}
