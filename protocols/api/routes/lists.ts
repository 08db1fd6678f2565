/**
 * Mailing lists (docs/protocols/smtp.md "Mailing lists"): list per domain, create, read, change
 * name/prefix/policies (PATCH with If-Match), delete; members paged, added or re-roled by an
 * idempotent PUT, removed by DELETE. Everything goes through src/admin/lists.ts, as `hearth list` does.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { MailingList } from '../../../src/store/list-store.js';
import type { Principal, Access } from '../../../src/admin/roles.js';
import { requireAccess } from '../../../src/admin/roles.js';
import { addListMembers, createList, deleteList, listView, memberView, removeListMembers, updateList } from '../../../src/admin/lists.js';
import { StoreError } from '../../../src/store/errors.js';
import type { Store } from '../../../src/store/store.js';
import { DomainName, Nullable, Paging, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const Posting = Type.Union([Type.Literal('anyone'), Type.Literal('members'), Type.Literal('owners')], {
  description: 'who may post: anyone, the members (owners included), or the owners only',
});
const ReplyTo = Type.Union([Type.Literal('sender'), Type.Literal('list')], { description: 'where replies go' });
const Role = Type.Union([Type.Literal('member'), Type.Literal('moderator'), Type.Literal('owner')]);
const PostPolicy = Type.Union([Type.Literal('allow'), Type.Literal('moderate'), Type.Literal('deny')]);
const Subscription = Type.Union([Type.Literal('open'), Type.Literal('moderated'), Type.Literal('closed')], {
  description: 'subscribing by mail: anyone who confirms, confirmed and approved by a moderator, or nobody',
});

export const MailingListSchema = Type.Object({
  address: Type.String(),
  name: Type.String(),
  subjectPrefix: Nullable(Type.String()),
  description: Nullable(Type.String()),
  posting: Type.String({ description: "the preset the three post policies match, or 'custom'" }),
  replyTo: Type.String(),
  subscription: Type.String(),
  memberPosts: Type.String(),
  nonMemberPosts: Type.String(),
  moderatorPosts: Type.String(),
  bounceLimit: Type.Integer(),
  createdAt: Type.String(),
});
const ListFields = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  subjectPrefix: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
  posting: Type.Optional(Posting),
  replyTo: Type.Optional(ReplyTo),
  subscription: Type.Optional(Subscription),
  memberPosts: Type.Optional(PostPolicy),
  nonMemberPosts: Type.Optional(PostPolicy),
  moderatorPosts: Type.Optional(PostPolicy),
  bounceLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
};
const NewList = Type.Object({ address: Type.String({ maxLength: 254 }), ...ListFields }, { additionalProperties: false });
const ListChanges = Type.Object(ListFields, { additionalProperties: false });
const Member = Type.Object({ address: Type.String(), role: Type.String(), disabled: Type.Boolean(), bounces: Type.Integer(), createdAt: Type.String() });
const MemberBody = Type.Object({ role: Type.Optional(Role) }, { additionalProperties: false });
const ListParams = Type.Object({ address: Type.String({ maxLength: 254 }) });
const MemberParams = Type.Object({ address: Type.String({ maxLength: 254 }), member: Type.String({ maxLength: 254 }) });
const ListQuery = Type.Composite([Paging, Type.Object({ q: Type.Optional(Type.String({ maxLength: 254, description: 'substring of the address or name' })) })]);

const resource = (address: string) => `list:${address}`;

/** The list, or NotFound when it does not exist or lies outside the caller's domains. */
export async function listFor(store: Store, p: Principal, address: string, need: Access): Promise<MailingList> {
  const list = await store.getList(address.trim().toLowerCase());
  if (!list) throw new StoreError('NotFound', 'list not found');
  requireAccess(p, list.domainId, need, 'list');
  return list;
}

export function listRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const tags = ['lists'];

  app.get(
    '/domains/:domain/lists',
    { schema: { tags, summary: "The domain's mailing lists, by address", params: DomainName, querystring: ListQuery, response: { 200: page(MailingListSchema) } } },
    async (req) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const q = req.query as Static<typeof ListQuery>;
      const needle = q.q?.toLowerCase();
      const all = (await store.listLists(d.id)).filter((l) => !needle || l.address.includes(needle) || l.name.toLowerCase().includes(needle));
      return { items: all.slice(q.offset, q.offset + q.limit).map(listView), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.post(
    '/domains/:domain/lists',
    { schema: { tags, summary: 'Create a list at an address of the domain', params: DomainName, body: NewList, response: { 201: MailingListSchema } } },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const { address, ...fields } = req.body as Static<typeof NewList>;
      const l = await createList(store, p.by, d, address, fields);
      reply
        .code(201)
        .header('location', `/api/v1/lists/${encodeURIComponent(l.address)}`)
        .header('etag', etagOf(await store.resourceVersion(resource(l.address)), listView(l)));
      return listView(l);
    },
  );

  app.get('/lists/:address', { schema: { tags, params: ListParams, response: { 200: MailingListSchema } } }, async (req, reply) => {
    const l = await listFor(store, principal(req), (req.params as Static<typeof ListParams>).address, 'read');
    await tagReply(store, reply, resource(l.address), listView(l));
    return listView(l);
  });

  app.patch(
    '/lists/:address',
    { schema: { tags, summary: "Change the list's name, subject prefix or policies", params: ListParams, body: ListChanges, response: { 200: MailingListSchema } } },
    async (req, reply) => {
      const p = principal(req);
      const l = await listFor(store, p, (req.params as Static<typeof ListParams>).address, 'write');
      const version = await claimWrite(store, req, resource(l.address), listView(l));
      const updated = await updateList(store, p.by, l, req.body as Static<typeof ListChanges>);
      reply.header('etag', etagOf(version, listView(updated)));
      return listView(updated);
    },
  );

  app.delete('/lists/:address', { schema: { tags, summary: 'Delete the list and its members', params: ListParams } }, async (req, reply) => {
    const p = principal(req);
    const l = await listFor(store, p, (req.params as Static<typeof ListParams>).address, 'write');
    await claimWrite(store, req, resource(l.address), listView(l));
    await deleteList(store, p.by, l);
    return reply.code(204).send();
  });

  app.get(
    '/lists/:address/members',
    { schema: { tags, summary: 'Members by address', params: ListParams, querystring: Paging, response: { 200: page(Member) } } },
    async (req) => {
      const l = await listFor(store, principal(req), (req.params as Static<typeof ListParams>).address, 'read');
      const q = req.query as Static<typeof Paging>;
      const all = await store.listListMembers(l.id);
      return { items: all.slice(q.offset, q.offset + q.limit).map(memberView), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.put(
    '/lists/:address/members/:member',
    {
      schema: {
        tags,
        summary: 'Add the address (any, here or elsewhere) or set its role (idempotent); owners get LIST-owner mail',
        params: MemberParams,
        body: MemberBody,
        response: { 200: Member },
      },
    },
    async (req) => {
      const p = principal(req);
      const params = req.params as Static<typeof MemberParams>;
      const l = await listFor(store, p, params.address, 'write');
      const [m] = await addListMembers(store, p.by, l, [params.member], (req.body as Static<typeof MemberBody> | undefined)?.role ?? 'member');
      return memberView(m);
    },
  );

  app.delete('/lists/:address/members/:member', { schema: { tags, params: MemberParams } }, async (req, reply) => {
    const p = principal(req);
    const params = req.params as Static<typeof MemberParams>;
    const l = await listFor(store, p, params.address, 'write');
    const missing = await removeListMembers(store, p.by, l, [params.member]);
    if (missing.length > 0) throw new StoreError('NotFound', 'not a member of the list');
    return reply.code(204).send();
  });
}
