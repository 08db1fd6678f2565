/**
 * Domains: list, read, create-or-change (idempotent PUT, server administrators), change (PATCH:
 * domain administrators may not touch the limits), delete; their ActiveSync device policy and
 * device access rules.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { createDomain, deleteDomain, domainView, updateDomain } from '../../../src/admin/domains.js';
import { replaceAccessRules, setPolicy } from '../../../src/admin/device-policy.js';
import { accessRules, effectivePolicy } from '../../../src/model/device-policy.js';
import { requireServer, visibleDomains } from '../../../src/admin/roles.js';
import { StoreError } from '../../../src/store/errors.js';
import { Domain, DomainFields, DomainName, Order, Paging, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const DomainListQuery = Type.Composite([Paging, Type.Object({ order: Order, q: Type.Optional(Type.String({ maxLength: 253 })) })]);
const PolicyBody = Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Integer(), Type.Null(), Type.Literal('default')]), {
  description: 'policy keys (EASProvisionDoc names) to values; null for no limit, "default" to remove the override',
});
const Policy = Type.Object({ policy: Type.Record(Type.String(), Type.Unknown()), overrides: Type.Record(Type.String(), Type.Unknown()) });
const AccessRule = Type.Object(
  {
    field: Type.Union([Type.Literal('deviceType'), Type.Literal('model'), Type.Literal('userAgent')]),
    pattern: Type.String({ minLength: 1, maxLength: 256 }),
    access: Type.Union([Type.Literal('allowed'), Type.Literal('blocked'), Type.Literal('quarantined')]),
  },
  { additionalProperties: false },
);
const AccessRules = Type.Object(
  {
    default: Type.Union([Type.Literal('allowed'), Type.Literal('blocked'), Type.Literal('quarantined')]),
    rules: Type.Array(AccessRule, { maxItems: 500 }),
  },
  { additionalProperties: false },
);

const resource = (name: string) => `domain:${name}`;
const overrides = (d: { settings: Record<string, unknown> }) => (d.settings.activesyncPolicy ?? {}) as Record<string, unknown>;

export function domainRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/domains',
    {
      schema: { tags: ['domains'], summary: 'Domains the caller may see', querystring: DomainListQuery, response: { 200: page(Domain) } },
    },
    async (req) => {
      const q = req.query as Static<typeof DomainListQuery>;
      const visible = visibleDomains(principal(req));
      let all = (await store.listDomains()).filter((d) => !visible || visible.includes(d.id));
      if (q.q) all = all.filter((d) => d.name.includes(q.q!.toLowerCase()));
      if (q.order === 'desc') all.reverse();
      return { items: all.slice(q.offset, q.offset + q.limit).map(domainView), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.get('/domains/:domain', { schema: { tags: ['domains'], params: DomainName, response: { 200: Domain } } }, async (req, reply) => {
    const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
    await tagReply(store, reply, resource(d.name), domainView(d));
    return domainView(d);
  });

  app.put(
    '/domains/:domain',
    {
      schema: {
        tags: ['domains'],
        summary: 'Create the domain, or set the given fields (server administrators; idempotent)',
        params: DomainName,
        body: DomainFields,
        response: { 200: Domain, 201: Domain },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      requireServer(p, 'write');
      const name = (req.params as Static<typeof DomainName>).domain.toLowerCase();
      const fields = req.body as DomainFields;
      const existing = await store.getDomain(name);
      const version = await claimWrite(store, req, resource(name), existing && domainView(existing));
      const d = existing ? await updateDomain(store, p.by, existing, fields, true) : await createDomain(store, p.by, name, fields);
      reply.header('etag', etagOf(version, domainView(d))).code(existing ? 200 : 201);
      return domainView(d);
    },
  );

  app.patch(
    '/domains/:domain',
    {
      schema: {
        tags: ['domains'],
        summary: 'Change fields; limits (maxUsers, maxQuota, maxMessageSize) only by server administrators',
        params: DomainName,
        body: DomainFields,
        response: { 200: Domain },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const version = await claimWrite(store, req, resource(d.name), domainView(d));
      const after = await updateDomain(store, p.by, d, req.body as DomainFields, p.server === 'write');
      reply.header('etag', etagOf(version, domainView(after)));
      return domainView(after);
    },
  );

  app.delete(
    '/domains/:domain',
    { schema: { tags: ['domains'], summary: 'Delete the domain and all its accounts (server administrators)', params: DomainName } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      requireServer(p, 'write');
      await claimWrite(store, req, resource(d.name), domainView(d));
      await deleteDomain(store, p.by, d);
      return reply.code(204).send();
    },
  );

  app.get(
    '/domains/:domain/device-policy',
    {
      schema: {
        tags: ['domains'],
        summary: "ActiveSync device policy: effective values and the domain's overrides",
        params: DomainName,
        response: { 200: Policy },
      },
    },
    async (req, reply) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const view = { policy: effectivePolicy(d), overrides: overrides(d) };
      await tagReply(store, reply, `policy:${d.name}`, view);
      return view;
    },
  );

  app.patch(
    '/domains/:domain/device-policy',
    { schema: { tags: ['domains'], params: DomainName, body: PolicyBody, response: { 200: Policy } } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const version = await claimWrite(store, req, `policy:${d.name}`, { policy: effectivePolicy(d), overrides: overrides(d) });
      const body = req.body as Static<typeof PolicyBody>;
      await setPolicy(store, d.name, Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === null ? 'none' : String(v)])), p.by);
      const after = await store.getDomain(d.id);
      if (!after) throw new StoreError('NotFound', 'domain not found');
      const view = { policy: effectivePolicy(after), overrides: overrides(after) };
      reply.header('etag', etagOf(version, view));
      return view;
    },
  );

  app.get(
    '/domains/:domain/access-rules',
    {
      schema: {
        tags: ['domains'],
        summary: 'Device access rules (first match wins) and the default',
        params: DomainName,
        response: { 200: AccessRules },
      },
    },
    async (req, reply) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      await tagReply(store, reply, `access:${d.name}`, accessRules(d));
      return accessRules(d);
    },
  );

  app.put(
    '/domains/:domain/access-rules',
    {
      schema: {
        tags: ['domains'],
        summary: 'Replace the device access rules (idempotent)',
        params: DomainName,
        body: AccessRules,
        response: { 200: AccessRules },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const version = await claimWrite(store, req, `access:${d.name}`, accessRules(d));
      const rules = await replaceAccessRules(store, d.name, req.body as Static<typeof AccessRules>, p.by);
      reply.header('etag', etagOf(version, rules));
      return rules;
    },
  );
}
