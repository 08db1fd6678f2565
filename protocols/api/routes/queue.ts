/**
 * The outbound queue (`hearth queue` over HTTP): list with paging and filters, one message, retry
 * now, delete without delivering. A message belongs to its submitter's (or sender's) domain
 * (src/admin/queue.ts); domain roles see only their domains' messages, and a message of another
 * domain, or of none, answers 404 exactly as a message that is not there.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { QueuedMessage } from '../../../src/store/queue-store.js';
import type { Store } from '../../../src/store/store.js';
import { Forbidden, requireAccess, visibleDomains, type Access, type Principal } from '../../../src/admin/roles.js';
import { deleteQueued, listQueue, queueDomainId, queueView, retryQueued } from '../../../src/admin/queue.js';
import { StoreError } from '../../../src/store/errors.js';
import { Nullable, Paging, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const State = Type.Union([Type.Literal('pending'), Type.Literal('deferred'), Type.Literal('delivered'), Type.Literal('failed')]);
export const QueuedMessageSchema = Type.Object({
  id: Type.String(),
  mailFrom: Type.String({ description: "'' is the null sender (a bounce)" }),
  submittedBy: Nullable(Type.String()),
  size: Type.Integer(),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  nextAttemptAt: Type.String(),
  expiresAt: Type.String(),
  recipients: Type.Array(
    Type.Object({ address: Type.String(), state: Type.String(), attempts: Type.Integer(), lastError: Nullable(Type.String()), updatedAt: Type.String() }),
  ),
});
const QueueQuery = Type.Composite([
  Paging,
  Type.Object({
    domain: Type.Optional(Type.String({ maxLength: 253, description: "only this domain's messages" })),
    state: Type.Optional(State),
    q: Type.Optional(Type.String({ maxLength: 254, description: 'substring of the sender or a recipient' })),
  }),
]);
const Id = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,20}$' }) });
const resource = (id: string) => `queue:${id}`;

/** The message, or NotFound when it is not queued or not the caller's to see. */
async function queuedFor(store: Store, p: Principal, id: string, need: Access): Promise<QueuedMessage> {
  const m = await store.getQueuedMessage(id);
  if (!m) throw new StoreError('NotFound', 'queued message not found');
  const domainId = await queueDomainId(store, m);
  if (domainId !== null) requireAccess(p, domainId, need, 'queued message');
  else if (!p.server) throw new StoreError('NotFound', 'queued message not found');
  else if (need === 'write' && p.server !== 'write') throw new Forbidden('read-only access');
  return m;
}

export function queueRoutes(app: FastifyInstance, { store, now }: ApiDeps): void {
  const tags = ['queue'];

  app.get(
    '/queue',
    {
      schema: {
        tags,
        summary: 'Queued outbound messages by id, with each recipient\'s state (domain roles: their domains\' messages)',
        querystring: QueueQuery,
        response: { 200: page(QueuedMessageSchema) },
      },
    },
    async (req) => {
      const p = principal(req);
      const q = req.query as Static<typeof QueueQuery>;
      const domainIds = q.domain ? [(await domainFor(store, p, q.domain, 'read')).id] : visibleDomains(p);
      const all = await listQueue(store, { ...(domainIds ? { domainIds } : {}), ...(q.state ? { state: q.state } : {}), ...(q.q ? { q: q.q } : {}) });
      return { items: all.slice(q.offset, q.offset + q.limit).map(queueView), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.get('/queue/:id', { schema: { tags, params: Id, response: { 200: QueuedMessageSchema } } }, async (req, reply) => {
    const m = await queuedFor(store, principal(req), (req.params as Static<typeof Id>).id, 'read');
    await tagReply(store, reply, resource(m.id), queueView(m));
    return queueView(m);
  });

  app.post(
    '/queue/:id/retry',
    { schema: { tags, summary: 'Make the message due now (its failed recipients stay failed)', params: Id, response: { 200: QueuedMessageSchema } } },
    async (req, reply) => {
      const p = principal(req);
      const m = await queuedFor(store, p, (req.params as Static<typeof Id>).id, 'write');
      const version = await claimWrite(store, req, resource(m.id), queueView(m));
      const after = await retryQueued(store, p.by, m.id, now());
      reply.header('etag', etagOf(version, queueView(after)));
      return queueView(after);
    },
  );

  app.delete(
    '/queue/:id',
    { schema: { tags, summary: 'Remove the message without delivering it (no bounce is sent)', params: Id } },
    async (req, reply) => {
      const p = principal(req);
      const m = await queuedFor(store, p, (req.params as Static<typeof Id>).id, 'write');
      await claimWrite(store, req, resource(m.id), queueView(m));
      await deleteQueued(store, p.by, m.id);
      return reply.code(204).send();
    },
  );
}
