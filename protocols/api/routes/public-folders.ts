/**
 * Public folders of a domain (src/admin/public-folders.ts; who sees them: src/auth/folder-access.ts):
 * list (paged, sorted, filtered), create, read, rename / move / change the default access
 * (PATCH with If-Match), delete with the subtree; per-user or per-group grants by an idempotent
 * PUT and DELETE. Every folder is named by its domain and its id, so a folder of another domain
 * answers 404 exactly like one that does not exist. Everything goes through the service, as
 * `hearth public-folder` does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  createPublicFolder,
  deletePublicFolder,
  getPublicFolder,
  listPublicFolders,
  setPublicFolderGrant,
  updatePublicFolder,
  type PublicFolderView,
} from '../../../src/admin/public-folders.js';
import type { Domain } from '../../../src/model/types.js';
import type { Access } from '../../../src/admin/roles.js';
import type { Store } from '../../../src/store/store.js';
import { DomainName, Nullable, Order, Paging, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const Kind = Type.Union(['mail', 'calendar', 'contacts', 'tasks', 'notes'].map((k) => Type.Literal(k)), {
  description: 'what the folder holds: mail, calendar, contacts, tasks or notes',
});
const DefaultAccess = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('write')], {
  description: 'what every user of the domain may do without a grant',
});
const Rights = Type.Union([Type.Literal('read'), Type.Literal('write')], { description: 'added to the default access, never taken from it' });
const Name = Type.String({ minLength: 1, maxLength: 200, description: "no '/' or control characters; unique among its siblings (ignoring case)" });

const FolderGrant = Type.Object({ grantee: Type.String(), granteeKind: Type.String(), rights: Type.String() });
export const PublicFolder = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  path: Type.String({ description: "names from the top of the tree, joined with '/'" }),
  parentId: Nullable(Type.Integer()),
  kind: Type.String(),
  defaultAccess: Type.String(),
  grants: Type.Array(FolderGrant),
  createdAt: Type.String(),
});
const NewFolder = Type.Object(
  {
    name: Name,
    kind: Kind,
    parentId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'the parent public folder; null or absent: the top' }))),
    defaultAccess: Type.Optional({ ...DefaultAccess, default: 'read' }),
  },
  { additionalProperties: false },
);
const FolderChanges = Type.Object(
  {
    name: Type.Optional(Name),
    parentId: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: 'move under this public folder; null: to the top' }))),
    defaultAccess: Type.Optional(DefaultAccess),
  },
  { additionalProperties: false },
);
const GrantBody = Type.Object({ rights: Rights }, { additionalProperties: false });
const FolderParams = Type.Object({ domain: Type.String({ maxLength: 253 }), id: Type.Integer({ minimum: 1 }) });
const GrantParams = Type.Object({ domain: Type.String({ maxLength: 253 }), id: Type.Integer({ minimum: 1 }), email: Type.String({ maxLength: 254 }) });
const FolderQuery = Type.Composite([
  Paging,
  Type.Object({
    sort: Type.Union([Type.Literal('path'), Type.Literal('name'), Type.Literal('kind'), Type.Literal('createdAt')], { default: 'path' }),
    order: Order,
    q: Type.Optional(Type.String({ maxLength: 254, description: 'substring of the path (any case)' })),
    kind: Type.Optional(Kind),
    defaultAccess: Type.Optional(DefaultAccess),
  }),
]);

type View = Static<typeof PublicFolder>;
const view = (f: PublicFolderView): View => ({ ...f, createdAt: new Date(f.createdAt).toISOString() });
/** The version key of a folder: by id, which a rename or a move keeps. */
const resource = (domain: Domain, id: number) => `public-folder:${domain.name}/${id}`;
const location = (domain: Domain, id: number) => `/api/v1/domains/${encodeURIComponent(domain.name)}/public-folders/${id}`;

/** The domain (404 outside the caller's domains, 403 for a write of a read-only role) and the folder of that domain (404 otherwise). */
async function folderFor(store: Store, req: FastifyRequest, need: Access): Promise<{ domain: Domain; folder: View }> {
  const params = req.params as Static<typeof FolderParams>;
  const domain = await domainFor(store, principal(req), params.domain, need);
  return { domain, folder: view(await getPublicFolder(store, domain, params.id)) };
}

export function publicFolderRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const tags = ['public-folders'];

  app.get(
    '/domains/:domain/public-folders',
    {
      schema: {
        tags,
        summary: "The domain's public folders: paged, sorted (path by default), filtered",
        params: DomainName,
        querystring: FolderQuery,
        response: { 200: page(PublicFolder) },
      },
    },
    async (req) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const q = req.query as Static<typeof FolderQuery>;
      const needle = q.q?.toLowerCase();
      const all = (await listPublicFolders(store, d)).filter(
        (f) => (!needle || f.path.toLowerCase().includes(needle)) && (!q.kind || f.kind === q.kind) && (!q.defaultAccess || f.defaultAccess === q.defaultAccess),
      );
      const key = (f: PublicFolderView): string | number => (q.sort === 'createdAt' ? f.createdAt : q.sort === 'path' ? f.path.toLowerCase() : q.sort === 'name' ? f.name.toLowerCase() : f.kind);
      const sign = q.order === 'desc' ? -1 : 1;
      // Ties (same name in two places, same kind) keep path order, so pages never overlap.
      all.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.path.localeCompare(b.path) || a.id - b.id;
        return sign * c;
      });
      return { items: all.slice(q.offset, q.offset + q.limit).map(view), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.post(
    '/domains/:domain/public-folders',
    {
      schema: {
        tags,
        summary: 'Create a public folder, at the top or under another (read for everyone of the domain unless said otherwise)',
        params: DomainName,
        body: NewFolder,
        response: { 201: PublicFolder },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const body = req.body as Static<typeof NewFolder>;
      const created = view(await createPublicFolder(store, p.by, d, { ...body, kind: body.kind as PublicFolderView['kind'] }));
      reply
        .code(201)
        .header('location', location(d, created.id))
        .header('etag', etagOf(await store.resourceVersion(resource(d, created.id)), created));
      return created;
    },
  );

  app.get(
    '/domains/:domain/public-folders/:id',
    { schema: { tags, summary: 'One public folder with its path, default access and grants', params: FolderParams, response: { 200: PublicFolder } } },
    async (req, reply) => {
      const { domain, folder } = await folderFor(store, req, 'read');
      await tagReply(store, reply, resource(domain, folder.id), folder);
      return folder;
    },
  );

  app.patch(
    '/domains/:domain/public-folders/:id',
    {
      schema: {
        tags,
        summary: 'Rename, move (never under itself) or change the default access',
        params: FolderParams,
        body: FolderChanges,
        response: { 200: PublicFolder },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const { domain, folder } = await folderFor(store, req, 'write');
      const version = await claimWrite(store, req, resource(domain, folder.id), folder);
      const after = view(await updatePublicFolder(store, p.by, domain, folder.id, req.body as Static<typeof FolderChanges>));
      reply.header('etag', etagOf(version, after));
      return after;
    },
  );

  app.delete(
    '/domains/:domain/public-folders/:id',
    { schema: { tags, summary: 'Delete the folder with its subfolders and every item in them', params: FolderParams } },
    async (req, reply) => {
      const p = principal(req);
      const { domain, folder } = await folderFor(store, req, 'write');
      await claimWrite(store, req, resource(domain, folder.id), folder);
      await deletePublicFolder(store, p.by, domain, folder.id);
      return reply.code(204).send();
    },
  );

  // A grant is part of its folder (its view and its ETag): If-Match is the folder's tag.
  app.put(
    '/domains/:domain/public-folders/:id/grants/:email',
    {
      schema: {
        tags,
        summary: 'Give a user or group of the domain read or write access beyond the default (idempotent)',
        params: GrantParams,
        body: GrantBody,
        response: { 200: PublicFolder },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const { domain, folder } = await folderFor(store, req, 'write');
      const version = await claimWrite(store, req, resource(domain, folder.id), folder);
      const { email } = req.params as Static<typeof GrantParams>;
      const after = view(await setPublicFolderGrant(store, p.by, domain, folder.id, email, (req.body as Static<typeof GrantBody>).rights));
      reply.header('etag', etagOf(version, after));
      return after;
    },
  );

  app.delete(
    '/domains/:domain/public-folders/:id/grants/:email',
    { schema: { tags, summary: "Take a user's or group's grant back (idempotent: 204 also when there was none)", params: GrantParams } },
    async (req, reply) => {
      const p = principal(req);
      const { domain, folder } = await folderFor(store, req, 'write');
      await claimWrite(store, req, resource(domain, folder.id), folder);
      await setPublicFolderGrant(store, p.by, domain, folder.id, (req.params as Static<typeof GrantParams>).email, 'none');
      return reply.code(204).send();
    },
  );
}
