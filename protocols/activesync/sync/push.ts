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
 *
 * A device's own writes (its Sync's client commands, its MoveItems) wake none of its held
 * requests: while such a command runs, change events meant for the device's waiters are held
 * back (`beginWrites`); when it ends (`endWrites`, after the sync states are saved), the events
 * of its own writes are dropped and the rest are delivered if the device really has something
 * pending in that folder (the Sync enumeration decides, so deletes and moves, whose modseqs the
 * command does not learn, count too). The modseqs it wrote are remembered for a while for events
 * that arrive late (PostgreSQL's LISTEN connection). Within one node: a Sync on another node
 * still wakes the device's Ping here.
 *
 * A held request watches the folders of several accounts when the device syncs folders shared
 * with it: it is subscribed to each owner's notifications (shared by every waiter of that owner).
 */
import type { ChangeEvent } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';

/**
 * A write as the hub knows it: modseqs are per account, and a device writes to other accounts'
 * folders too (shared folders with 'write'), so a modseq alone does not name a write.
 */
export const writeKey = (accountId: number, modseq: number): string => `${accountId}:${modseq}`;

export type WakeReason =
  | { kind: 'changed'; folders: number[] }
  | { kind: 'timeout' }
  | { kind: 'superseded' }
  | { kind: 'aborted' };

interface Waiter {
  key: string;
  /** The accounts whose notifications it needs: the user's, and the owners of shared folders. */
  accountIds: readonly number[];
  /** The device holding the request (its own writes do not wake it). */
  deviceId: number | null;
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

/** A device's commands writing right now, the events held back meanwhile, and its recent writes. */
interface DeviceWrites {
  open: number;
  /** folderId -> writeKeys of the events held back ('*' stands for "more than we keep"). */
  held: Map<number, Set<string>>;
  /** writeKeys of the device's own writes. */
  own: Set<string>;
}

const HELD_PER_FOLDER = 256;

/** How long the modseqs a device wrote are remembered (late notifications). */
const OWN_WRITES_MS = 30_000;

export class PushHub {
  private readonly accounts = new Map<number, { unsubscribe: () => void; waiters: Set<Waiter> }>();
  private readonly byKey = new Map<string, Waiter>();
  private readonly devices = new Map<number, DeviceWrites>();

  constructor(private readonly store: Store) {}

  /** Number of held requests (metrics, tests). */
  get size(): number { return this.byKey.size; }

  /**
   * Holds until one of `folders` changes, `timeoutMs` passes, the signal aborts or a newer hold
   * with the same key (device + kind) arrives.
   */
  hold(key: string, accountIds: number | readonly number[], folders: readonly number[], timeoutMs: number, signal?: AbortSignal, deviceId?: number): Held {
    this.byKey.get(key)?.resolve?.({ kind: 'superseded' });
    const ids = [...new Set(typeof accountIds === 'number' ? [accountIds] : accountIds)];
    const w: Waiter = { key, accountIds: ids, deviceId: deviceId ?? null, folders, timer: null, resolve: null, signal: signal ?? null, onAbort: null };
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
    for (const accountId of ids) {
      let acc = this.accounts.get(accountId);
      if (!acc) {
        const waiters = new Set<Waiter>();
        acc = { waiters, unsubscribe: this.store.subscribe(accountId, (e) => this.onChange(e)) };
        this.accounts.set(accountId, acc);
      }
      acc.waiters.add(w);
    }
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

  /**
   * The device starts a command that writes to the store: events for its held requests wait
   * until `endWrites`. Every call must be paired with one `endWrites`.
   */
  beginWrites(deviceId: number): void {
    let d = this.devices.get(deviceId);
    if (!d) this.devices.set(deviceId, (d = { open: 0, held: new Map(), own: new Set() }));
    d.open++;
  }

  /**
   * The command ended, its states saved: `wrote` are the writeKeys of its writes. Held-back events
   * of other writes reach the device's waiters for the folders `pending` confirms (on failure, all).
   */
  async endWrites(deviceId: number, wrote: Iterable<string>, pending: (folders: number[]) => Promise<number[]>): Promise<void> {
    const d = this.devices.get(deviceId);
    if (!d) return;
    const mine = [...wrote];
    for (const m of mine) d.own.add(m);
    if (mine.length) {
      setTimeout(() => {
        for (const m of mine) d.own.delete(m);
        if (d.open === 0 && d.own.size === 0 && d.held.size === 0 && this.devices.get(deviceId) === d) this.devices.delete(deviceId);
      }, OWN_WRITES_MS).unref();
    }
    d.open = Math.max(0, d.open - 1);
    if (d.open > 0) return;
    const folders = [...d.held].filter(([, ms]) => [...ms].some((m) => !d.own.has(m))).map(([f]) => f);
    d.held = new Map();
    if (d.own.size === 0) this.devices.delete(deviceId);
    if (folders.length === 0) return;
    let changed = folders;
    try { changed = await pending(folders); } catch { /* a spurious wake-up rather than a lost one */ }
    if (changed.length === 0) return;
    for (const w of [...this.byKey.values()]) {
      if (w.deviceId !== deviceId) continue;
      const mineChanged = changed.filter((f) => w.folders.includes(f));
      if (mineChanged.length) w.resolve?.({ kind: 'changed', folders: mineChanged });
    }
  }

  private onChange(e: ChangeEvent): void {
    const acc = this.accounts.get(e.accountId);
    if (!acc || e.folderId === null) return;
    for (const w of [...acc.waiters]) {
      if (!w.folders.includes(e.folderId)) continue;
      const d = w.deviceId === null ? undefined : this.devices.get(w.deviceId);
      const k = writeKey(e.accountId, e.modseq);
      if (d?.own.has(k)) continue;
      if (d && d.open > 0) {
        let ms = d.held.get(e.folderId);
        if (!ms) d.held.set(e.folderId, (ms = new Set()));
        ms.add(ms.size < HELD_PER_FOLDER ? k : '*');
        continue;
      }
      w.resolve?.({ kind: 'changed', folders: [e.folderId] });
    }
  }

  private release(w: Waiter): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.signal = null;
    w.onAbort = null;
    if (this.byKey.get(w.key) === w) this.byKey.delete(w.key);
    for (const accountId of w.accountIds) {
      const acc = this.accounts.get(accountId);
      if (!acc) continue;
      acc.waiters.delete(w);
      if (acc.waiters.size === 0) {
        acc.unsubscribe();
        this.accounts.delete(accountId);
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
