/**
 * WebDAV locks (RFC 4918 §6, §7, §9.10, §9.11) and the If header (§10.4).
 * Locks live in the store (Store.listLocks / createLock ...), so every Hearth node behind a load
 * balancer sees the same ones (DESIGN: nodes are stateless). A lock's `space` is the owner of the
 * resource tree (the file space's or the collection's owner address), its `path` the resource's
 * normalised href as the owner's URLs spell it. Expired locks stop counting: the store reads
 * only live ones. A request reads a space's locks once (`read`), whatever it checks.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceLock } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import type { DavRequest } from './request.js';
import { hrefOf, encSeg } from './request.js';
import type { Res } from './resolve.js';
import { folderSegment } from './resolve.js';

export interface Lock {
  token: string;
  /** The owner address of the resource tree the lock is in. */
  space: string;
  /** Normalised path without trailing slash, e.g. /dav/files/a@b.c/x */
  path: string;
  depth: '0' | 'infinity';
  scope: 'exclusive' | 'shared';
  /** The owner element's content, serialised verbatim. */
  owner: string;
  principalId: number;
  timeoutSeconds: number | null;
  expires: number;
}

/** Where a resource's locks are kept. */
export interface LockTarget { space: string; path: string }

export const normPath = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
const isUnder = (p: string, ancestor: string) => p === ancestor || p.startsWith(ancestor === '/' ? '/' : ancestor + '/');
/** Infinite timeouts expire never (the column is a bigint; this fits a double exactly). */
const NEVER = Number.MAX_SAFE_INTEGER;

/** The href with its owner segment (/dav/AREA/OWNER/...) spelt as the account's address is. */
function ownerSpelt(href: string, email: string): string {
  const parts = href.split('/');
  if (parts.length > 3) parts[3] = encSeg(email);
  return normPath(parts.join('/'));
}

/** A space's live locks at one moment, with the questions RFC 4918 asks of them. */
export class LockSet {
  constructor(readonly all: readonly Lock[]) {}

  /** Locks that apply to the resource: its own and depth-infinity locks of its ancestors. */
  covering(path: string): Lock[] {
    const p = normPath(path);
    return this.all.filter((l) => l.path === p || (l.depth === 'infinity' && isUnder(p, l.path)));
  }

  /** Locks on the resource or anything below it. */
  within(path: string): Lock[] {
    const p = normPath(path);
    return this.all.filter((l) => isUnder(l.path, p));
  }

  get(token: string): Lock | undefined {
    return this.all.find((l) => l.token === token);
  }

  /** Locks that would conflict with a new lock (§6.1, §9.10.3: depth infinity checks the subtree). */
  conflicts(path: string, scope: Lock['scope'], depthInf: boolean): Lock[] {
    const p = normPath(path);
    const candidates = new Set([...this.covering(p), ...(depthInf ? this.within(p) : this.all.filter((l) => l.path === p))]);
    return [...candidates].filter((l) => scope === 'exclusive' || l.scope === 'exclusive');
  }
}

export type NewLock = Omit<Lock, 'token' | 'expires' | 'space' | 'path'>;

/** What one request has read: each space's locks, and the owners of shared folders. */
interface RequestReads { spaces: Map<string, Promise<LockSet>>; owners: Map<number, Promise<string | null>> }

declare module './request.js' {
  interface DavServices {
    /** WebDAV locks, read and written in the store so that every node sees them. */
    locks: LockManager;
  }
}

export class LockManager {
  /** Keyed by the DavRequest object, so gone with the request. */
  private readonly reads = new WeakMap<DavRequest, RequestReads>();

  constructor(private readonly store: Store, private readonly now: () => number) {}

  /**
   * The space and path of a resource's locks; null for what has none (principals, the GAL,
   * static paths). A calendar or address book shared with the user (`shared-N/`) is locked under
   * its owner's URL, so that a sharee's lock binds the owner and the other way round.
   */
  async target(q: DavRequest, r: Res): Promise<LockTarget | null> {
    switch (r.kind) {
      case 'collection': case 'member': {
        if (r.folder.accountId === r.account.id) return { space: r.account.email, path: ownerSpelt(r.href, r.account.email) };
        const owners = this.of(q).owners;
        let owner = owners.get(r.folder.accountId);
        if (!owner) {
          owner = this.store.getAccount(r.folder.accountId).then((a) => a?.email ?? null);
          owners.set(r.folder.accountId, owner);
        }
        const email = await owner;
        if (!email) return null;
        const folderHref = hrefOf(['dav', r.area, email], true) + encodeURIComponent(folderSegment(r.folder)) + '/';
        return { space: email, path: normPath(r.kind === 'member' ? folderHref + encodeURIComponent(r.name) : folderHref) };
      }
      case 'new-collection': case 'home': case 'schedule': case 'notifications': case 'notification':
        return { space: r.account.email, path: ownerSpelt(r.href, r.account.email) };
      default:
        return null;
    }
  }

  /** The live locks of the space, read from the store once per request. */
  read(q: DavRequest, space: string): Promise<LockSet> {
    const spaces = this.of(q).spaces;
    let set = spaces.get(space);
    if (!set) {
      set = this.store.listLocks(space, this.now()).then((rows) => new LockSet(rows.map(fromRow)));
      spaces.set(space, set);
    }
    return set;
  }

  /** The locks covering a resource (lockdiscovery, the If header); none for unlockable kinds. */
  async covering(q: DavRequest, r: Res): Promise<Lock[]> {
    const t = await this.target(q, r);
    return t ? (await this.read(q, t.space)).covering(t.path) : [];
  }

  /**
   * Creates the lock unless a live one conflicts (§6.1); the check and the insert are one
   * transaction per space on every node (Store.createLock).
   */
  async create(q: DavRequest, t: LockTarget, l: NewLock): Promise<{ lock: Lock } | { conflicts: Lock[] }> {
    const lock: Lock = { ...l, space: t.space, path: normPath(t.path), token: `urn:uuid:${randomUUID()}`, expires: this.expiry(l.timeoutSeconds) };
    let conflicts: Lock[] = [];
    const stored = await this.store.createLock(toRow(lock), this.now(), (live) => {
      conflicts = new LockSet(live.map(fromRow)).conflicts(lock.path, lock.scope, lock.depth === 'infinity');
      return conflicts.length > 0;
    });
    this.forget(q, t.space);
    return stored ? { lock } : { conflicts };
  }

  /** Moves the lock's expiry; null when another node removed it meanwhile. */
  async refresh(q: DavRequest, lock: Lock, timeoutSeconds: number | null): Promise<Lock | null> {
    const expires = this.expiry(timeoutSeconds);
    // The store moves only the expiry; an Infinite timeout is an expiry of NEVER (fromRow).
    const ok = await this.store.refreshLock(lock.token, expires);
    this.forget(q, lock.space);
    return ok ? { ...lock, timeoutSeconds, expires } : null;
  }

  async remove(q: DavRequest, lock: Lock): Promise<boolean> {
    const n = await this.store.deleteLocks([lock.token]);
    this.forget(q, lock.space);
    return n > 0;
  }

  /** Drops every lock on the resource and below it (it was deleted, or moved away). */
  async removeWithin(q: DavRequest, r: Res): Promise<void> {
    const t = await this.target(q, r);
    if (!t) return;
    const gone = (await this.read(q, t.space)).within(t.path);
    if (gone.length) await this.store.deleteLocks(gone.map((l) => l.token));
    this.forget(q, t.space);
  }

  private of(q: DavRequest): RequestReads {
    let r = this.reads.get(q);
    if (!r) { r = { spaces: new Map(), owners: new Map() }; this.reads.set(q, r); }
    return r;
  }

  private forget(q: DavRequest, space: string): void {
    this.reads.get(q)?.spaces.delete(space);
  }

  private expiry(timeoutSeconds: number | null): number {
    return timeoutSeconds === null ? NEVER : this.now() + timeoutSeconds * 1000;
  }
}

function toRow(l: Lock): ResourceLock {
  return {
    token: l.token, space: l.space, path: l.path, expiresAt: l.expires,
    data: { scope: l.scope, depth: l.depth, owner: l.owner, principalId: l.principalId, timeoutSeconds: l.timeoutSeconds },
  };
}

function fromRow(r: ResourceLock): Lock {
  const d = r.data;
  return {
    token: r.token, space: r.space, path: r.path, expires: r.expiresAt,
    scope: d['scope'] === 'shared' ? 'shared' : 'exclusive',
    depth: d['depth'] === '0' ? '0' : 'infinity',
    owner: typeof d['owner'] === 'string' ? d['owner'] : '',
    principalId: Number(d['principalId']),
    // A refresh moves only expiresAt: Infinite is read from it, not from the first timeout.
    timeoutSeconds: r.expiresAt >= NEVER ? null : typeof d['timeoutSeconds'] === 'number' ? d['timeoutSeconds'] : 0,
  };
}

/** Timeout header (RFC 4918 §10.7): the first value we accept; at most a week, Infinite kept. */
export function parseTimeout(h: string | undefined): number | null {
  if (!h) return 3600;
  for (const part of h.split(',').map((s) => s.trim())) {
    if (/^infinite$/i.test(part)) return null;
    const m = /^second-(\d+)$/i.exec(part);
    if (m) return Math.min(Number(m[1]), 604800);
  }
  return 3600;
}

export interface IfCondition { not: boolean; token?: string; etag?: string }
export interface IfList { resource: string | null; conditions: IfCondition[] }

/** Parses the If header (RFC 4918 §10.4.2); null when malformed (answered 400). */
export function parseIf(h: string): IfList[] | null {
  const lists: IfList[] = [];
  let i = 0;
  let resource: string | null = null;
  const ws = () => { while (i < h.length && /\s/.test(h[i])) i++; };
  while (true) {
    ws();
    if (i >= h.length) break;
    if (h[i] === '<') {
      const end = h.indexOf('>', i);
      if (end < 0) return null;
      resource = h.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (h[i] !== '(') return null;
    i++;
    const conditions: IfCondition[] = [];
    while (true) {
      ws();
      if (h[i] === ')') { i++; break; }
      let not = false;
      if (/^not\b/i.test(h.slice(i, i + 4)) || h.slice(i, i + 3).toLowerCase() === 'not') { not = true; i += 3; ws(); }
      if (h[i] === '<') {
        const end = h.indexOf('>', i);
        if (end < 0) return null;
        conditions.push({ not, token: h.slice(i + 1, end) });
        i = end + 1;
      } else if (h[i] === '[') {
        const end = h.indexOf(']', i);
        if (end < 0) return null;
        conditions.push({ not, etag: h.slice(i + 1, end).trim() });
        i = end + 1;
      } else return null;
    }
    if (conditions.length === 0) return null;
    lists.push({ resource, conditions });
  }
  return lists.length ? lists : null;
}

/** Tokens submitted in the If header (§10.4.1: naming a token there submits it). */
export function submittedTokens(lists: IfList[] | null): Set<string> {
  const s = new Set<string>();
  for (const l of lists ?? []) for (const c of l.conditions) if (c.token && !c.not) s.add(c.token);
  return s;
}
