/**
 * WebDAV locks (RFC 4918 §6, §7, §9.10, §9.11) and the If header (§10.4).
 * Locks are held in memory by path, per process: with several nodes behind a load balancer,
 * sticky sessions are needed for LOCK (or a store-backed manager behind this same interface).
 */
import { randomUUID } from 'node:crypto';

export interface Lock {
  token: string;
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

export const normPath = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
const isUnder = (p: string, ancestor: string) => p === ancestor || p.startsWith(ancestor === '/' ? '/' : ancestor + '/');

export class LockManager {
  private locks = new Map<string, Lock>();
  constructor(private now: () => number) {}

  private live(): Lock[] {
    const t = this.now();
    for (const [k, l] of this.locks) if (l.expires <= t) this.locks.delete(k);
    return [...this.locks.values()];
  }

  /** Locks that apply to the resource: its own and depth-infinity locks of its ancestors. */
  covering(path: string): Lock[] {
    const p = normPath(path);
    return this.live().filter((l) => l.path === p || (l.depth === 'infinity' && isUnder(p, l.path)));
  }

  /** Locks on the resource or anything below it. */
  within(path: string): Lock[] {
    const p = normPath(path);
    return this.live().filter((l) => isUnder(l.path, p));
  }

  get(token: string): Lock | undefined {
    return this.live().find((l) => l.token === token);
  }

  /** Locks that would conflict with a new lock (§6.1, §9.10.3: depth infinity checks the subtree). */
  conflicts(path: string, scope: Lock['scope'], depthInf: boolean): Lock[] {
    const p = normPath(path);
    const candidates = new Set([...this.covering(p), ...(depthInf ? this.within(p) : this.live().filter((l) => l.path === p))]);
    return [...candidates].filter((l) => scope === 'exclusive' || l.scope === 'exclusive');
  }

  create(l: Omit<Lock, 'token' | 'expires'>): Lock {
    const lock: Lock = { ...l, path: normPath(l.path), token: `urn:uuid:${randomUUID()}`, expires: this.expiry(l.timeoutSeconds) };
    this.locks.set(lock.token, lock);
    return lock;
  }

  refresh(lock: Lock, timeoutSeconds: number | null): Lock {
    lock.timeoutSeconds = timeoutSeconds;
    lock.expires = this.expiry(timeoutSeconds);
    return lock;
  }

  remove(token: string): boolean {
    return this.locks.delete(token);
  }

  /** Drops every lock on the path and below (the resource was deleted or moved away). */
  removeWithin(path: string): void {
    for (const l of this.within(path)) this.locks.delete(l.token);
  }

  private expiry(timeoutSeconds: number | null): number {
    return timeoutSeconds === null ? Number.MAX_SAFE_INTEGER : this.now() + timeoutSeconds * 1000;
  }
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
