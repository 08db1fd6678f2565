/**
 * ACL (RFC 3744 §8.1): refused on every resource, by design. Who may see a folder is decided once
 * in src/auth/folder-access.ts from grants (read, write, free-busy; per folder or whole account;
 * principals of the own domain), which CalendarServer sharing (CS:share), ActiveSync delegation and
 * the admin CLI all write. RFC 3744 ACEs say more than a grant can hold (deny, invert, DAV:all /
 * DAV:authenticated / property principals, per-member ACEs, inheritance), so an ACL method would
 * either store a second rule set that drifts from the grants or silently drop parts of a request.
 * No principal holds DAV:write-acl (current-user-privilege-set says so, every ACE is protected),
 * so the answer is the one §7.1.1 defines for a missing privilege: 403 DAV:need-privileges naming
 * the resource and write-acl. The read side (acl, current-user-privilege-set, acl-restrictions,
 * supported-privilege-set) stays.
 */
import type { DavRequest, DavResponse } from '../request.js';
import { resolve } from '../resolve.js';
import { DavError, C, notFound } from '../errors.js';
import { exists } from '../conditions.js';
import { NS } from '../xml/names.js';
import { d, el, esc } from '../xml/writer.js';

export async function acl(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  throw new DavError(403, C.needPrivileges(d('resource', d('href', esc(r.href)) + d('privilege', el(NS.DAV, 'write-acl')))));
}
