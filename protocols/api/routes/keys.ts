/**
 * API keys: an administrator makes keys that carry their own roles (read-write, or read-only),
 * optionally bound to source networks; the secret is in the creation answer only. Server
 * administrators see and revoke every key; others their own.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { apiKeyView, createApiKey, deleteApiKey } from '../../../src/admin/api-keys.js';
import { Forbidden } from '../../../src/admin/roles.js';
import { StoreError } from '../../../src/store/errors.js';
import { ApiKey, NewApiKey } from '../schemas.js';
import { principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const KeyParams = Type.Object({ keyId: Type.String({ maxLength: 64 }) });

export function keyRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const emailOf = async (id: number) => (await store.getAccount(id))?.email ?? `#${id}`;

  app.get('/api-keys', { schema: { tags: ['api-keys'], response: { 200: Type.Object({ items: Type.Array(ApiKey) }) } } }, async (req) => {
    const p = principal(req);
    const keys = await store.listApiKeys(p.server ? undefined : [p.account.id]);
    return { items: await Promise.all(keys.map(async (k) => apiKeyView(k, await emailOf(k.accountId)))) };
  });

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Make a key carrying your roles; the secret is shown in this answer only',
        body: NewApiKey,
        response: { 201: Type.Composite([ApiKey, Type.Object({ secret: Type.String() })]) },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      if (p.via !== 'token') throw new Forbidden('API keys are made by a signed-in administrator');
      const body = req.body as Static<typeof NewApiKey>;
      const { key, secret } = await createApiKey(store, p.by, p.account, { label: body.label, access: body.access, cidrs: body.cidrs });
      reply.code(201);
      return { ...apiKeyView(key, p.account.email), secret };
    },
  );

  app.delete('/api-keys/:keyId', { schema: { tags: ['api-keys'], params: KeyParams } }, async (req, reply) => {
    const p = principal(req);
    const key = await store.getApiKey((req.params as Static<typeof KeyParams>).keyId);
    if (!key || (p.server !== 'write' && key.accountId !== p.account.id)) throw new StoreError('NotFound', 'API key not found');
    await deleteApiKey(store, p.by, key, await emailOf(key.accountId));
    return reply.code(204).send();
  });
}
