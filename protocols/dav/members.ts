/** The members of a collection, as resources (PROPFIND Depth 1, REPORTs, COPY/MOVE/DELETE). */
import type { Item } from '../../src/model/types.js';
import type { DavRequest } from './request.js';
import { hrefOf } from './request.js';
import type { Res } from './resolve.js';
import { homeHref, principalHref, folderSegment, visibleFolders, accessTo, resolve } from './resolve.js';
import { galAccounts, galName } from './carddav/gal.js';
import { publicMounts, publicSegment } from './public-folders.js';

export function memberRes(parent: Extract<Res, { kind: 'collection' | 'schedule' }>, item: Item): Res {
  const area = parent.kind === 'schedule' ? 'calendars' : parent.area;
  return { kind: 'member', href: parent.href + encodeURIComponent(item.name), area, account: parent.account, folder: parent.folder, item, name: item.name, access: parent.access, folderHref: parent.href };
}

export async function members(q: DavRequest, r: Res, opts: { withContent?: boolean } = {}): Promise<Res[]> {
  const store = q.svc.ctx.store;
  switch (r.kind) {
    case 'static': {
      const s = r.segments;
      if (s.length === 0) return [{ kind: 'static', href: '/dav/', segments: ['dav'], children: [] }];
      if (s.length === 1) return ['principals', 'calendars', 'addressbooks', 'files'].map((c) => ({ kind: 'static', href: `/dav/${c}/`, segments: ['dav', c], children: [] }));
      if (s[1] === 'principals' && s.length === 2) return ['users', 'groups', 'resources'].map((c) => ({ kind: 'static', href: `/dav/principals/${c}/`, segments: ['dav', 'principals', c], children: [] }));
      // RFC 3744 §5.8 principal collections: the principals of the user's own domain only.
      if (s[1] === 'principals' && s.length === 3) {
        const kind = Object.keys(PRINCIPAL_DIR).find((k) => PRINCIPAL_DIR[k] === s[2]);
        return (await store.listAccounts(q.user.domainId))
          .filter((a) => a.kind === kind && !a.disabled && a.domainId === q.user.domainId)
          .map((a) => ({ kind: 'principal', href: principalHref(a), account: a }));
      }
      if (s[1] === 'calendars' || s[1] === 'addressbooks') return [{ kind: 'home', href: homeHref(s[1], q.user), area: s[1], account: q.user, access: 'owner' }];
      if (s[1] === 'files') {
        return [await resolve(q, ['dav', 'files', q.user.email])];
      }
      if (s[1] === 'gal') return [{ kind: 'gal', href: hrefOf(['dav', 'gal', q.domain.name], true), domain: q.domain }];
      return [];
    }
    case 'principal':
      return (['read', 'write'] as const).map((mode) => ({ kind: 'proxy', href: principalHref(r.account) + `calendar-proxy-${mode}/`, account: r.account, mode }));
    case 'home': {
      if (r.area === 'files') return [];
      const out: Res[] = [];
      for (const f of await visibleFolders(q, r.account, r.area))
        out.push({ kind: 'collection', href: r.href + encodeURIComponent(folderSegment(f)) + '/', area: r.area, account: r.account, folder: f, access: await accessTo(q, r.account, f) });
      if (r.account.id === q.user.id) {
        if (r.area === 'calendars') {
          for (const box of ['inbox', 'outbox', 'notifications']) out.push(await resolve(q, ['dav', 'calendars', r.account.email, box]));
        }
        for (const g of await store.listGrantsForGrantee(r.account.id)) {
          if (g.status !== 'accepted' || g.folderId === null || g.props['sharing'] !== true) continue;
          const res = await resolve(q, ['dav', r.area, r.account.email, `shared-${g.id}`]);
          if (res.kind === 'collection') out.push(res);
        }
        // The domain's public folders the user may read (public-folders.ts).
        for (const m of await publicMounts(q, r.area, r.account))
          out.push({ kind: 'collection', href: r.href + publicSegment(m.folder) + '/', area: r.area, account: r.account, folder: m.folder, access: m.access, publicMount: true });
      }
      return out;
    }
    case 'collection': case 'schedule': {
      const items = await store.listItems(r.folder.id, { withoutContent: !opts.withContent });
      const out: Res[] = [];
      if (r.kind === 'collection' && r.area === 'files') {
        for (const f of await store.listFolders(r.account.id, 'files'))
          if (f.parentId === r.folder.id) out.push({ kind: 'collection', href: r.href + encodeURIComponent(f.name) + '/', area: 'files', account: r.account, folder: f, access: r.access });
      }
      for (const it of items) out.push(memberRes(r, it));
      return out;
    }
    case 'notifications':
      return (await store.listGrantsForGrantee(r.account.id)).filter((g) => g.status === 'pending')
        .map((g) => ({ kind: 'notification', href: r.href + `invite-${g.id}.xml`, account: r.account, grant: g, name: `invite-${g.id}.xml` }));
    case 'gal':
      return (await galAccounts((id) => store.listAccounts(id), r.domain))
        .map((a) => ({ kind: 'gal-card', href: r.href + galName(a), domain: r.domain, account: a, name: galName(a) }));
    default:
      return [];
  }
}

const PRINCIPAL_DIR: Record<string, string> = { user: 'users', group: 'groups', resource: 'resources' };
