/** Method table: one module per HTTP/DAV method. */
import type { DavRequest, DavResponse } from '../request.js';
import { propfind } from './propfind.js';
import { proppatch } from './proppatch.js';
import { get } from './get.js';
import { put } from './put.js';
import { del } from './delete.js';
import { mkcol } from './mkcol.js';
import { mkcalendar } from './mkcalendar.js';
import { copyMove } from './copy-move.js';
import { lock } from './lock.js';
import { unlock } from './unlock.js';
import { report } from './report.js';
import { post } from './post.js';
import { acl } from './acl.js';

export const DAV_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'POST', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'REPORT', 'ACL'];
export const ALLOW = DAV_METHODS.join(', ');

export const HANDLERS: Record<string, (q: DavRequest) => Promise<DavResponse>> = {
  GET: get,
  HEAD: get,
  PUT: put,
  DELETE: del,
  POST: post,
  PROPFIND: propfind,
  PROPPATCH: proppatch,
  MKCOL: mkcol,
  MKCALENDAR: mkcalendar,
  COPY: copyMove,
  MOVE: copyMove,
  LOCK: lock,
  UNLOCK: unlock,
  REPORT: report,
  // RFC 3744 §8.1: refused by design, see acl.ts (grants are written by sharing and the admin CLI).
  ACL: acl,
};
