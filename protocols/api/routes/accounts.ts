/**
 * Users, groups and resources (rooms, equipment): one account model, three collections under
 * their domain (/domains/{domain}/users|groups|resources) and one item path per kind
 * (/users/{email}, /groups/{email}, /resources/{email}). Password reset, lockout unlock,
 * disable (PATCH disabled), per-protocol access, roles, group members.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Account as AccountModel, AccountKind } from '../../../src/model/types.js';
import {
  accountView,
  createAccount,
  deleteAccount,
  resetPassword,
  setGroupMember,
  unlockLogin,
  updateAccount,
} from '../../../src/admin/accounts.js';
import { rolesOf, setRoles, type Roles as RolesModel } from '../../../src/admin/roles.js';
import { StoreError } from '../../../src/store/errors.js';
import {
  Account,
  AccountChanges,
  AccountListQuery,
  AccountSummary,
  DomainName,
  Email,
  NewAccount,
  NewResource,
  Password,
  Roles,
  RolesChange,
  page,
} from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { accountFor, domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const COLLECTIONS: { kind: AccountKind; path: string; body: TSchema }[] = [
  { kind: 'user', path: 'users', body: NewAccount },
  { kind: 'group', path: 'groups', body: Type.Omit(NewAccount, ['password']) },
  { kind: 'resource', path: 'resources', body: NewResource },
];
const MemberParams = Type.Object({ email: Type.String({ maxLength: 254 }), member: Type.String({ maxLength: 254 }) });

const summary = (a: AccountModel) => ({
  email: a.email,
  kind: a.kind,
  displayName: a.displayName,
  quotaBytes: a.quotaBytes,
  disabled: a.disabled,
  createdAt: new Date(a.createdAt).toISOString(),
});
const resource = (email: string) => `account:${email}`;

export function accountRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  for (const { kind, path, body } of COLLECTIONS) {
    const tag = path;
    app.get(
      `/domains/:domain/${path}`,
      {
        schema: {
          tags: [tag],
          summary: `The domain's ${path}: paged, sorted, filtered`,
          params: DomainName,
          querystring: AccountListQuery,
          response: { 200: page(AccountSummary) },
        },
      },
      async (req) => {
        const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
        const q = req.query as Static<typeof AccountListQuery>;
        const { accounts, total } = await store.pageAccounts({
          domainIds: [d.id],
          kind,
          search: q.q,
          disabled: q.disabled,
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          offset: q.offset,
        });
        return { items: accounts.map(summary), total, limit: q.limit, offset: q.offset };
      },
    );

    app.post(
      `/domains/:domain/${path}`,
      {
        schema: { tags: [tag], summary: `Create a ${kind}`, params: DomainName, body, response: { 201: Account } },
      },
      async (req, reply) => {
        const p = principal(req);
        const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
        const input = req.body as Static<typeof NewAccount> & Partial<Static<typeof NewResource>>;
        const a = await createAccount(store, p.by, d, { ...input, kind });
        const view = await accountView(store, a);
        reply
          .code(201)
          .header('location', `/api/v1/${path}/${encodeURIComponent(a.email)}`)
          .header('etag', etagOf(await store.resourceVersion(resource(a.email)), view));
        return view;
      },
    );

    app.get(`/${path}/:email`, { schema: { tags: [tag], params: Email, response: { 200: Account } } }, async (req, reply) => {
      const { account } = await accountFor(store, principal(req), (req.params as Static<typeof Email>).email, 'read', kind);
      const view = await accountView(store, account);
      await tagReply(store, reply, resource(account.email), view);
      return view;
    });

    app.patch(
      `/${path}/:email`,
      {
        schema: {
          tags: [tag],
          summary: "Change display name, quota (within the domain's maximum), disabled, per-protocol access",
          params: Email,
          body: AccountChanges,
          response: { 200: Account },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const { account, domain } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', kind);
        const version = await claimWrite(store, req, resource(account.email), await accountView(store, account));
        const after = await updateAccount(store, p.by, domain, account, req.body as Static<typeof AccountChanges>);
        const view = await accountView(store, after);
        reply.header('etag', etagOf(version, view));
        return view;
      },
    );

    app.delete(
      `/${path}/:email`,
      { schema: { tags: [tag], summary: `Delete the ${kind} and all its data`, params: Email } },
      async (req, reply) => {
        const p = principal(req);
        const { account, domain } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', kind);
        if (account.id === p.account.id) throw new StoreError('Invalid', 'you cannot delete your own account');
        await claimWrite(store, req, resource(account.email), await accountView(store, account));
        await deleteAccount(store, p.by, domain, account);
        return reply.code(204).send();
      },
    );
  }

  app.post(
    '/users/:email/password',
    { schema: { tags: ['users'], summary: 'Set a new password (also clears the lockout)', params: Email, body: Password } },
    async (req, reply) => {
      const p = principal(req);
      const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', 'user');
      await claimWrite(store, req, resource(account.email), await accountView(store, account));
      await resetPassword(store, p.by, account, (req.body as Static<typeof Password>).password);
      return reply.code(204).send();
    },
  );

  app.post(
    '/users/:email/unlock',
    {
      schema: {
        tags: ['users'],
        summary: 'Clear failed logins (every source)',
        params: Email,
        response: { 200: Type.Object({ cleared: Type.Integer() }) },
      },
    },
    async (req) => {
      const p = principal(req);
      const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', 'user');
      return { cleared: await unlockLogin(store, p.by, account.email) };
    },
  );

  const rolesView = async (r: RolesModel) => {
    const names = async (ids: number[]) => (await Promise.all(ids.map((id) => store.getDomain(id)))).flatMap((d) => (d ? [d.name] : []));
    return { ...r, adminDomains: await names(r.adminDomains), readOnlyDomains: await names(r.readOnlyDomains) };
  };
  app.get('/users/:email/roles', { schema: { tags: ['users'], params: Email, response: { 200: Roles } } }, async (req, reply) => {
    const p = principal(req);
    const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'read', 'user');
    const view = await rolesView(await rolesOf(store, account));
    // A domain administrator sees only the roles of their own domains.
    if (!p.server) {
      const mine = new Set(await Promise.all([...p.domains.keys()].map(async (id) => (await store.getDomain(id))?.name)));
      view.adminDomains = view.adminDomains.filter((n) => mine.has(n));
      view.readOnlyDomains = view.readOnlyDomains.filter((n) => mine.has(n));
    }
    await tagReply(store, reply, `roles:${account.email}`, view);
    return view;
  });

  app.put(
    '/users/:email/roles',
    {
      schema: {
        tags: ['users'],
        summary: 'Set roles: server roles by server administrators; domain roles by administrators of those domains',
        params: Email,
        body: RolesChange,
        response: { 200: Roles },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const { account } = await accountFor(store, p, (req.params as Static<typeof Email>).email, 'write', 'user');
      const body = req.body as Static<typeof RolesChange>;
      const ids = async (names: string[] | undefined) =>
        names &&
        Promise.all(
          names.map(async (n) => {
            const d = await domainFor(store, p, n, 'read');
            return d.id;
          }),
        );
      const current = await rolesOf(store, account);
      const version = await claimWrite(store, req, `roles:${account.email}`, await rolesView(current));
      // Domains the caller cannot see stay as they are.
      const keep = (list: number[]) => list.filter((id) => !p.server && !p.domains.has(id));
      const admin = await ids(body.adminDomains);
      const readOnly = await ids(body.readOnlyDomains);
      const after = await setRoles(store, p, account, {
        serverAdmin: body.serverAdmin,
        serverReadOnly: body.serverReadOnly,
        adminDomains: admin && [...keep(current.adminDomains), ...admin],
        readOnlyDomains: readOnly && [...keep(current.readOnlyDomains), ...readOnly],
      });
      const view = await rolesView(after);
      reply.header('etag', etagOf(version, view));
      return view;
    },
  );

  app.get(
    '/groups/:email/members',
    { schema: { tags: ['groups'], params: Email, response: { 200: Type.Object({ items: Type.Array(AccountSummary) }) } } },
    async (req) => {
      const { account } = await accountFor(store, principal(req), (req.params as Static<typeof Email>).email, 'read', 'group');
      return { items: (await store.listGroupMembers(account.id)).map(summary) };
    },
  );

  for (const [method, present] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/groups/:email/members/:member',
      {
        schema: { tags: ['groups'], summary: present ? 'Add a member (idempotent)' : 'Remove a member (idempotent)', params: MemberParams },
      },
      async (req, reply) => {
        const p = principal(req);
        const params = req.params as Static<typeof MemberParams>;
        const { account: group } = await accountFor(store, p, params.email, 'write', 'group');
        const member = await store.getAccount(params.member.toLowerCase());
        if (!member || member.domainId !== group.domainId) throw new StoreError('NotFound', 'member not found');
        await setGroupMember(store, p.by, group, member, present);
        return reply.code(204).send();
      },
    );
  }
}
