/** Delegation grants of a user (src/admin/delegation.ts): list, set (idempotent PUT), remove. Grants never cross domains. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { delegate, undelegate } from '../../../src/admin/delegation.js';
import { StoreError } from '../../../src/store/errors.js';
import { Email, Grant, GrantBody } from '../schemas.js';
import { accountFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const GrantParams = Type.Object({ email: Type.String({ maxLength: 254 }), delegate: Type.String({ maxLength: 254 }) });
const FolderQuery = Type.Object({ folder: Type.Optional(Type.String({ maxLength: 256 })) });

export function grantRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const grantsOf = async (ownerId: number) => {
    const folders = new Map((await store.listFolders(ownerId)).map((f) => [f.id, f.name]));
    const out = [];
    for (const g of await store.listGrantsByOwner(ownerId)) {
      const grantee = await store.getAccount(g.granteeId);
      out.push({
        delegate: grantee?.email ?? `#${g.granteeId}`,
        rights: g.rights,
        folder: g.folderId === null ? null : (folders.get(g.folderId) ?? null),
        status: g.status,
      });
    }
    return out;
  };
  /** The delegate, in the owner's domain (another domain's account does not exist here). */
  const delegateOf = async (ownerDomainId: number, email: string) => {
    const d = await store.getAccount(email.trim().toLowerCase());
    if (!d || d.domainId !== ownerDomainId || d.kind === 'public') throw new StoreError('NotFound', 'delegate not found');
    return d;
  };

  app.get(
    '/users/:email/grants',
    {
      schema: {
        tags: ['grants'],
        summary: 'Delegations the user gave',
        params: Email,
        response: { 200: Type.Object({ items: Type.Array(Grant) }) },
      },
    },
    async (req) => {
      const { account } = await accountFor(store, principal(req), (req.params as Static<typeof Email>).email, 'read', 'user');
      return { items: await grantsOf(account.id) };
    },
  );

  app.put(
    '/users/:email/grants/:delegate',
    {
      schema: {
        tags: ['grants'],
        summary: 'Let the delegate read or write all calendars and address books, or one folder (idempotent)',
        params: GrantParams,
        body: GrantBody,
        response: { 200: Grant },
      },
    },
    async (req) => {
      const p = principal(req);
      const params = req.params as Static<typeof GrantParams>;
      const { account } = await accountFor(store, p, params.email, 'write', 'user');
      const target = await delegateOf(account.domainId, params.delegate);
      const body = req.body as Static<typeof GrantBody>;
      const g = await delegate(store, account.email, target.email, body.rights, body.folder, p.by);
      return { delegate: target.email, rights: g.rights, folder: body.folder ?? null, status: g.status };
    },
  );

  app.delete(
    '/users/:email/grants/:delegate',
    { schema: { tags: ['grants'], params: GrantParams, querystring: FolderQuery } },
    async (req, reply) => {
      const p = principal(req);
      const params = req.params as Static<typeof GrantParams>;
      const { account } = await accountFor(store, p, params.email, 'write', 'user');
      const target = await delegateOf(account.domainId, params.delegate);
      await undelegate(store, account.email, target.email, (req.query as Static<typeof FolderQuery>).folder, p.by);
      return reply.code(204).send();
    },
  );
}
