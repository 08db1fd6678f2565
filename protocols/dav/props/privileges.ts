/** Privileges and ACLs, read side (RFC 3744 §5.4, §5.5; RFC 4791 §6.1.1; RFC 6638 §6). */
import type { Res, Access } from '../resolve.js';
import { principalHref } from '../resolve.js';
import type { DavRequest } from '../request.js';
import { NS } from '../xml/names.js';
import { d, el, href } from '../xml/writer.js';

const priv = (ns: string, local: string) => d('privilege', el(ns, local));

export function accessOf(r: Res): Access {
  switch (r.kind) {
    case 'home': case 'collection': case 'member': case 'new-collection': case 'schedule': return r.access;
    case 'notifications': case 'notification': return 'owner';
    default: return 'read';
  }
}

/** Is the resource read-only whatever the grants say (GAL, principals, static collections)? */
export const readOnlyKind = (r: Res) => r.kind === 'gal' || r.kind === 'gal-card' || r.kind === 'principal' || r.kind === 'proxy' || r.kind === 'static';

export function privilegeSet(r: Res): string {
  const a = readOnlyKind(r) ? 'read' : accessOf(r);
  const out: string[] = [];
  if (a === 'owner') {
    // No DAV:write-acl, hence no DAV:all: ACLs are changed through grants, never the ACL method (methods/acl.ts).
    out.push(priv(NS.DAV, 'read'), priv(NS.DAV, 'write'), priv(NS.DAV, 'write-properties'), priv(NS.DAV, 'write-content'),
      priv(NS.DAV, 'bind'), priv(NS.DAV, 'unbind'), priv(NS.DAV, 'unlock'), priv(NS.DAV, 'read-acl'),
      priv(NS.DAV, 'read-current-user-privilege-set'), priv(NS.CALDAV, 'read-free-busy'));
    if (r.kind === 'schedule') out.push(priv(NS.CALDAV, r.box === 'inbox' ? 'schedule-deliver' : 'schedule-send'));
  } else if (a === 'write') {
    out.push(priv(NS.DAV, 'read'), priv(NS.DAV, 'write'), priv(NS.DAV, 'write-properties'), priv(NS.DAV, 'write-content'),
      priv(NS.DAV, 'bind'), priv(NS.DAV, 'unbind'), priv(NS.DAV, 'read-current-user-privilege-set'), priv(NS.CALDAV, 'read-free-busy'));
  } else if (a === 'read') {
    out.push(priv(NS.DAV, 'read'), priv(NS.DAV, 'read-current-user-privilege-set'), priv(NS.CALDAV, 'read-free-busy'));
  } else if (a === 'freebusy') out.push(priv(NS.CALDAV, 'read-free-busy'));
  return out.join('');
}

const ace = (principal: string, privs: string[], prot: boolean) =>
  d('ace', d('principal', principal) + d('grant', privs.join('')) + (prot ? d('protected') : ''));

/** The DAV:acl property: the owner's ACE, then one per accepted grant, all protected (methods/acl.ts). */
export async function aclOf(q: DavRequest, r: Res): Promise<string> {
  const owner = 'account' in r ? r.account : null;
  if (!owner || owner.id !== q.user.id) return ace(d('authenticated'), [priv(NS.DAV, 'read')], true);
  const ownerPrivs = ['read', 'write', 'read-acl', 'read-current-user-privilege-set', 'unlock'].map((p) => priv(NS.DAV, p));
  const aces = [ace(href(principalHref(owner)), ownerPrivs, true)];
  const folderId = r.kind === 'collection' || r.kind === 'member' ? r.folder.id : null;
  for (const g of await q.svc.ctx.store.listGrantsByOwner(owner.id)) {
    if (g.status !== 'accepted' || (g.folderId !== null && g.folderId !== folderId)) continue;
    const grantee = await q.svc.ctx.store.getAccount(g.granteeId);
    if (!grantee) continue;
    const privs = g.rights === 'write' ? [priv(NS.DAV, 'read'), priv(NS.DAV, 'write')] : g.rights === 'read' ? [priv(NS.DAV, 'read')] : [priv(NS.CALDAV, 'read-free-busy')];
    // Protected too (RFC 3744 §5.5.1): no ACL request may change it; the grant is changed by sharing.
    aces.push(ace(href(principalHref(grantee)), privs, true));
  }
  return aces.join('');
}

export const supportedPrivilegeSet = () => {
  const sp = (ns: string, local: string, inner = '') => d('supported-privilege', priv(ns, local) + inner);
  return sp(NS.DAV, 'all', sp(NS.DAV, 'read', sp(NS.CALDAV, 'read-free-busy')) +
    sp(NS.DAV, 'write', sp(NS.DAV, 'write-properties') + sp(NS.DAV, 'write-content') + sp(NS.DAV, 'bind') + sp(NS.DAV, 'unbind')) +
    sp(NS.DAV, 'unlock') + sp(NS.DAV, 'read-acl') + sp(NS.DAV, 'read-current-user-privilege-set') + sp(NS.DAV, 'write-acl') +
    sp(NS.CALDAV, 'schedule-deliver') + sp(NS.CALDAV, 'schedule-send'));
};
