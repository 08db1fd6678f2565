/**
 * Live properties: how each is computed per resource kind. A getter returns the property's inner
 * XML, or undefined when the resource has no such property (answered 404 in its propstat).
 * RFC 4918 §15, RFC 3744 §4-5, RFC 5397, RFC 4331, RFC 6578 §4, RFC 4791 §5-6, RFC 6352 §6-7,
 * RFC 6638 §2-3, CalendarServer caldav-ctag, caldav-proxy and caldav-sharing.
 */
import { contentTypeOf } from '../../../src/pim/item.js';
import { itemEtag } from '../../../src/model/types.js';
import type { DavRequest } from '../request.js';
import { hrefOf } from '../request.js';
import type { Res } from '../resolve.js';
import { principalHref, homeHref, PRINCIPAL_KIND } from '../resolve.js';
import { NS, clark } from '../xml/names.js';
import { d, el, esc, href } from '../xml/writer.js';
import { privilegeSet, aclOf, supportedPrivilegeSet } from './privileges.js';
import { ctag, folderEtag, syncToken, hashEtag } from '../sync-token.js';
import { galCard } from '../carddav/gal.js';
import { calendarComponents } from '../caldav/components.js';
import { lockDiscovery, supportedLock } from './locking.js';
import { inviteProp } from '../sharing/invite.js';
import { maxResourceSize } from '../body.js';

type Getter = (q: DavRequest, r: Res) => Promise<string | undefined> | string | undefined;
interface PropDef { get: Getter; allprop?: boolean }

const isCollectionKind = (r: Res) => r.kind !== 'member' && r.kind !== 'gal-card' && r.kind !== 'notification' && r.kind !== 'missing';
const isCalendar = (r: Res) => r.kind === 'collection' && r.area === 'calendars';
const isAddressbook = (r: Res) => (r.kind === 'collection' && r.area === 'addressbooks') || r.kind === 'gal';
const userOf = (q: DavRequest, r: Res) => (r.kind === 'principal' ? r.account : r.kind === 'static' ? q.user : undefined);
const date = (ms: number) => new Date(ms).toUTCString();

function principalProps(q: DavRequest, r: Res) {
  return userOf(q, r);
}

const defs: Record<string, PropDef> = {
  [clark(NS.DAV, 'resourcetype')]: {
    allprop: true,
    get: (q, r) => {
      switch (r.kind) {
        case 'static': case 'home': case 'notifications': return d('collection');
        case 'principal': return d('collection') + d('principal');
        case 'proxy': return d('collection') + d('principal') + el(NS.CS, `calendar-proxy-${r.mode}`);
        case 'collection':
          if (r.area === 'calendars') return d('collection') + el(NS.CALDAV, 'calendar') + (r.grant ? el(NS.CS, 'shared') : '');
          if (r.area === 'addressbooks') return d('collection') + el(NS.CARDDAV, 'addressbook') + (r.grant ? el(NS.CS, 'shared') : '');
          return d('collection');
        case 'schedule': return d('collection') + el(NS.CALDAV, r.box === 'inbox' ? 'schedule-inbox' : 'schedule-outbox');
        case 'gal': return d('collection') + el(NS.CARDDAV, 'addressbook');
        case 'notification': return el(NS.CS, 'notification');
        default: return '';
      }
    },
  },
  [clark(NS.DAV, 'displayname')]: {
    allprop: true,
    get: (q, r) => {
      switch (r.kind) {
        case 'principal': return esc(r.account.displayName ?? r.account.email);
        case 'proxy': return esc(`${r.account.email} calendar-proxy-${r.mode}`);
        case 'collection': return r.area === 'files' ? undefined : esc(r.folder.name);
        case 'gal': return esc(`${r.domain.name} directory`);
        case 'schedule': return r.box === 'inbox' ? 'Inbox' : 'Outbox';
        default: return undefined;
      }
    },
  },
  [clark(NS.DAV, 'getetag')]: {
    allprop: true,
    get: (q, r) => {
      if (r.kind === 'member') return r.item ? esc(itemEtag(r.item)) : undefined;
      if (r.kind === 'collection' && r.area !== 'files') return esc(folderEtag(r.folder));
      if (r.kind === 'gal-card' && r.account) return esc(hashEtag(galCard(r.account, r.domain)));
      return undefined;
    },
  },
  [clark(NS.DAV, 'getcontenttype')]: {
    allprop: true,
    get: (q, r) => {
      if (r.kind === 'member' && r.item) return esc(contentTypeOf(r.item, r.folder.kind));
      if (r.kind === 'gal-card' && r.account) return 'text/vcard; charset=utf-8';
      if (r.kind === 'notification') return 'application/xml; charset=utf-8';
      return isCollectionKind(r) ? 'httpd/unix-directory' : undefined;
    },
  },
  [clark(NS.DAV, 'getcontentlength')]: {
    allprop: true,
    get: (q, r) => (r.kind === 'member' && r.item ? String(r.item.size) : r.kind === 'gal-card' && r.account ? String(Buffer.byteLength(galCard(r.account, r.domain))) : undefined),
  },
  [clark(NS.DAV, 'getlastmodified')]: {
    allprop: true,
    get: (q, r) => (r.kind === 'member' && r.item ? date(r.item.updatedAt) : r.kind === 'collection' ? date(r.folder.createdAt) : undefined),
  },
  [clark(NS.DAV, 'creationdate')]: {
    allprop: true,
    get: (q, r) => (r.kind === 'member' && r.item ? new Date(r.item.createdAt).toISOString() : r.kind === 'collection' ? new Date(r.folder.createdAt).toISOString() : undefined),
  },
  [clark(NS.DAV, 'supportedlock')]: { allprop: true, get: (q, r) => (r.kind === 'member' || (r.kind === 'collection' && r.area === 'files') ? supportedLock() : undefined) },
  [clark(NS.DAV, 'lockdiscovery')]: { allprop: true, get: async (q, r) => (r.kind === 'member' || (r.kind === 'collection' && r.area === 'files') ? lockDiscovery(await q.svc.locks.covering(q, r)) : undefined) },
  // RFC 5397 and RFC 3744 §4.2
  [clark(NS.DAV, 'current-user-principal')]: { get: (q) => href(principalHref(q.user)) },
  [clark(NS.DAV, 'principal-URL')]: { get: (q, r) => { const a = principalProps(q, r); return a ? href(principalHref(a)) : r.kind === 'proxy' ? href(r.href) : undefined; } },
  [clark(NS.DAV, 'principal-collection-set')]: { get: () => href('/dav/principals/users/') + href('/dav/principals/groups/') + href('/dav/principals/resources/') },
  [clark(NS.DAV, 'owner')]: {
    get: (q, r) => ('account' in r && r.kind !== 'principal' && r.kind !== 'proxy' && r.kind !== 'gal-card' && r.account ? href(principalHref(r.account)) : undefined),
  },
  [clark(NS.DAV, 'current-user-privilege-set')]: { get: (q, r) => privilegeSet(r) },
  [clark(NS.DAV, 'acl')]: { get: (q, r) => aclOf(q, r) },
  [clark(NS.DAV, 'supported-privilege-set')]: { get: () => supportedPrivilegeSet() },
  [clark(NS.DAV, 'supported-report-set')]: { get: (q, r) => supportedReports(r) },
  [clark(NS.DAV, 'alternate-URI-set')]: { get: (q, r) => { const a = principalProps(q, r); return a ? href(`mailto:${a.email}`) : undefined; } },
  [clark(NS.DAV, 'group-member-set')]: { get: (q, r) => groupMemberSet(q, r) },
  [clark(NS.DAV, 'group-membership')]: { get: (q, r) => groupMembership(q, r) },
  // RFC 4331
  [clark(NS.DAV, 'quota-used-bytes')]: { get: async (q, r) => (quotaOwner(r) ? String((await q.svc.ctx.store.accountUsage(quotaOwner(r)!.id)).bytes) : undefined) },
  [clark(NS.DAV, 'quota-available-bytes')]: {
    get: async (q, r) => {
      const a = quotaOwner(r);
      if (!a) return undefined;
      const used = (await q.svc.ctx.store.accountUsage(a.id)).bytes;
      return String(a.quotaBytes === null ? 1024 ** 4 : Math.max(0, a.quotaBytes - used));
    },
  },
  // RFC 6578 §4
  [clark(NS.DAV, 'sync-token')]: { get: (q, r) => (r.kind === 'collection' ? esc(syncToken(r.folder.id, r.folder.contentModseq)) : undefined) },
  [clark(NS.CS, 'getctag')]: { get: (q, r) => (r.kind === 'collection' ? esc(ctag(r.folder)) : r.kind === 'gal' ? undefined : undefined) },
  // RFC 4791 §6.2.1, RFC 6352 §7.1.1, RFC 6638 §2
  [clark(NS.CALDAV, 'calendar-home-set')]: { get: (q, r) => { const a = principalProps(q, r); return a ? href(homeHref('calendars', a)) : undefined; } },
  [clark(NS.CARDDAV, 'addressbook-home-set')]: { get: (q, r) => { const a = principalProps(q, r); return a ? href(homeHref('addressbooks', a)) : undefined; } },
  [clark(NS.CALDAV, 'calendar-user-address-set')]: { get: (q, r) => { const a = principalProps(q, r); return a ? href(`mailto:${a.email}`) + href(principalHref(a)) : undefined; } },
  [clark(NS.CALDAV, 'calendar-user-type')]: { get: (q, r) => { const a = principalProps(q, r); return a ? ({ user: 'INDIVIDUAL', group: 'GROUP', resource: 'RESOURCE' } as const)[a.kind] : undefined; } },
  [clark(NS.CALDAV, 'schedule-inbox-URL')]: { get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'inbox/') : undefined; } },
  [clark(NS.CALDAV, 'schedule-outbox-URL')]: { get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'outbox/') : undefined; } },
  [clark(NS.CALDAV, 'schedule-default-calendar-URL')]: {
    get: async (q, r) => {
      if (r.kind !== 'schedule' || r.box !== 'inbox') return undefined;
      const f = await q.svc.ctx.store.findFolderByRole(r.account.id, 'calendar');
      return f ? href(homeHref('calendars', r.account) + String(f.props['davSegment'] ?? f.id) + '/') : undefined;
    },
  },
  [clark(NS.CS, 'email-address-set')]: { get: (q, r) => { const a = principalProps(q, r); return a ? el(NS.CS, 'email-address', esc(a.email)) : undefined; } },
  [clark(NS.CS, 'notification-URL')]: { get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'notifications/') : undefined; } },
  [clark(NS.CS, 'calendar-proxy-read-for')]: { get: (q, r) => proxyFor(q, r, 'read') },
  [clark(NS.CS, 'calendar-proxy-write-for')]: { get: (q, r) => proxyFor(q, r, 'write') },
  [clark(NS.CALDAV, 'supported-calendar-component-set')]: {
    get: (q, r) => (isCalendar(r) && r.kind === 'collection' ? calendarComponents(r.folder).map((c) => el(NS.CALDAV, 'comp', undefined, { name: c })).join('') : undefined),
  },
  [clark(NS.CALDAV, 'supported-calendar-data')]: {
    get: (q, r) => (isCalendar(r) ? el(NS.CALDAV, 'calendar-data', undefined, { 'content-type': 'text/calendar', version: '2.0' }) : undefined),
  },
  [clark(NS.CALDAV, 'max-resource-size')]: { get: (q, r) => (isCalendar(r) ? String(maxResourceSize(q.svc)) : undefined) },
  [clark(NS.CARDDAV, 'max-resource-size')]: { get: (q, r) => (isAddressbook(r) ? String(maxResourceSize(q.svc)) : undefined) },
  [clark(NS.CARDDAV, 'supported-address-data')]: {
    get: (q, r) => (isAddressbook(r)
      ? el(NS.CARDDAV, 'address-data-type', undefined, { 'content-type': 'text/vcard', version: '3.0' }) + el(NS.CARDDAV, 'address-data-type', undefined, { 'content-type': 'text/vcard', version: '4.0' })
      : undefined),
  },
  [clark(NS.CALDAV, 'calendar-description')]: { get: (q, r) => (isCalendar(r) && r.kind === 'collection' && typeof r.folder.props.description === 'string' ? esc(r.folder.props.description) : undefined) },
  [clark(NS.CARDDAV, 'addressbook-description')]: { get: (q, r) => (r.kind === 'collection' && r.area === 'addressbooks' && typeof r.folder.props.description === 'string' ? esc(r.folder.props.description) : undefined) },
  [clark(NS.APPLE, 'calendar-color')]: { get: (q, r) => (r.kind === 'collection' && r.area !== 'files' && typeof r.folder.props.color === 'string' ? esc(r.folder.props.color) : undefined) },
  [clark(NS.APPLE, 'calendar-order')]: { get: (q, r) => (r.kind === 'collection' && r.area !== 'files' && r.folder.props.order !== undefined ? esc(String(r.folder.props.order)) : undefined) },
  [clark(NS.CS, 'allowed-sharing-modes')]: { get: (q, r) => (isCalendar(r) && r.kind === 'collection' && r.access === 'owner' ? el(NS.CS, 'can-be-shared') : undefined) },
  [clark(NS.CS, 'invite')]: { get: (q, r) => (r.kind === 'collection' && r.area !== 'files' ? inviteProp(q, r) : undefined) },
  [clark(NS.DAV, 'add-member')]: { get: () => undefined },
  // RFC 6638 §3.2.10
  [clark(NS.CALDAV, 'schedule-tag')]: { get: (q, r) => (r.kind === 'member' && r.area === 'calendars' && typeof r.item?.props['scheduleTag'] === 'string' ? esc(r.item.props['scheduleTag'] as string) : undefined) },
};

function quotaOwner(r: Res) {
  if (r.kind === 'home' || r.kind === 'collection' || r.kind === 'schedule') return r.account;
  return undefined;
}

function supportedReports(r: Res): string {
  const rep = (ns: string, local: string) => d('supported-report', d('report', el(ns, local)));
  const common = rep(NS.DAV, 'expand-property') + rep(NS.DAV, 'principal-property-search') + rep(NS.DAV, 'principal-search-property-set');
  if (r.kind === 'collection' && r.area === 'calendars')
    return rep(NS.CALDAV, 'calendar-query') + rep(NS.CALDAV, 'calendar-multiget') + rep(NS.CALDAV, 'free-busy-query') + rep(NS.DAV, 'sync-collection') + common;
  if (isAddressbook(r)) return rep(NS.CARDDAV, 'addressbook-query') + rep(NS.CARDDAV, 'addressbook-multiget') + rep(NS.DAV, 'sync-collection') + common;
  if (r.kind === 'collection') return rep(NS.DAV, 'sync-collection') + common;
  return common;
}

async function groupMemberSet(q: DavRequest, r: Res): Promise<string | undefined> {
  const store = q.svc.ctx.store;
  if (r.kind === 'proxy') {
    const out: string[] = [];
    for (const g of await store.listGrantsByOwner(r.account.id)) {
      if (g.folderId !== null || g.status !== 'accepted' || (r.mode === 'write') !== (g.rights === 'write') || g.rights === 'freebusy') continue;
      const a = await store.getAccount(g.granteeId);
      if (a && a.domainId === q.user.domainId) out.push(href(principalHref(a)));
    }
    return out.join('');
  }
  if (r.kind === 'principal' && r.account.kind === 'group')
    return (await store.listGroupMembers(r.account.id)).filter((a) => a.domainId === q.user.domainId).map((a) => href(principalHref(a))).join('');
  return r.kind === 'principal' ? '' : undefined;
}

async function groupMembership(q: DavRequest, r: Res): Promise<string | undefined> {
  const a = userOf(q, r);
  if (!a || r.kind !== 'principal') return undefined;
  const store = q.svc.ctx.store;
  const out = (await store.listGroupsOf(a.id)).map((g) => href(principalHref(g)));
  for (const g of await store.listGrantsForGrantee(a.id)) {
    if (g.folderId !== null || g.status !== 'accepted' || g.rights === 'freebusy') continue;
    const owner = await store.getAccount(g.ownerId);
    if (owner && owner.domainId === a.domainId) out.push(href(principalHref(owner) + `calendar-proxy-${g.rights}/`));
  }
  return out.join('');
}

async function proxyFor(q: DavRequest, r: Res, mode: 'read' | 'write'): Promise<string | undefined> {
  if (r.kind !== 'principal') return undefined;
  const store = q.svc.ctx.store;
  const out: string[] = [];
  for (const g of await store.listGrantsForGrantee(r.account.id)) {
    if (g.folderId !== null || g.status !== 'accepted' || g.rights !== mode) continue;
    const owner = await store.getAccount(g.ownerId);
    if (owner && owner.domainId === r.account.domainId) out.push(href(principalHref(owner)));
  }
  return out.join('');
}

export function liveNames(): string[] {
  return Object.keys(defs);
}

export function allpropNames(): string[] {
  return Object.entries(defs).filter(([, v]) => v.allprop).map(([k]) => k);
}

export function isLive(name: string): boolean {
  return name in defs;
}

/** A live property's value; synchronous for the cheap ones so that 10,000 members render fast. */
export function getLive(q: DavRequest, r: Res, name: string): Promise<string | undefined> | string | undefined {
  const def = defs[name];
  return def ? def.get(q, r) : undefined;
}
