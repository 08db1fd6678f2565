/** What every DAV method handler receives: the authenticated user, the parsed request, the core. */
import type { Readable } from 'node:stream';
import type { Account, Domain } from '../../src/model/types.js';
import type { ProtocolContext } from '../../src/model/context.js';
import type { ImipSender } from './scheduling/imip.js';
import type { InstanceCache } from './caldav/instances.js';
import { badRequest } from './errors.js';

/**
 * The services every handler reaches through `q.svc`. Its `locks` member is declared by locks.ts
 * (declaration merging): the lock manager takes DavRequest in every method, so naming it here
 * would close an import circle request -> locks -> resolve -> request.
 */
export interface DavServices {
  ctx: ProtocolContext;
  imip: ImipSender;
  /** Instance spans of recurring events by item version (calendar-query). */
  instances: InstanceCache;
}

export interface DavRequest {
  svc: DavServices;
  user: Account;
  domain: Domain;
  method: string;
  /** Decoded path segments, e.g. ['dav', 'calendars', 'a@b.c', 'x']. */
  segments: string[];
  /** The request path as sent, without query. */
  path: string;
  trailingSlash: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** The body, read whole; empty when it is `stream` instead. */
  body: Buffer;
  /** A file PUT's body, not read yet: it goes to blob storage as it arrives (issue 8.3). */
  stream?: StreamedBody;
}

/** A body left unread for its handler, with the bound it must keep. */
export interface StreamedBody {
  source: Readable;
  /** The most bytes it may bring (body.ts bodyLimit). */
  maxBytes: number;
  /** The answer when it brings more: 413, or 507 when the quota is what ran out. */
  refuse: () => Error;
}

export interface DavResponse {
  status: number;
  headers?: Record<string, string>;
  /** A stream is sent as it is read (files from blob storage) and closed if the client goes away. */
  body?: string | Buffer | Readable;
}

export function header(q: DavRequest, name: string): string | undefined {
  const v = q.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Methods for which RFC 4918 (§9.1, §9.6, §9.8, §9.9, §9.10) and RFC 3253 §3.6 define Depth. */
export const DEPTH_METHODS = new Set(['PROPFIND', 'REPORT', 'COPY', 'MOVE', 'LOCK', 'DELETE']);

/**
 * Depth header (RFC 4918 §10.2); `def` when absent. Only "0", "1" and "infinity" exist: anything
 * else (empty, "2", a repeated header) is 400, never silently the default.
 */
export function depth(q: DavRequest, def: '0' | '1' | 'infinity'): '0' | '1' | 'infinity' {
  const raw = header(q, 'depth');
  if (raw === undefined) return def;
  const v = raw.trim().toLowerCase();
  if (v === '0' || v === '1' || v === 'infinity') return v;
  throw badRequest('bad Depth header');
}

export const XML_TYPE = 'application/xml; charset=utf-8';

export function xmlResponse(status: number, body: string | Buffer, headers: Record<string, string> = {}): DavResponse {
  return { status, headers: { 'content-type': XML_TYPE, ...headers }, body };
}

/** One path segment as it appears in our hrefs: percent-encoded, '@' kept readable. */
export function encSeg(s: string): string {
  return encodeURIComponent(s).replace(/%40/g, '@');
}

export function hrefOf(segments: string[], collection: boolean): string {
  return '/' + segments.map(encSeg).join('/') + (collection ? '/' : '');
}

/** Turns a Destination or If-header URL (absolute or path) into decoded segments. */
export function urlToSegments(url: string): string[] | null {
  let path = url;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) path = new URL(url).pathname;
    path = path.split('?')[0];
    return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}
