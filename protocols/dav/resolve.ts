/**
 * Maps a request path to a resource and the user's access to it. Layout:
 *   /dav/                                   root
 *   /dav/principals/{users,groups,resources}/EMAIL/[calendar-proxy-read|calendar-proxy-write/]
 *   /dav/calendars/EMAIL/                   calendar home; SEG/ calendars, inbox/, outbox/,
 *                                           notifications/, shared-GRANT/ (calendars shared with EMAIL)
 *   /dav/addressbooks/EMAIL/SEG/            address books
 *   /dav/gal/DOMAIN/                        the domain's read-only global address list
 *   /dav/files/EMAIL/...                    WebDAV file space (folders of kind 'files')
 * Tenant isolation (DESIGN "Multi-tenancy"): anything of another domain, or of another user
 * without a grant, resolves to 'hidden' and is answered 404, never 403. Who may see what is the
 * core's one rule (src/auth/folder-access.ts), the same ActiveSync and IMAP use.
 */
import type { Account, Folder, Grant, Item, Domain } from '../../src/model/types.js';
import { accountAccess, atLeast, folderAccess, type FolderAccess } from '../../src/auth/folder-access.js';
import type { DavRequest } from './request.js';
import { hrefOf } from './request.js';
import { scheduleFolder } from '../../src/pim/schedule-inbox.js';
import { PUBLIC_SEGMENT_PREFIX, resolvePublicMount } from './public-folders.js';

export type Access = FolderAccess;
export { atLeast };
export type Area = 'calendars' | 'addressbooks' | 'files';

export type Res =
  | { kind: 'static'; href: string; segments: string[]; children: string[] }
  | { kind: 'principal'; href: string; account: Account }
  | { kind: 'proxy'; href: string; account: Account; mode: 'read' | 'write' }
  | { kind: 'home'; href: string; area: Area; account: Account; access: Access }
  | { kind: 'collection'; href: string; area: Area; account: Account; folder: Folder; access: Access; grant?: Grant; publicMount?: true }
  | { kind: 'member'; href: string; area: Area; account: Account; folder: Folder; item: Item | null; name: string; access: Access; folderHref: string }
  | { kind: 'new-collection'; href: string; area: Area; account: Account; parent: Folder | null; name: string; access: Access }
  | { kind: 'schedule'; href: string; box: 'inbox' | 'outbox'; account: Account; folder: Folder; access: Access }
  | { kind: 'notifications'; href: string; account: Account }
  | { kind: 'notification'; href: string; account: Account; grant: Grant | null; name: string }
  | { kind: 'gal'; href: string; domain: Domain }
  | { kind: 'gal-card'; href: string; domain: Domain; account: Account | null; name: string }
  | { kind: 'missing'; href: string; parentMissing: boolean };

export const CAL_KINDS = new Set(['calendar', 'tasks']);

export const PRINCIPAL_KIND: Record<Account['kind'], string> = { user: 'users', group: 'groups', resource: 'resources', public: 'public' };
export const principalHref = (a: Account) => hrefOf(['dav', 'principals', PRINCIPAL_KIND[a.kind], a.email], true);
export const homeHref = (area: Area, a: Account) => hrefOf(['dav', area, a.email], true);

/** The URL segment of a calendar or address book folder. */
export function folderSegment(f: Folder): string {
  const s = f.props['davSegment'];
  return typeof s === 'string' && s ? s : String(f.id);
}

/**
 * The user's access to an account's data: to one folder (a Folder), through grants on all its
 * folders only (null: the file space), or through any grant (undefined: whether its home opens).
 */
export async function accessTo(q: DavRequest, owner: Account, folder?: Folder | null): Promise<Access> {
  const scope = folder === undefined ? 'any' : folder === null ? null : folder.id;
  return accountAccess(q.svc.ctx.store, q.user, owner, scope);
}

/** Lazily creates a role folder the store's defaults may not have (files root, scheduling boxes). */
export async function roleFolder(q: DavRequest, account: Account, role: 'files' | 'schedule-inbox' | 'schedule-outbox'): Promise<Folder> {
  if (role !== 'files') return scheduleFolder(q.svc.ctx.store, account, role);
  const store = q.svc.ctx.store;
  const f = await store.findFolderByRole(account.id, role);
  if (f) return f;
  try {
    return await store.createFolder({ accountId: account.id, name: 'Files', kind: 'files', role });
  } catch {
    const again = await store.findFolderByRole(account.id, role);
    if (again) return again;
    throw new Error(`cannot create ${role} folder`);
  }
}

/**
 * Address books are read by kind (one query, as the read of all folders was, without the dozen
 * mail, notes and files rows). Calendars stay one read of all folders, filtered: by kind they
 * would be two queries (calendar, tasks), which on PostgreSQL costs a round trip more than the
 * rows it saves.
 */
export async function listAreaFolders(q: DavRequest, account: Account, area: 'calendars' | 'addressbooks'): Promise<Folder[]> {
  const store = q.svc.ctx.store;
  if (area === 'addressbooks') return store.listFolders(account.id, 'contacts');
  const all = await store.listFolders(account.id);
  return all.filter((f) => CAL_KINDS.has(f.kind) && f.role !== 'schedule-inbox' && f.role !== 'schedule-outbox');
}

async function sameDomainAccount(q: DavRequest, email: string): Promise<Account | null> {
  // The user's own paths (nearly every request) need no second read of the account.
  if (email.toLowerCase() === q.user.email) return q.user;
  const a = await q.svc.ctx.store.getAccount(email);
  if (!a || a.domainId !== q.user.domainId || a.disabled) return null;
  return a;
}

const hidden = (segments: string[]): Res => ({ kind: 'missing', href: hrefOf(segments, false), parentMissing: true });

export async function resolve(q: DavRequest, segments: string[] = q.segments): Promise<Res> {
  const [root, area, owner, ...rest] = segments;
  if (segments.length === 0) return { kind: 'static', href: '/', segments, children: ['dav'] };
  if (root !== 'dav') return hidden(segments);
  if (area === undefined) return { kind: 'static', href: '/dav/', segments, children: ['principals', 'calendars', 'addressbooks', 'files'] };
  switch (area) {
    case 'principals': return resolvePrincipal(q, segments);
    case 'calendars': case 'addressbooks': case 'files': {
      if (owner === undefined) return { kind: 'static', href: hrefOf(segments, true), segments, children: [] };
      const account = await sameDomainAccount(q, owner);
      if (!account) return hidden(segments);
      return area === 'files' ? resolveFiles(q, account, rest, segments) : resolvePim(q, area, account, rest, segments);
    }
    case 'gal': {
      if (owner === undefined) return { kind: 'static', href: hrefOf(segments, true), segments, children: [] };
      if (owner.toLowerCase() !== q.domain.name || rest.length > 1) return hidden(segments);
      if (rest.length === 0) return { kind: 'gal', href: hrefOf(segments, true), domain: q.domain };
      const id = Number(/^(\d+)\.vcf$/.exec(rest[0])?.[1]);
      const acc = id ? await q.svc.ctx.store.getAccount(id) : null;
      const ok = acc && acc.domainId === q.domain.id && !acc.disabled ? acc : null;
      return { kind: 'gal-card', href: hrefOf(segments, false), domain: q.domain, account: ok, name: rest[0] };
    }
  }
  return hidden(segments);
}

async function resolvePrincipal(q: DavRequest, segments: string[]): Promise<Res> {
  const [, , kind, email, sub, ...more] = segments;
  if (kind === undefined) return { kind: 'static', href: '/dav/principals/', segments, children: ['users', 'groups', 'resources'] };
  if (!['users', 'groups', 'resources'].includes(kind)) return hidden(segments);
  if (email === undefined) return { kind: 'static', href: hrefOf(segments, true), segments, children: [] };
  const account = await sameDomainAccount(q, email);
  if (!account || PRINCIPAL_KIND[account.kind] !== kind || more.length) return hidden(segments);
  if (sub === undefined) return { kind: 'principal', href: principalHref(account), account };
  if (sub === 'calendar-proxy-read' || sub === 'calendar-proxy-write')
    return { kind: 'proxy', href: principalHref(account) + sub + '/', account, mode: sub === 'calendar-proxy-read' ? 'read' : 'write' };
  return hidden(segments);
}

async function resolvePim(q: DavRequest, area: 'calendars' | 'addressbooks', account: Account, rest: string[], segments: string[]): Promise<Res> {
  const store = q.svc.ctx.store;
  const home = homeHref(area, account);
  if (rest.length === 0) {
    const access = await accessTo(q, account);
    const anyGrant = access !== 'none' || (account.id !== q.user.id && (await visibleFolders(q, account, area)).length > 0);
    if (!anyGrant && access === 'none') return hidden(segments);
    return { kind: 'home', href: home, area, account, access };
  }
  if (rest.length > 2) return hidden(segments);
  const [seg, name] = rest;
  let folder: Folder | undefined;
  let grant: Grant | undefined;
  let access: Access = 'none';
  let mount: Awaited<ReturnType<typeof resolvePublicMount>> = null;
  if (area === 'calendars' && (seg === 'inbox' || seg === 'outbox')) {
    if (account.id !== q.user.id) return hidden(segments);
    const f = await roleFolder(q, account, seg === 'inbox' ? 'schedule-inbox' : 'schedule-outbox');
    if (name === undefined) return { kind: 'schedule', href: home + seg + '/', box: seg, account, folder: f, access: 'owner' };
    if (seg === 'outbox') return hidden(segments);
    folder = f; access = 'owner';
  } else if (area === 'calendars' && seg === 'notifications') {
    if (account.id !== q.user.id) return hidden(segments);
    if (name === undefined) return { kind: 'notifications', href: home + 'notifications/', account };
    const id = Number(/^invite-(\d+)\.xml$/.exec(name)?.[1]);
    const g = id ? (await store.listGrantsForGrantee(account.id)).find((x) => x.id === id && x.status === 'pending') ?? null : null;
    return { kind: 'notification', href: home + 'notifications/' + encodeURIComponent(name), account, grant: g, name };
  } else if (seg.startsWith('shared-') && account.id === q.user.id) {
    // A calendar or address book another user shared with this one (calendarserver-sharing).
    const id = Number(seg.slice(7));
    grant = (await store.listGrantsForGrantee(account.id)).find((g) => g.id === id && g.status === 'accepted' && g.folderId !== null);
    const f = grant ? await store.getFolder(grant.folderId!) : null;
    if (!grant || !f || (area === 'calendars') !== CAL_KINDS.has(f.kind)) return hidden(segments);
    // Only a readable share is mounted: a free-busy grant or a disabled owner shows nothing.
    access = await folderAccess(store, account, f);
    if (!atLeast(access, 'read')) return hidden(segments);
    folder = f;
  } else if (seg.startsWith(PUBLIC_SEGMENT_PREFIX) && account.id === q.user.id && (mount = await resolvePublicMount(q, area, account, seg))) {
    // A public folder of the domain the user may read (public-folders.ts).
    folder = mount.folder;
    access = mount.access;
  } else {
    folder = (await listAreaFolders(q, account, area)).find((f) => folderSegment(f) === seg);
    access = await accessTo(q, account, folder ?? null);
    if (!folder) {
      // public-N is the public folders' name space in the home: no own collection is made there.
      if (access !== 'owner' || name !== undefined || /^public-\d+$/.test(seg)) return hidden(segments);
      return { kind: 'new-collection', href: home + encodeURIComponent(seg) + '/', area, account, parent: null, name: seg, access };
    }
  }
  if (access === 'none') return hidden(segments);
  const folderHref = home + encodeURIComponent(seg) + '/';
  if (name === undefined) return { kind: 'collection', href: folderHref, area, account, folder, access, grant, ...(mount ? { publicMount: true as const } : {}) };
  const item = await store.getItemByName(folder.id, name);
  return { kind: 'member', href: folderHref + encodeURIComponent(name), area, account, folder, item, name, access, folderHref };
}

async function visibleFolders(q: DavRequest, account: Account, area: 'calendars' | 'addressbooks'): Promise<Folder[]> {
  const out: Folder[] = [];
  for (const f of await listAreaFolders(q, account, area)) if ((await accessTo(q, account, f)) !== 'none') out.push(f);
  return out;
}
export { visibleFolders };

async function resolveFiles(q: DavRequest, account: Account, rest: string[], segments: string[]): Promise<Res> {
  const store = q.svc.ctx.store;
  const access = await accessTo(q, account, null);
  if (access === 'none') return hidden(segments);
  let folder = await roleFolder(q, account, 'files');
  const base = ['dav', 'files', account.email];
  for (let i = 0; i < rest.length; i++) {
    const seg = rest[i];
    const last = i === rest.length - 1;
    const sub = await store.findFolderByName(account.id, folder.id, seg);
    if (sub && sub.kind === 'files') { folder = sub; continue; }
    const folderHref = hrefOf([...base, ...rest.slice(0, i)], true);
    if (!last) {
      const asItem = await store.getItemByName(folder.id, seg);
      return { kind: 'missing', href: hrefOf(segments, false), parentMissing: !asItem };
    }
    const item = await store.getItemByName(folder.id, seg);
    if (!item && q.trailingSlash && q.method === 'MKCOL')
      return { kind: 'new-collection', href: hrefOf(segments, true), area: 'files', account, parent: folder, name: seg, access };
    return { kind: 'member', href: hrefOf(segments, false), area: 'files', account, folder, item, name: seg, access, folderHref };
  }
  return { kind: 'collection', href: hrefOf(segments, true), area: 'files', account, folder, access };
}
