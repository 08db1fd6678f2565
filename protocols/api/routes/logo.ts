/**
 * A domain's logo: GET (the image), PUT (the raw image as the body, `content-type: image/png`,
 * `image/jpeg`, `image/gif` or `image/webp`, at most 256 KiB), DELETE. Read and changed with the
 * domain's read and write access (its administrators show their own brand in the console), with
 * ETag/If-Match like every resource. Served with a CSP of its own and nosniff, so the bytes
 * never run as a page.
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { LOGO_MAX_BYTES, LOGO_TYPES, readDomainLogo, setDomainLogo } from '../../../src/admin/domain-logo.js';
import { StoreError } from '../../../src/store/errors.js';
import { DomainName } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const resource = (name: string) => `domain-logo:${name}`;

/**
 * Image bodies (the logo here, account photos in ./photo.ts) arrive raw, as a Buffer, up to the
 * largest image any route takes; each route checks its own limit and types on the bytes.
 */
export function imageBodies(app: FastifyInstance): void {
  app.addContentTypeParser([...LOGO_TYPES], { parseAs: 'buffer', bodyLimit: LOGO_MAX_BYTES }, (_req, body, done) => done(null, body));
}

export function logoRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/domains/:domain/logo',
    { schema: { tags: ['domains'], summary: "The domain's logo image (404 when it has none)", params: DomainName } },
    async (req, reply) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const logo = await readDomainLogo(store, d);
      if (!logo) throw new StoreError('NotFound', 'the domain has no logo');
      await tagReply(store, reply, resource(d.name), d.logoBlob);
      return reply
        .type(logo.type)
        .header('content-security-policy', "default-src 'none'")
        .header('x-content-type-options', 'nosniff')
        .send(logo.bytes);
    },
  );

  app.put(
    '/domains/:domain/logo',
    {
      schema: {
        tags: ['domains'],
        summary: 'Set the logo: the image itself as the body (PNG, JPEG, GIF or WebP; at most 256 KiB)',
        params: DomainName,
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      if (!Buffer.isBuffer(req.body)) throw new StoreError('Invalid', `send the image with content-type ${LOGO_TYPES.join(', ')}`);
      const version = await claimWrite(store, req, resource(d.name), d.logoBlob ? d.logoBlob : null);
      const after = await setDomainLogo(store, p.by, d, req.body);
      return reply.code(204).header('etag', etagOf(version, after.logoBlob)).send();
    },
  );

  app.delete(
    '/domains/:domain/logo',
    { schema: { tags: ['domains'], summary: 'Remove the logo', params: DomainName } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      await claimWrite(store, req, resource(d.name), d.logoBlob);
      await setDomainLogo(store, p.by, d, null);
      return reply.code(204).send();
    },
  );
}
