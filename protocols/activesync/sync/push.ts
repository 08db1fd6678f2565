/**
 * Held requests (Ping, hanging Sync) waiting for the store's change notifications.
 *
 * One store subscription per account with held requests (not one per request), shared by every
 * device of the account; a held request is a small record (its folder ids, one timer, the resolve
 * function) and keeps nothing of the HTTP request. No polling: a waiter is woken by
 * store.subscribe, which crosses nodes on PostgreSQL (LISTEN/NOTIFY), or by its one timer.
 *
 * A newer request of the same device and kind ends the older one ([MS-ASCMD] 3.1.5.2.1: the older
 * Ping is answered as if its heartbeat had expired). That holds within one node: a device whose
 * requests land on different nodes keeps its older request until its heartbeat ends.
 */
import type { ChangeEvent } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';

export type WakeReason =
  | { kind: 'changed'; folders: number[] }
  | { kind: 'timeout' }
  | { kind: 'superseded' }
  | { kind: 'aborted' };

interface Waiter {
  key: string;
  accountId: number;
  folders: readonly number[];
  timer: NodeJS.Timeout | null;
  resolve: ((r: WakeReason) => void) | null;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

export interface Held {
  readonly promise: Promise<WakeReason>;
  /** Ends the wait now (e.g. changes were already pending when it began). */
  finish(r: WakeReason): void;
}

export class PushHub {
  private readonly accounts = new Map<number, { unsubscribe: () => void; waiters: Set<Waiter> }>();
  private readonly byKey = new Map<string, Waiter>();

  constructor(private readonly store: Store) {}

  /** Number of held requests (metrics, tests). */
  get size(): number { return this.byKey.size; }

  /**
   * Holds until one of `folders` changes, `timeoutMs` passes, the signal aborts or a newer hold
   * with the same key (device + kind) arrives.
   */
  hold(key: string, accountId: number, folders: readonly number[], timeoutMs: number, signal?: AbortSignal): Held {
    this.byKey.get(key)?.resolve?.({ kind: 'superseded' });
    const w: Waiter = { key, accountId, folders, timer: null, resolve: null, signal: signal ?? null, onAbort: null };
    const promise = new Promise<WakeReason>((resolve) => { w.resolve = resolve; });
    const inner = w.resolve!;
    // Wrap once so that every path cleans up exactly once.
    w.resolve = (r) => {
      if (!w.resolve) return;
      w.resolve = null;
      this.release(w);
      inner(r);
    };
    this.byKey.set(key, w);
    let acc = this.accounts.get(accountId);
    if (!acc) {
      const waiters = new Set<Waiter>();
      acc = { waiters, unsubscribe: this.store.subscribe(accountId, (e) => this.onChange(e)) };
      this.accounts.set(accountId, acc);
    }
    acc.waiters.add(w);
    w.timer = setTimeout(() => w.resolve?.({ kind: 'timeout' }), Math.max(0, timeoutMs));
    if (signal) {
      if (signal.aborted) w.resolve({ kind: 'aborted' });
      else {
        w.onAbort = () => w.resolve?.({ kind: 'aborted' });
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
    }
    return { promise, finish: (r) => w.resolve?.(r) };
  }

  private onChange(e: ChangeEvent): void {
    const acc = this.accounts.get(e.accountId);
    if (!acc || e.folderId === null) return;
    for (const w of [...acc.waiters]) {
      if (w.folders.includes(e.folderId)) w.resolve?.({ kind: 'changed', folders: [e.folderId] });
    }
  }

  private release(w: Waiter): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.signal = null;
    w.onAbort = null;
    if (this.byKey.get(w.key) === w) this.byKey.delete(w.key);
    const acc = this.accounts.get(w.accountId);
    if (acc) {
      acc.waiters.delete(w);
      if (acc.waiters.size === 0) {
        acc.unsubscribe();
        this.accounts.delete(w.accountId);
      }
    }
  }
}

const hubs = new WeakMap<Store, PushHub>();

/** The hub of a store: one per store (per process), so held requests of a device meet. */
export function pushHubFor(store: Store): PushHub {
  let hub = hubs.get(store);
  if (!hub) hubs.set(store, (hub = new PushHub(store)));
  return hub;
}

/** Resolves once the store delivers notifications (PostgreSQL's LISTEN connection is up). */
export async function notificationsReady(store: Store): Promise<void> {
  const ready = (store as { ready?: () => Promise<void> }).ready;
  if (typeof ready === 'function') await ready.call(store);
}
