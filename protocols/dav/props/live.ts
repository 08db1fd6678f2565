/**
 * Live properties: how each is computed per resource kind. A getter returns the property's inner
 * XML, or undefined when the resource has no such property (answered 404 in its propstat).
 * Members (calendar objects, vCards, files) are answered by `member`, from the member alone, so
 * that props/batch.ts can render thousands of them without a second copy of these values.
 * RFC 4918 §15, RFC 3744 §4-5, RFC 5397, RFC 4331, RFC 6578 §4, RFC 4791 §5-6, RFC 6352 §6-7,
 * RFC 6638 §2-3, CalendarServer caldav-ctag, caldav-proxy and caldav-sharing.
 */
import { contentTypeOf } from '../../../src/pim/item.js';
import type { ListedField } from '../../../src/store/store.js';
import type { DavRequest } from '../request.js';
import { hrefOf } from '../request.js';
import type { Res } from '../resolve.js';
import { principalHref, homeHref, PRINCIPAL_KIND } from '../resolve.js';
import { NS, clark, parseClark } from '../xml/names.js';
import { d, el, esc, href } from '../xml/writer.js';
import { privilegeSet, aclOf, supportedPrivilegeSet } from './privileges.js';
import { ctag, folderEtag, syncToken, hashEtag } from '../sync-token.js';
import { galCard } from '../carddav/gal.js';
import { calendarComponents } from '../caldav/components.js';
import { lockDiscovery, supportedLock } from './locking.js';
import { inviteProp } from '../sharing/invite.js';
import { maxResourceSize } from '../body.js';
import { supportedReportNames } from '../reports/supported.js';

type Getter = (q: DavRequest, r: Res) => Promise<string | undefined> | string | undefined;
export type Member = Extract<Res, { kind: 'member' }>;
/** A member's value from the member alone (its row, its area): synchronous, escaped, undefined when absent. */
export type MemberGetter = (r: Member) => string | undefined;
/** `member` of a property that no member has. */
export const NO_MEMBER = 'no-member' as const;

interface PropDef {
  /** Every resource, except members when `member` is given. */
  get?: Getter;
  /** Members: their value from the member alone, or NO_MEMBER. Absent: `get` answers members too. */
  member?: MemberGetter | typeof NO_MEMBER;
  /** The item fields `member` reads besides id, name and modseq (a lean listing selects only these). */
  fields?: ListedField[];
  allprop?: boolean;
}

const isCollectionKind = (r: Res) => r.kind !== 'member' && r.kind !== 'gal-card' && r.kind !== 'notification' && r.kind !== 'missing';
const isCalendar = (r: Res) => r.kind === 'collection' && r.area === 'calendars';
const isAddressbook = (r: Res) => (r.kind === 'collection' && r.area === 'addressbooks') || r.kind === 'gal';
const userOf = (q: DavRequest, r: Res) => (r.kind === 'principal' ? r.account : r.kind === 'static' ? q.user : undefined);
const date = (ms: number) => new Date(ms).toUTCString();
/** Escaped content types: a folder's members share a handful. */
const escapedTypes = new Map<string, string>();
const escType = (t: string) => {
  let v = escapedTypes.get(t);
  if (v === undefined) { v = esc(t); if (escapedTypes.size < 1000) escapedTypes.set(t, v); }
  return v;
};

function principalProps(q: DavRequest, r: Res) {
  return userOf(q, r);
}

const defs: Record<string, PropDef> = {
  [clark(NS.DAV, 'resourcetype')]: {
    allprop: true,
    member: () => '',
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
    member: NO_MEMBER,
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
    // esc(itemEtag(item)) without the scan: the tag is digits and a hyphen in quotes.
    member: (r) => (r.item ? `&quot;${r.item.id}-${r.item.modseq}&quot;` : undefined),
    get: (q, r) => {
      if (r.kind === 'collection' && r.area !== 'files') return esc(folderEtag(r.folder));
      if (r.kind === 'gal-card' && r.account) return esc(hashEtag(galCard(r.account, r.domain)));
      return undefined;
    },
  },
  [clark(NS.DAV, 'getcontenttype')]: {
    allprop: true,
    member: (r) => (r.item ? escType(contentTypeOf(r.item, r.folder.kind)) : undefined),
    fields: ['contentType'],
    get: (q, r) => {
      if (r.kind === 'gal-card' && r.account) return 'text/vcard; charset=utf-8';
      if (r.kind === 'notification') return 'application/xml; charset=utf-8';
      return isCollectionKind(r) ? 'httpd/unix-directory' : undefined;
    },
  },
  [clark(NS.DAV, 'getcontentlength')]: {
    allprop: true,
    member: (r) => (r.item ? String(r.item.size) : undefined),
    fields: ['size'],
    get: (q, r) => (r.kind === 'gal-card' && r.account ? String(Buffer.byteLength(galCard(r.account, r.domain))) : undefined),
  },
  [clark(NS.DAV, 'getlastmodified')]: {
    allprop: true,
    member: (r) => (r.item ? date(r.item.updatedAt) : undefined),
    fields: ['updatedAt'],
    get: (q, r) => (r.kind === 'collection' ? date(r.folder.createdAt) : undefined),
  },
  [clark(NS.DAV, 'creationdate')]: {
    allprop: true,
    member: (r) => (r.item ? new Date(r.item.createdAt).toISOString() : undefined),
    fields: ['createdAt'],
    get: (q, r) => (r.kind === 'collection' ? new Date(r.folder.createdAt).toISOString() : undefined),
  },
  [clark(NS.DAV, 'supportedlock')]: { allprop: true, get: (q, r) => (r.kind === 'member' || (r.kind === 'collection' && r.area === 'files') ? supportedLock() : undefined) },
  [clark(NS.DAV, 'lockdiscovery')]: { allprop: true, get: async (q, r) => (r.kind === 'member' || (r.kind === 'collection' && r.area === 'files') ? lockDiscovery(await q.svc.locks.covering(q, r)) : undefined) },
  // RFC 5397 and RFC 3744 §4.2
  [clark(NS.DAV, 'current-user-principal')]: { get: (q) => href(principalHref(q.user)) },
  [clark(NS.DAV, 'principal-URL')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? href(principalHref(a)) : r.kind === 'proxy' ? href(r.href) : undefined; } },
  [clark(NS.DAV, 'principal-collection-set')]: { get: () => href('/dav/principals/users/') + href('/dav/principals/groups/') + href('/dav/principals/resources/') },
  [clark(NS.DAV, 'owner')]: {
    get: (q, r) => ('account' in r && r.kind !== 'principal' && r.kind !== 'proxy' && r.kind !== 'gal-card' && r.account ? href(principalHref(r.account)) : undefined),
  },
  [clark(NS.DAV, 'current-user-privilege-set')]: { get: (q, r) => privilegeSet(r) },
  [clark(NS.DAV, 'acl')]: { get: (q, r) => aclOf(q, r) },
  [clark(NS.DAV, 'supported-privilege-set')]: { get: () => supportedPrivilegeSet() },
  [clark(NS.DAV, 'supported-report-set')]: { get: (q, r) => supportedReportNames(r).map(supportedReport).join('') },
  [clark(NS.DAV, 'alternate-URI-set')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? href(`mailto:${a.email}`) : undefined; } },
  [clark(NS.DAV, 'group-member-set')]: { member: NO_MEMBER, get: (q, r) => groupMemberSet(q, r) },
  [clark(NS.DAV, 'group-membership')]: { member: NO_MEMBER, get: (q, r) => groupMembership(q, r) },
  // RFC 4331
  [clark(NS.DAV, 'quota-used-bytes')]: { member: NO_MEMBER, get: async (q, r) => (quotaOwner(r) ? String((await q.svc.ctx.store.accountUsage(quotaOwner(r)!.id)).bytes) : undefined) },
  [clark(NS.DAV, 'quota-available-bytes')]: {
    member: NO_MEMBER,
    get: async (q, r) => {
      const a = quotaOwner(r);
      if (!a) return undefined;
      const used = (await q.svc.ctx.store.accountUsage(a.id)).bytes;
      return String(a.quotaBytes === null ? 1024 ** 4 : Math.max(0, a.quotaBytes - used));
    },
  },
  // RFC 6578 §4
  [clark(NS.DAV, 'sync-token')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' || (r.kind === 'schedule' && r.box === 'inbox') ? esc(syncToken(r.folder.id, r.folder.contentModseq)) : undefined) },
  [clark(NS.CS, 'getctag')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' || (r.kind === 'schedule' && r.box === 'inbox') ? esc(ctag(r.folder)) : undefined) },
  // RFC 4791 §6.2.1, RFC 6352 §7.1.1, RFC 6638 §2
  [clark(NS.CALDAV, 'calendar-home-set')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? href(homeHref('calendars', a)) : undefined; } },
  [clark(NS.CARDDAV, 'addressbook-home-set')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? href(homeHref('addressbooks', a)) : undefined; } },
  [clark(NS.CALDAV, 'calendar-user-address-set')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? href(`mailto:${a.email}`) + href(principalHref(a)) : undefined; } },
  [clark(NS.CALDAV, 'calendar-user-type')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? ({ user: 'INDIVIDUAL', group: 'GROUP', resource: 'RESOURCE', public: 'UNKNOWN' } as const)[a.kind] : undefined; } },
  [clark(NS.CALDAV, 'schedule-inbox-URL')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'inbox/') : undefined; } },
  [clark(NS.CALDAV, 'schedule-outbox-URL')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'outbox/') : undefined; } },
  [clark(NS.CALDAV, 'schedule-default-calendar-URL')]: {
    member: NO_MEMBER,
    get: async (q, r) => {
      if (r.kind !== 'schedule' || r.box !== 'inbox') return undefined;
      const f = await q.svc.ctx.store.findFolderByRole(r.account.id, 'calendar');
      return f ? href(homeHref('calendars', r.account) + String(f.props['davSegment'] ?? f.id) + '/') : undefined;
    },
  },
  [clark(NS.CS, 'email-address-set')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a ? el(NS.CS, 'email-address', esc(a.email)) : undefined; } },
  [clark(NS.CS, 'notification-URL')]: { member: NO_MEMBER, get: (q, r) => { const a = principalProps(q, r); return a && a.id === q.user.id ? href(homeHref('calendars', a) + 'notifications/') : undefined; } },
  [clark(NS.CS, 'calendar-proxy-read-for')]: { member: NO_MEMBER, get: (q, r) => proxyFor(q, r, 'read') },
  [clark(NS.CS, 'calendar-proxy-write-for')]: { member: NO_MEMBER, get: (q, r) => proxyFor(q, r, 'write') },
  [clark(NS.CALDAV, 'supported-calendar-component-set')]: {
    member: NO_MEMBER,
    get: (q, r) => (isCalendar(r) && r.kind === 'collection' ? calendarComponents(r.folder).map((c) => el(NS.CALDAV, 'comp', undefined, { name: c })).join('') : undefined),
  },
  [clark(NS.CALDAV, 'supported-calendar-data')]: {
    member: NO_MEMBER,
    get: (q, r) => (isCalendar(r) ? el(NS.CALDAV, 'calendar-data', undefined, { 'content-type': 'text/calendar', version: '2.0' }) : undefined),
  },
  [clark(NS.CALDAV, 'max-resource-size')]: { member: NO_MEMBER, get: (q, r) => (isCalendar(r) ? String(maxResourceSize(q.svc)) : undefined) },
  [clark(NS.CARDDAV, 'max-resource-size')]: { member: NO_MEMBER, get: (q, r) => (isAddressbook(r) ? String(maxResourceSize(q.svc)) : undefined) },
  [clark(NS.CARDDAV, 'supported-address-data')]: {
    member: NO_MEMBER,
    get: (q, r) => (isAddressbook(r)
      ? el(NS.CARDDAV, 'address-data-type', undefined, { 'content-type': 'text/vcard', version: '3.0' }) + el(NS.CARDDAV, 'address-data-type', undefined, { 'content-type': 'text/vcard', version: '4.0' })
      : undefined),
  },
  [clark(NS.CALDAV, 'calendar-description')]: { member: NO_MEMBER, get: (q, r) => (isCalendar(r) && r.kind === 'collection' && typeof r.folder.props.description === 'string' ? esc(r.folder.props.description) : undefined) },
  [clark(NS.CARDDAV, 'addressbook-description')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' && r.area === 'addressbooks' && typeof r.folder.props.description === 'string' ? esc(r.folder.props.description) : undefined) },
  [clark(NS.APPLE, 'calendar-color')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' && r.area !== 'files' && typeof r.folder.props.color === 'string' ? esc(r.folder.props.color) : undefined) },
  [clark(NS.APPLE, 'calendar-order')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' && r.area !== 'files' && r.folder.props.order !== undefined ? esc(String(r.folder.props.order)) : undefined) },
  [clark(NS.CS, 'allowed-sharing-modes')]: { member: NO_MEMBER, get: (q, r) => (isCalendar(r) && r.kind === 'collection' && r.access === 'owner' ? el(NS.CS, 'can-be-shared') : undefined) },
  [clark(NS.CS, 'invite')]: { member: NO_MEMBER, get: (q, r) => (r.kind === 'collection' && r.area !== 'files' ? inviteProp(q, r) : undefined) },
  [clark(NS.DAV, 'add-member')]: { member: NO_MEMBER, get: () => undefined },
  // RFC 6638 §3.2.10
  [clark(NS.CALDAV, 'schedule-tag')]: {
    member: (r) => (r.area === 'calendars' && typeof r.item?.props['scheduleTag'] === 'string' ? esc(r.item.props['scheduleTag'] as string) : undefined),
    fields: ['props'],
    get: () => undefined,
  },
};

function quotaOwner(r: Res) {
  if (r.kind === 'home' || r.kind === 'collection' || r.kind === 'schedule') return r.account;
  return undefined;
}

/** One DAV:supported-report element (RFC 3253 §3.1.5) for a report's clark name. */
function supportedReport(name: string): string {
  const { ns, local } = parseClark(name);
  return d('supported-report', d('report', el(ns, local)));
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
  if (!def) return undefined;
  if (r.kind === 'member' && def.member !== undefined) return def.member === NO_MEMBER ? undefined : def.member(r);
  return def.get?.(q, r);
}

/**
 * How members answer a live property from the member alone: its getter, NO_MEMBER when no member
 * has it, undefined when it needs the general path (it depends on the request, locks or the store).
 */
export function memberGetter(name: string): MemberGetter | typeof NO_MEMBER | undefined {
  return defs[name]?.member;
}

/** The item fields a member getter reads besides id, name and modseq ([] for NO_MEMBER and getters of none). */
export function memberFields(name: string): ListedField[] {
  return defs[name]?.fields ?? [];
}
