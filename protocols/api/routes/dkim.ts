/**
 * A domain's DKIM key (`hearth domain dkim` over HTTP): read, make (idempotent PUT), rotate. The
 * answers carry the selector and the DNS TXT record to publish (RFC 6376 §3.6.1); the private
 * key never leaves the store (src/admin/dkim.ts).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { dkimView, ensureDomainDkim, rotateDomainDkim } from '../../../src/admin/dkim.js';
import { StoreError } from '../../../src/store/errors.js';
import { DomainName } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

export const DkimKeySchema = Type.Object({
  domain: Type.String(),
  selector: Type.String(),
  algorithm: Type.String(),
  bits: Type.Integer(),
  dnsName: Type.String({ description: 'SELECTOR._domainkey.DOMAIN' }),
  dnsType: Type.Literal('TXT'),
  dnsValue: Type.String({ description: 'the TXT value: v=DKIM1; k=rsa; p=…' }),
  zoneFileValue: Type.String({ description: 'the value split into quoted strings of at most 255 bytes (RFC 1035 §3.3.14)' }),
  createdAt: Type.String(),
});
const Rotated = Type.Composite([
  DkimKeySchema,
  Type.Object({ previous: Type.Object({ selector: Type.String(), dnsName: Type.String() }, { description: 'keep its record published until mail signed with it has arrived (a few days)' }) }),
]);
const resource = (domain: string) => `dkim:${domain}`;

export function dkimRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const tags = ['dkim'];

  app.get('/domains/:domain/dkim', { schema: { tags, summary: "The domain's DKIM key: selector and DNS record", params: DomainName, response: { 200: DkimKeySchema } } }, async (req, reply) => {
    const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
    const key = await store.getDkimKey(d.id);
    if (!key) throw new StoreError('NotFound', 'the domain has no DKIM key yet');
    await tagReply(store, reply, resource(d.name), dkimView(d, key));
    return dkimView(d, key);
  });

  app.put(
    '/domains/:domain/dkim',
    { schema: { tags, summary: 'Make the domain\'s DKIM key if it has none (idempotent); 201 when made', params: DomainName, response: { 200: DkimKeySchema, 201: DkimKeySchema } } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const existing = await store.getDkimKey(d.id);
      const version = await claimWrite(store, req, resource(d.name), existing && dkimView(d, existing));
      const { key, created } = await ensureDomainDkim(store, p.by, d);
      reply.code(created ? 201 : 200).header('etag', etagOf(version, dkimView(d, key)));
      return dkimView(d, key);
    },
  );

  app.post(
    '/domains/:domain/dkim/rotate',
    { schema: { tags, summary: 'Replace the key by a new one under a new selector; publish the new record', params: DomainName, response: { 200: Rotated } } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const current = await store.getDkimKey(d.id);
      if (!current) throw new StoreError('NotFound', 'the domain has no DKIM key yet');
      const version = await claimWrite(store, req, resource(d.name), dkimView(d, current));
      const { key, previous } = await rotateDomainDkim(store, p.by, d);
      const view = dkimView(d, key);
      reply.header('etag', etagOf(version, view));
      return { ...view, previous: { selector: previous.selector, dnsName: dkimView(d, previous).dnsName } };
    },
  );
}
