/**
 * The DAV plugin: WebDAV (RFC 4918), CalDAV (RFC 4791, 6638), CardDAV (RFC 6352), sync
 * (RFC 6578) and discovery (RFC 6764) on fastify. Owns /dav/*, /.well-known/caldav,
 * /.well-known/carddav, and PROPFIND/OPTIONS on /.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Account, Domain } from '../../src/model/types.js';
import type { DavRequest, DavResponse, DavServices } from './request.js';
import { LockManager } from './locks.js';
import { InstanceCache } from './caldav/instances.js';
import { noImip, type ImipSender } from './scheduling/imip.js';
import { toHttp } from './errors.js';
import { HANDLERS, DAV_METHODS, ALLOW } from './methods/index.js';
import { options } from './methods/options.js';

const EXTENSION_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'ACL'];
const BODY_LIMIT = 256 * 1024 * 1024;

export interface DavPluginOptions { ctx: ProtocolContext; imip?: ImipSender }

export async function davPlugin(app: FastifyInstance, opts: DavPluginOptions): Promise<void> {
  const { ctx } = opts;
  for (const m of EXTENSION_METHODS) if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  // Every body arrives as bytes; each method parses what it expects (XML, iCalendar, vCard, files).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  const svc: DavServices = { ctx, locks: new LockManager(ctx.now), imip: opts.imip ?? noImip, instances: new InstanceCache() };

  // Domains by id for a minute: DAV reads only their immutable id and name (the GAL), and an
  // account whose domain is deleted no longer authenticates.
  const domains = new Map<number, { domain: Domain; at: number }>();
  const domainOf = async (id: number): Promise<Domain | null> => {
    const hit = domains.get(id);
    if (hit && ctx.now() - hit.at < 60_000) return hit.domain;
    const domain = await ctx.store.getDomain(id);
    if (domain) { if (domains.size > 10_000) domains.clear(); domains.set(id, { domain, at: ctx.now() }); }
    return domain;
  };
  const handle = async (req: FastifyRequest, reply: FastifyReply, pathOverride?: string) => {
    const log = req.log.child({ proto: 'dav' });
    const rawPath = pathOverride ?? req.url.split('?')[0];
    let segments: string[];
    try {
      segments = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      return send(reply, { status: 400 }, req.method);
    }
    if (segments.some((s) => s === '.' || s === '..' || s.includes('/') || s.includes('\0'))) return send(reply, { status: 400 }, req.method);
    if (req.method === 'OPTIONS') return send(reply, options(), req.method);
    const auth = await authenticate(ctx, req);
    if ('status' in auth) return send(reply, auth, req.method);
    const domain = await domainOf(auth.account.domainId);
    if (!domain) return send(reply, { status: 401, headers: { 'www-authenticate': 'Basic realm="Hearth", charset="UTF-8"' } }, req.method);
    const q: DavRequest = {
      svc, user: auth.account, domain, method: req.method, segments, path: rawPath, trailingSlash: rawPath.endsWith('/'),
      headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    const handler = HANDLERS[req.method];
    if (!handler) return send(reply, { status: 405, headers: { allow: ALLOW } }, req.method);
    try {
      return send(reply, await handler(q), req.method);
    } catch (e) {
      const r = toHttp(e);
      if (r.internal) log.error({ err: e, method: req.method }, 'dav.error');
      else log.debug({ status: r.status, method: req.method }, 'dav.refused');
      return send(reply, { status: r.status, headers: r.body ? { 'content-type': 'application/xml; charset=utf-8' } : {}, body: r.body }, req.method);
    }
  };

  app.route({ method: DAV_METHODS, url: '/dav', exposeHeadRoute: false, handler: (req, reply) => handle(req, reply) });
  app.route({ method: DAV_METHODS, url: '/dav/*', exposeHeadRoute: false, handler: (req, reply) => handle(req, reply) });
  app.route({ method: ['PROPFIND', 'OPTIONS'], url: '/', handler: (req, reply) => handle(req, reply) });
  // RFC 6764 §5: the well-known URIs redirect to the context path; PROPFIND is answered in place
  // for clients that do not follow redirects on it.
  for (const wk of ['/.well-known/caldav', '/.well-known/carddav']) {
    app.route({
      method: DAV_METHODS, url: wk, exposeHeadRoute: false,
      handler: (req, reply) => (req.method === 'PROPFIND' || req.method === 'OPTIONS' ? handle(req, reply, '/dav/') : reply.code(301).header('location', '/dav/').send()),
    });
  }
}

async function authenticate(ctx: ProtocolContext, req: FastifyRequest): Promise<{ account: Account } | DavResponse> {
  const challenge: DavResponse = { status: 401, headers: { 'www-authenticate': 'Basic realm="Hearth", charset="UTF-8"' } };
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return challenge;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return challenge;
  const result = await ctx.auth.verify(decoded.slice(0, colon), decoded.slice(colon + 1), req.ip);
  if (result.ok) return { account: result.account };
  if (result.reason === 'locked') return { status: 429, headers: { 'retry-after': '300' } };
  return challenge;
}

function send(reply: FastifyReply, r: DavResponse, method: string): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (method === 'HEAD') {
    if (r.body !== undefined && !r.headers?.['content-length']) reply.header('content-length', String(Buffer.byteLength(r.body)));
    return reply.send();
  }
  return reply.send(r.body ?? '');
}
