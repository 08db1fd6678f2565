/**
 * A small in-memory Store for DAV unit tests and the interop harness while no backend is at hand.
 * It implements what DAV uses, with the Store's contracts (modseq per account, tombstones,
 * Conflict on duplicate names/UIDs); everything else throws.
 */
import { createHash } from 'node:crypto';
import type { Account, Domain, Folder, Grant, Item, Tombstone, FolderTombstone } from '../../../src/model/types.js';
import type { Store, NewItem, ItemPatch, WriteOptions, ListItemsOptions, NewFolder, NewGrant } from '../../../src/store/store.js';
import { StoreError } from '../../../src/store/errors.js';

const now = () => Date.now();

export function createMemoryStore(): Store {
  const domains: Domain[] = [];
  const accounts: Account[] = [];
  const folders = new Map<number, Folder>();
  const items = new Map<number, Item>();
  const byFolder = new Map<number, Map<string, Item>>();
  const tombs: Tombstone[] = [];
  const folderTombs: FolderTombstone[] = [];
  const modseqs = new Map<number, number>();
  const blobs = new Map<string, { data: Buffer; refs: number }>();
  const grants: Grant[] = [];
  const settings = new Map<string, unknown>();
  const groups = new Map<number, Set<number>>();
  let ids = 0;
  const bump = (accountId: number) => { const m = (modseqs.get(accountId) ?? 0) + 1; modseqs.set(accountId, m); return m; };
  const folderItems = (folderId: number) => { let m = byFolder.get(folderId); if (!m) byFolder.set(folderId, m = new Map()); return m; };
  const touchFolder = (f: Folder, m: number) => { f.contentModseq = Math.max(f.contentModseq, m); };

  const createFolder = async (f: NewFolder): Promise<Folder> => {
    for (const o of folders.values()) if (o.accountId === f.accountId && o.parentId === (f.parentId ?? null) && o.name === f.name) throw new StoreError('Conflict', 'folder exists');
    const m = bump(f.accountId);
    const folder: Folder = { id: ++ids, accountId: f.accountId, parentId: f.parentId ?? null, name: f.name, kind: f.kind, role: f.role ?? null,
      props: f.props ?? {}, uidValidity: 1, uidNext: 1, modseq: m, contentModseq: m, createdAt: now() };
    folders.set(folder.id, folder);
    return structuredClone(folder);
  };

  const createItem = async (n: NewItem): Promise<Item> => {
    const f = folders.get(n.folderId);
    if (!f) throw new StoreError('NotFound', 'folder');
    const fi = folderItems(n.folderId);
    if (fi.has(n.name)) throw new StoreError('Conflict', 'name exists');
    if (n.uid && f.kind !== 'files' && f.kind !== 'mail') for (const it of fi.values()) if (it.uid === n.uid) throw new StoreError('Conflict', 'uid exists');
    const m = bump(f.accountId);
    const item: Item = { id: ++ids, accountId: f.accountId, folderId: f.id, name: n.name, uid: n.uid ?? null, content: n.content ?? null,
      blobHash: n.blobHash ?? null, contentType: n.contentType ?? null, size: n.size ?? (n.content ? Buffer.byteLength(n.content) : 0),
      imapUid: null, flags: n.flags ?? [], componentType: n.componentType ?? null, summary: n.summary ?? null, startAt: n.startAt ?? null,
      endAt: n.endAt ?? null, recurring: n.recurring ?? false, props: n.props ?? {}, modseq: m, createdAt: now(), updatedAt: now() };
    items.set(item.id, item); fi.set(item.name, item); touchFolder(f, m);
    return structuredClone(item);
  };

  const tomb = (it: Item, m: number) => tombs.push({ folderId: it.folderId, itemId: it.id, name: it.name, uid: it.uid, imapUid: it.imapUid, modseq: m });

  const store: Partial<Store> = {
    dialect: 'sqlite',
    async migrate() {}, async close() {},
    async createDomain(d) {
      const dom: Domain = { id: ++ids, name: d.name.toLowerCase(), maxUsers: d.maxUsers ?? null, defaultQuota: d.defaultQuota ?? null, maxQuota: d.maxQuota ?? null,
        maxMessageSize: d.maxMessageSize ?? null, footerText: null, footerHtml: null, logoBlob: null, settings: d.settings ?? {}, createdAt: now() };
      domains.push(dom); return dom;
    },
    async getDomain(k) { return domains.find((d) => d.id === k || d.name === String(k).toLowerCase()) ?? null; },
    async listDomains() { return [...domains]; },
    async createAccount(a) {
      if (accounts.some((x) => x.email === a.email.toLowerCase())) throw new StoreError('Conflict', 'exists');
      const acc: Account = { id: ++ids, domainId: a.domainId, email: a.email.toLowerCase(), kind: a.kind ?? 'user', displayName: a.displayName ?? null,
        passwordHash: a.passwordHash ?? null, quotaBytes: a.quotaBytes ?? null, quotaMessages: null, isServerAdmin: false, adminDomains: [], disabled: false, createdAt: now() };
      accounts.push(acc);
      for (const [name, kind, role] of [['Inbox', 'mail', 'inbox'], ['Calendar', 'calendar', 'calendar'], ['Contacts', 'contacts', 'contacts'],
        ['Tasks', 'tasks', 'tasks'], ['Notes', 'notes', 'notes']] as const) await createFolder({ accountId: acc.id, name, kind, role });
      return acc;
    },
    async getAccount(k) { return accounts.find((a) => a.id === k || a.email === String(k).toLowerCase()) ?? null; },
    async listAccounts(domainId) { return accounts.filter((a) => domainId === undefined || a.domainId === domainId); },
    async updateAccount(id, patch) { const a = accounts.find((x) => x.id === id)!; Object.assign(a, patch); return a; },
    async accountModseq(id) { return modseqs.get(id) ?? 0; },
    async addGroupMember(g, m) { let s = groups.get(g); if (!s) groups.set(g, s = new Set()); s.add(m); },
    async listGroupMembers(g) { return [...(groups.get(g) ?? [])].map((id) => accounts.find((a) => a.id === id)!); },
    async listGroupsOf(m) { return [...groups].filter(([, s]) => s.has(m)).map(([g]) => accounts.find((a) => a.id === g)!); },
    createFolder,
    async getFolder(id) { const f = folders.get(id); return f ? structuredClone(f) : null; },
    async listFolders(accountId, kind) { return [...folders.values()].filter((f) => f.accountId === accountId && (!kind || f.kind === kind)).map((f) => structuredClone(f)); },
    async findFolderByRole(accountId, role) { const f = [...folders.values()].find((x) => x.accountId === accountId && x.role === role); return f ? structuredClone(f) : null; },
    async findFolderByName(accountId, parentId, name) { const f = [...folders.values()].find((x) => x.accountId === accountId && x.parentId === parentId && x.name === name); return f ? structuredClone(f) : null; },
    async updateFolder(id, patch) {
      const f = folders.get(id); if (!f) throw new StoreError('NotFound', 'folder');
      if (patch.name !== undefined && patch.name !== f.name) for (const o of folders.values()) if (o.accountId === f.accountId && o.parentId === (patch.parentId ?? f.parentId) && o.name === patch.name) throw new StoreError('Conflict', 'exists');
      Object.assign(f, structuredClone(patch)); f.modseq = bump(f.accountId); touchFolder(f, f.modseq); return structuredClone(f);
    },
    async deleteFolder(id) {
      const f = folders.get(id); if (!f) throw new StoreError('NotFound', 'folder');
      for (const c of [...folders.values()].filter((x) => x.parentId === id)) await store.deleteFolder!(c.id);
      for (const it of folderItems(id).values()) { items.delete(it.id); if (it.blobHash) await store.releaseBlob!(it.blobHash); }
      byFolder.delete(id); folders.delete(id); folderTombs.push({ accountId: f.accountId, folderId: id, modseq: bump(f.accountId) });
    },
    async createItem(n) { return createItem(n); },
    async createItems(ns) { const out: Item[] = []; for (const n of ns) out.push(await createItem(n)); return out; },
    async getItem(id) { const it = items.get(id); return it ? structuredClone(it) : null; },
    async getItemByName(folderId, name) { const it = folderItems(folderId).get(name); return it ? structuredClone(it) : null; },
    async getItemByUid(folderId, uid) { for (const it of folderItems(folderId).values()) if (it.uid === uid) return structuredClone(it); return null; },
    async getItemsByNames(folderId, names) { const fi = folderItems(folderId); return names.map((n) => fi.get(n)).filter((x): x is Item => !!x).map((x) => structuredClone(x)); },
    async listItems(folderId, o: ListItemsOptions = {}) {
      let list = [...folderItems(folderId).values()].sort((a, b) => a.id - b.id);
      if (o.componentType) list = list.filter((i) => i.componentType === o.componentType);
      if (o.from !== undefined || o.to !== undefined) list = list.filter((i) => (o.to === undefined || i.startAt === null || i.startAt < o.to) && (o.from === undefined || i.endAt === null || i.endAt > o.from));
      if (o.afterId !== undefined) list = list.filter((i) => i.id > o.afterId!);
      if (o.limit !== undefined) list = list.slice(0, o.limit);
      return list.map((i) => { const c = structuredClone(i); if (o.withoutContent) c.content = null; return c; });
    },
    async countItems(folderId) { const l = [...folderItems(folderId).values()]; return { count: l.length, size: l.reduce((s, i) => s + i.size, 0) }; },
    async updateItem(id, patch: ItemPatch, opts?: WriteOptions) {
      const it = items.get(id); if (!it) throw new StoreError('NotFound', 'item');
      if (opts?.ifModseq !== undefined && opts.ifModseq !== it.modseq) throw new StoreError('PreconditionFailed', 'modseq');
      if (patch.name && patch.name !== it.name) { const fi = folderItems(it.folderId); if (fi.has(patch.name)) throw new StoreError('Conflict', 'name'); fi.delete(it.name); fi.set(patch.name, it); }
      if (patch.blobHash !== undefined && it.blobHash && patch.blobHash !== it.blobHash) await store.releaseBlob!(it.blobHash);
      Object.assign(it, structuredClone(patch));
      if (patch.content !== undefined && patch.size === undefined) it.size = patch.content ? Buffer.byteLength(patch.content) : 0;
      it.modseq = bump(it.accountId); it.updatedAt = now(); touchFolder(folders.get(it.folderId)!, it.modseq);
      return structuredClone(it);
    },
    async deleteItem(id, opts) {
      const it = items.get(id); if (!it) throw new StoreError('NotFound', 'item');
      if (opts?.ifModseq !== undefined && opts.ifModseq !== it.modseq) throw new StoreError('PreconditionFailed', 'modseq');
      items.delete(id); folderItems(it.folderId).delete(it.name);
      if (it.blobHash) await store.releaseBlob!(it.blobHash);
      const m = bump(it.accountId); tomb(it, m); touchFolder(folders.get(it.folderId)!, m);
    },
    async moveItem(id, to, newName) {
      const it = items.get(id); if (!it) throw new StoreError('NotFound', 'item');
      const dst = folderItems(to); const name = newName ?? it.name;
      if (dst.has(name)) throw new StoreError('Conflict', 'name');
      folderItems(it.folderId).delete(it.name);
      const m1 = bump(it.accountId); tomb(it, m1); touchFolder(folders.get(it.folderId)!, m1);
      it.folderId = to; it.name = name; it.modseq = bump(it.accountId); dst.set(name, it); touchFolder(folders.get(to)!, it.modseq);
      return structuredClone(it);
    },
    async changesSince(folderId, modseq, limit) {
      const changed = [...folderItems(folderId).values()].filter((i) => i.modseq > modseq).sort((a, b) => a.modseq - b.modseq);
      const deleted = tombs.filter((t) => t.folderId === folderId && t.modseq > modseq);
      const f = folders.get(folderId);
      let cut = changed.map((i) => structuredClone(i)); let more = false;
      if (limit !== undefined && cut.length > limit) { cut = cut.slice(0, limit); more = true; }
      const top = more ? cut[cut.length - 1].modseq : Math.max(modseq, f?.contentModseq ?? 0);
      return { changed: cut, deleted: deleted.filter((t) => t.modseq <= top), modseq: top, more };
    },
    async accountUsage(accountId) { let bytes = 0, messages = 0; for (const i of items.values()) if (i.accountId === accountId) { bytes += i.size; messages++; } return { bytes, messages }; },
    async putBlob(data) { const h = createHash('sha256').update(data).digest('hex'); const b = blobs.get(h); if (b) b.refs++; else blobs.set(h, { data: Buffer.from(data), refs: 1 }); return h; },
    async getBlob(h) { return blobs.get(h)?.data ?? null; },
    async releaseBlob(h) { const b = blobs.get(h); if (b && --b.refs <= 0) blobs.delete(h); },
    async createGrant(g: NewGrant) { const gr: Grant = { id: ++ids, ownerId: g.ownerId, folderId: g.folderId ?? null, granteeId: g.granteeId, rights: g.rights, status: g.status ?? 'accepted', props: g.props ?? {}, createdAt: now() }; grants.push(gr); return structuredClone(gr); },
    async updateGrant(id, patch) { const g = grants.find((x) => x.id === id); if (!g) throw new StoreError('NotFound', 'grant'); Object.assign(g, patch); return structuredClone(g); },
    async deleteGrant(id) { const i = grants.findIndex((x) => x.id === id); if (i >= 0) grants.splice(i, 1); },
    async listGrantsByOwner(o) { return grants.filter((g) => g.ownerId === o).map((g) => structuredClone(g)); },
    async listGrantsForGrantee(o) { return grants.filter((g) => g.granteeId === o).map((g) => structuredClone(g)); },
    async getSetting<T>(a: number, k: string) { return (settings.get(`${a}:${k}`) as T) ?? null; },
    async setSetting(a, k, v) { settings.set(`${a}:${k}`, v); },
    subscribe() { return () => {}; },
  };
  return new Proxy(store as Store, { get(t, p) { const v = (t as unknown as Record<string | symbol, unknown>)[p]; if (v === undefined && typeof p === 'string' && p !== 'then') return () => { throw new Error(`memory store: ${p} not implemented`); }; return v; } });
}
