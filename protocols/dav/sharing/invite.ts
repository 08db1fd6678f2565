/** CS:invite on shared collections (Apple calendarserver-sharing, caldav-sharing §5.2.2). */
import type { DavRequest } from '../request.js';
import type { Res } from '../resolve.js';
import { principalHref } from '../resolve.js';
import { NS } from '../xml/names.js';
import { el, href, esc } from '../xml/writer.js';

export async function inviteProp(q: DavRequest, r: Res): Promise<string | undefined> {
  if (r.kind !== 'collection') return undefined;
  const store = q.svc.ctx.store;
  const out: string[] = [];
  if (r.grant) {
    const owner = await store.getAccount(r.folder.accountId);
    if (owner) out.push(el(NS.CS, 'organizer', href(`mailto:${owner.email}`) + el(NS.CS, 'common-name', esc(owner.displayName ?? owner.email))));
  }
  const ownerId = r.folder.accountId;
  if (r.access !== 'owner' && !r.grant) return undefined;
  for (const g of await store.listGrantsByOwner(ownerId)) {
    if (g.folderId !== r.folder.id || g.props['sharing'] !== true) continue;
    const a = await store.getAccount(g.granteeId);
    if (!a) continue;
    const status = g.status === 'accepted' ? 'invite-accepted' : g.status === 'declined' ? 'invite-declined' : 'invite-noresponse';
    out.push(el(NS.CS, 'user', href(`mailto:${a.email}`) + el(NS.CS, 'common-name', esc(a.displayName ?? a.email)) + el(NS.CS, status) +
      el(NS.CS, 'access', el(NS.CS, g.rights === 'write' ? 'read-write' : 'read')) + el(NS.DAV, 'principal', href(principalHref(a)))));
  }
  return out.join('');
}
