/** The audit log (scoped: domain administrators see their domains' events only) and the usage report for billing. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { usageReport, dayOf } from '../../../src/admin/usage.js';
import { visibleDomains } from '../../../src/admin/roles.js';
import { AuditEvent, AuditQuery, DomainName, Usage, page } from '../schemas.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const UsageQuery = Type.Object({
  month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (UTC); default this month' })),
});

export function reportRoutes(app: FastifyInstance, { store, now }: ApiDeps): void {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first; domain administrators must name one of their domains',
        querystring: AuditQuery,
        response: { 200: page(AuditEvent) },
      },
    },
    async (req) => {
      const p = principal(req);
      const q = req.query as Static<typeof AuditQuery>;
      let domain = q.domain;
      if (domain !== undefined) domain = (await domainFor(store, p, domain, 'read')).name;
      else if (visibleDomains(p)) {
        // Without a domain a domain administrator's only domain is implied; with several they choose.
        const ids = visibleDomains(p)!;
        if (ids.length !== 1) return { items: [], total: 0, limit: q.limit, offset: q.offset };
        domain = (await store.getDomain(ids[0]))?.name ?? '';
      }
      const { events, total } = await store.pageAudit({ domain, target: q.target, action: q.action, limit: q.limit, offset: q.offset });
      return { items: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })), total, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    '/domains/:domain/usage',
    {
      schema: {
        tags: ['usage'],
        summary: "Users per day, the month's maximum and storage (billing)",
        params: DomainName,
        querystring: UsageQuery,
        response: { 200: Usage },
      },
    },
    async (req) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const month = (req.query as Static<typeof UsageQuery>).month ?? dayOf(now()).slice(0, 7);
      return usageReport(store, d, month, now());
    },
  );

  app.get(
    '/usage',
    {
      schema: {
        tags: ['usage'],
        summary: "The month's report of every domain the caller may see",
        querystring: UsageQuery,
        response: { 200: Type.Object({ items: Type.Array(Usage) }) },
      },
    },
    async (req) => {
      const visible = visibleDomains(principal(req));
      const month = (req.query as Static<typeof UsageQuery>).month ?? dayOf(now()).slice(0, 7);
      const items = [];
      for (const d of await store.listDomains())
        if (!visible || visible.includes(d.id)) items.push(await usageReport(store, d, month, now()));
      return { items };
    },
  );
}
