/**
 * The DAV plugin: WebDAV (RFC 4918), CalDAV (RFC 4791, 6638), CardDAV (RFC 6352), sync
 * (RFC 6578) and discovery (RFC 6764) on fastify. Owns /dav/*, /.well-known/caldav,
 * /.well-known/carddav, and PROPFIND/OPTIONS on /.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Account, Domain } from '../../src/model/types.js';
import type { DavRequest, DavResponse, DavServices } from './request.js';
import { LockManager } from './locks.js';
import { InstanceCache } from './caldav/instances.js';
import { noImip, type ImipSender } from './scheduling/imip.js';
import { DavError, toHttp } from './errors.js';
import { DEPTH_METHODS, depth } from './request.js';
import { bodyLimit, XML_BODY_LIMIT, type BodyLimit } from './body.js';
import { resolve } from './resolve.js';
import { HANDLERS, DAV_METHODS, ALLOW } from './methods/index.js';
import { options } from './methods/options.js';
import { authenticate, DAV_REALM } from './authenticate.js';
import { httpLoginAnswer } from '../../src/auth/answers.js';

const EXTENSION_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'ACL'];

/** What onRequest learnt before the body was read: who asks, for what, and how much may come. */
type Prepared = Omit<DavRequest, 'body'> & { limit: BodyLimit };
/** The body went over its limit while it arrived (chunked, or longer than announced). */
class Overflow { constructor(readonly limit: BodyLimit) {} }
/** A body left unread for its handler to stream (file PUTs, body.ts). */
class Unread { constructor(readonly source: Readable) {} }
const DEFAULT_LIMIT: BodyLimit = { bytes: XML_BODY_LIMIT, refuse: () => new DavError(413) };

export interface DavPluginOptions { ctx: ProtocolContext; imip?: ImipSender }

export async function davPlugin(app: FastifyInstance, opts: DavPluginOptions): Promise<void> {
  const { ctx } = opts;
  for (const m of EXTENSION_METHODS) if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  // Every body arrives as bytes; each method parses what it expects (XML, iCalendar, vCard, files).
  // The limit is the request's own (body.ts), decided in onRequest; a body that goes over it is
  // not read further (fastify's bodyLimit is one number per route, and we need one per target).
  const prepared = new WeakMap<FastifyRequest, Prepared>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req, payload, done) => {
    const limit = prepared.get(req)?.limit ?? DEFAULT_LIMIT;
    if (limit.stream) done(null, new Unread(payload));
    else readBody(payload, limit, done);
  });

  const svc: DavServices = { ctx, locks: new LockManager(ctx.store, ctx.now), imip: opts.imip ?? noImip, instances: new InstanceCache() };

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
  const refuse = (req: FastifyRequest, reply: FastifyReply, e: unknown, bodyPending: boolean, extra: Record<string, string> = {}): FastifyReply => {
    const r = toHttp(e);
    if (r.internal) req.log.child({ proto: 'dav' }).error({ err: e, method: req.method }, 'dav.error');
    else req.log.child({ proto: 'dav' }).debug({ status: r.status, method: req.method }, 'dav.refused');
    const headers: Record<string, string> = r.body ? { 'content-type': 'application/xml; charset=utf-8', ...extra } : { ...extra };
    // The rest of an unread body is not drained: the connection ends with the answer.
    if (bodyPending) headers['connection'] = 'close';
    return send(reply, { status: r.status, headers, body: r.body }, req.method);
  };

  /**
   * onRequest, before a byte of the body is read (DESIGN "Bad input"): path, authentication,
   * Depth, and the body limit, so that an unauthenticated or oversized request costs no upload.
   */
  const prepare = async (req: FastifyRequest, reply: FastifyReply, pathOverride?: string): Promise<FastifyReply | undefined> => {
    const bodyPending = hasBody(req);
    const early = (r: DavResponse) => send(reply, bodyPending ? { ...r, headers: { ...r.headers, connection: 'close' } } : r, req.method);
    const rawPath = pathOverride ?? req.url.split('?')[0];
    let segments: string[];
    try {
      segments = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      return early({ status: 400 });
    }
    if (segments.some((s) => s === '.' || s === '..' || s.includes('/') || s.includes('\0'))) return early({ status: 400 });
    if (req.method === 'OPTIONS') return early(options());
    const auth = await authenticate(ctx, req);
    if ('status' in auth) return early(auth);
    const domain = await domainOf(auth.account.domainId);
    if (!domain) return early(httpLoginAnswer({ ok: false, reason: 'invalid' }, DAV_REALM));
    const base: Prepared = {
      svc, user: auth.account, domain, method: req.method, segments, path: rawPath, trailingSlash: rawPath.endsWith('/'),
      headers: req.headers, limit: DEFAULT_LIMIT,
    };
    try {
      // RFC 4918 §10.2: an unknown Depth is 400 for every method that reads it.
      if (DEPTH_METHODS.has(req.method)) depth({ ...base, body: Buffer.alloc(0) }, 'infinity');
      base.limit = await bodyLimit(svc, req.method, segments, async () => {
        const r = await resolve({ ...base, body: Buffer.alloc(0) });
        return r.kind === 'member' ? { owner: r.account, replaced: r.item?.size ?? 0 } : null;
      });
      // A declared length over the limit is refused before the body is read.
      const declared = Number(req.headers['content-length']);
      if (declared > base.limit.bytes) throw base.limit.refuse();
    } catch (e) {
      return refuse(req, reply, e, bodyPending);
    }
    prepared.set(req, base);
    return undefined;
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = prepared.get(req);
    if (!p) return send(reply, { status: 500 }, req.method);
    if (req.body instanceof Overflow) return refuse(req, reply, req.body.limit.refuse(), true);
    const { limit, ...rest } = p;
    const unread = req.body instanceof Unread ? req.body.source : null;
    const q: DavRequest = {
      ...rest, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      ...(unread ? { stream: { source: unread, maxBytes: limit.bytes, refuse: limit.refuse } } : {}),
    };
    // A streamed body that its handler did not read to the end is not drained: the connection closes.
    const leftUnread = () => unread !== null && !unread.readableEnded;
    const handler = HANDLERS[req.method];
    if (!handler) return refuse(req, reply, new DavError(405), leftUnread(), { allow: ALLOW });
    try {
      const r = await handler(q);
      return send(reply, leftUnread() ? { ...r, headers: { ...r.headers, connection: 'close' } } : r, req.method);
    } catch (e) {
      return refuse(req, reply, e, leftUnread());
    }
  };

  const onRequest = (pathOverride?: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const sent = await prepare(req, reply, pathOverride);
    if (sent) return reply;
  };
  app.route({ method: DAV_METHODS, url: '/dav', exposeHeadRoute: false, onRequest: onRequest(), handler: handle });
  app.route({ method: DAV_METHODS, url: '/dav/*', exposeHeadRoute: false, onRequest: onRequest(), handler: handle });
  app.route({ method: ['PROPFIND', 'OPTIONS'], url: '/', onRequest: onRequest(), handler: handle });
  // RFC 6764 §5: the well-known URIs redirect to the context path; PROPFIND is answered in place
  // for clients that do not follow redirects on it.
  const inPlace = onRequest('/dav/');
  for (const wk of ['/.well-known/caldav', '/.well-known/carddav']) {
    app.route({
      method: DAV_METHODS, url: wk, exposeHeadRoute: false,
      onRequest: async (req, reply) => (req.method === 'PROPFIND' || req.method === 'OPTIONS' ? inPlace(req, reply) : undefined),
      handler: (req, reply) => (req.method === 'PROPFIND' || req.method === 'OPTIONS' ? handle(req, reply) : reply.code(301).header('location', '/dav/').send()),
    });
  }
}

function hasBody(req: FastifyRequest): boolean {
  const cl = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0');
}

/**
 * Reads a body of at most `limit.bytes`: past that it stops reading (the stream is paused and
 * left; the answer closes the connection) and yields an Overflow instead of the bytes.
 */
function readBody(payload: Readable, limit: BodyLimit, done: (err: Error | null, body?: unknown) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let finished = false;
  const finish = (err: Error | null, body?: unknown) => {
    if (finished) return;
    finished = true;
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.off('error', onError);
    payload.off('aborted', onAborted);
    done(err, body);
  };
  const onData = (chunk: Buffer | string) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += b.length;
    if (received > limit.bytes) {
      payload.pause();
      chunks.length = 0;
      finish(null, new Overflow(limit));
      return;
    }
    chunks.push(b);
  };
  const onEnd = () => finish(null, Buffer.concat(chunks, received));
  const onError = (e: Error) => finish(Object.assign(e, { statusCode: 400 }));
  const onAborted = () => finish(Object.assign(new Error('request aborted'), { statusCode: 400 }));
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.on('aborted', onAborted);
  payload.resume();
}

function send(reply: FastifyReply, r: DavResponse, method: string): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  if (method === 'HEAD') {
    if (r.body instanceof Readable) r.body.destroy();
    else if (r.body !== undefined && !r.headers?.['content-length']) reply.header('content-length', String(Buffer.byteLength(r.body)));
    return reply.send();
  }
  // A string is encoded once here: given a string, fastify measures its UTF-8 length (a pass over
  // a flattened copy) and the socket encodes it again (a calendar-query answer is ~240 KB). Only
  // with a content-type: fastify would label bare bytes application/octet-stream.
  if (typeof r.body === 'string' && r.body.length > 0 && reply.hasHeader('content-type')) return reply.send(Buffer.from(r.body));
  return reply.send(r.body ?? '');
}
