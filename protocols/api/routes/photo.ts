/**
 * An account's photo (users and resources; src/admin/account-photo.ts): GET (the image), PUT (the
 * raw JPEG or PNG as the body, at most 100 KiB), DELETE, under /users/{email}/photo and
 * /resources/{email}/photo, with the account's read and write access and ETag/If-Match like
 * every resource. Phones see it as the GAL picture. Served with a CSP of its own and nosniff.
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { AccountKind } from '../../../src/model/types.js';
import { PHOTO_MAX_BYTES, PHOTO_TYPES, photoVersion, readAccountPhoto, setAccountPhoto } from '../../../src/admin/account-photo.js';
import { StoreError } from '../../../src/store/errors.js';
import { Email } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { accountFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const resource = (email: string) => `account-photo:${email}`;
const KINDS: { kind: AccountKind; path: string }[] = [{ kind: 'user', path: 'users' }, { kind: 'resource', path: 'resources' }];

export function photoRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  for (const { kind, path } of KINDS) {
    app.get(
      `/${path}/:email/photo`,
      { schema: { tags: [path], summary: `The ${kind}'s photo (404 when there is none)`, params: Email } },
      async (req, reply) => {
        const { account } = await accountFor(store, principal(req), (req.params as Static<typeof Email>).email, 'read', kind);
        const photo = await readAccountPhoto(store, account);
        if (!photo) throw new StoreError('NotFound', `the ${kind} has no photo`);
        await tagReply(store, reply, resource(account.email), await photoVersion(store, account));
        return reply
          .type(photo.type)
          .header('content-security-policy', "default-src 'none'")
          .header('x-content-type-options', 'nosniff')
          .send(photo.bytes);
      },
    );

    app.put(
      `/${path}/:email/photo`,
      {
        schema: {
          tags: [path],
          summary: `Set the photo: the image itself as the body (${PHOTO_TYPES.join(' or ')}; at most ${PHOTO_MAX_BYTES / 1024} KiB)`,
          params: Email,
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', kind);
        if (!Buffer.isBuffer(req.body)) throw new StoreError('Invalid', `send the image with content-type ${PHOTO_TYPES.join(' or ')}`);
        const version = await claimWrite(store, req, resource(account.email), await photoVersion(store, account));
        await setAccountPhoto(store, p.by, account, req.body);
        return reply.code(204).header('etag', etagOf(version, await photoVersion(store, account))).send();
      },
    );

    app.delete(
      `/${path}/:email/photo`,
      { schema: { tags: [path], summary: 'Remove the photo', params: Email } },
      async (req, reply) => {
        const p = principal(req);
        const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', kind);
        await claimWrite(store, req, resource(account.email), await photoVersion(store, account));
        await setAccountPhoto(store, p.by, account, null);
        return reply.code(204).send();
      },
    );
  }
}
