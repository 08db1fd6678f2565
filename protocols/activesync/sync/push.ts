/**
 * Held requests (Ping, hanging Sync) waiting for the store's change notifications and signals.
 *
 * One store subscription per account with held requests (not one per request), shared by every
 * device of the account; a held request is a small record (its folder ids, one timer, the resolve
 * function, and two callbacks over the command's context, which the waiting command keeps alive
 * anyway) and keeps nothing of the HTTP request itself. No polling: a waiter is woken by
 * store.subscribe, which crosses nodes on PostgreSQL (LISTEN/NOTIFY), or by its one timer.
 *
 * Signals (Store.signal, delivered to the account's subscribers on every node) carry what is not a
 * data change; the hub sends and reads these, all about the user's account and its device:
 *
 * - `device:ping:<DeviceId>:<kind>.<node>.<n>`: a newer request of the device (kind `ping` or
 *   `sync`) started on node `<node>`; an older one of the same kind held on any other node ends
 *   as superseded ([MS-ASCMD] 3.1.5.2.1: answered as if its heartbeat had expired). On the node
 *   that sent it, `hold()` has already ended the older one; a node ignores its own signals.
 *   A bare `device:ping:<DeviceId>` (no suffix) ends the device's held requests of both kinds.
 * - `device:writes:<DeviceId>:<node>.<n>.begin|end`: a command of the device (Sync with client
 *   commands, MoveItems) writes on `<node>`, see below.
 * - `device:wipe:<DeviceId>`, `device:access:<DeviceId>` (src/admin/devices.ts): the device's held
 *   requests end at once so that its next request meets the wipe or block in request.ts.
 * - `grants` (src/admin/delegation.ts): the account gained or lost a grant; a held request whose
 *   device's hierarchy no longer matches the shared folders ends (Ping Status 7, Sync Status 12).
 *
 * A device's own writes wake none of its held requests, on any node: while such a command runs,
 * change events meant for the device's waiters are held back (`beginWrites`, which also signals
 * `begin` to the other nodes); when it ends (`endWrites`, after the sync states are saved, which
 * signals `end`), the events of its own writes are dropped and the rest are delivered if the device
 * really has something pending in that folder (the Sync enumeration decides, so deletes and moves,
 * whose modseqs the command does not learn, count too). On the writing node the modseqs it wrote
 * are also remembered for a while for events that arrive late (its own LISTEN connection). Another
 * node needs no list of modseqs: PostgreSQL delivers the notifications of one channel in commit
 * order, so it sees `begin`, then the command's writes, then `end`, and holds back everything in
 * between; the pending check after `end` reads the saved sync states, in which the device's own
 * writes are not pending. A `begin` whose `end` never comes (the node died) lapses after
 * REMOTE_WRITES_MS.
 *
 * A held request watches the folders of several accounts when the device syncs folders shared
 * with it: it is subscribed to each owner's notifications (shared by every waiter of that owner).
 */
import { randomBytes } from 'node:crypto';
import type { ChangeEvent, Device } from '../../../src/model/types.js';
import type { Store } from '../../../src/store/store.js';
import { GRANTS_SIGNAL, deviceSignal } from '../../../src/model/signals.js';
import { hasNotificationReadiness } from '../../../src/store/capabilities.js';

/**
 * A write as the hub knows it: modseqs are per account, and a device writes to other accounts'
 * folders too (shared folders with 'write'), so a modseq alone does not name a write.
 */
export const writeKey = (accountId: number, modseq: number): string => `${accountId}:${modseq}`;

export type WakeReason =
  | { kind: 'changed'; folders: number[] }
  | { kind: 'timeout' }
  | { kind: 'superseded' }
  | { kind: 'aborted' }
  /** A wipe was requested or the device's access changed: its next request learns which. */
  | { kind: 'device' }
  /** The shared folders of the account no longer match the device's hierarchy. */
  | { kind: 'hierarchy' };

/** The device as the hub names it: the account and the client's DeviceId (signals use both). */
export type DeviceRef = Pick<Device, 'accountId' | 'deviceId'>;

export interface HoldOptions {
  /** One held request per device and kind: a newer one ends the older, on every node. */
  kind: 'ping' | 'sync';
  device: DeviceRef;
  /** The accounts whose notifications it needs: the user's, and the owners of shared folders. */
  accountIds: readonly number[];
  folders: readonly number[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** The folders among these with changes pending for the device (Sync enumeration). */
  pending: (folders: number[]) => Promise<number[]>;
  /** Whether the shared folders differ from the device's hierarchy (asked on a `grants` signal). */
  hierarchyChanged?: () => Promise<boolean>;
}

interface Waiter {
  key: string;
  /** deviceKey() of the device holding the request. */
  device: string;
  accountId: number;
  kind: 'ping' | 'sync';
  accountIds: readonly number[];
  folders: readonly number[];
  timer: NodeJS.Timeout | null;
  resolve: ((r: WakeReason) => void) | null;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
  pending: (folders: number[]) => Promise<number[]>;
  hierarchyChanged: (() => Promise<boolean>) | null;
}

export interface Held {
  readonly promise: Promise<WakeReason>;
  /** Ends the wait now (e.g. changes were already pending when it began). */
  finish(r: WakeReason): void;
}

/** A device's commands writing right now (here and on other nodes), the events held back meanwhile, and its recent writes. */
interface DeviceWrites {
  open: number;
  /** Other nodes' writing commands: signal token -> lapse timer. */
  remote: Map<string, NodeJS.Timeout>;
  /** folderId -> writeKeys of the events held back ('*' stands for "more than we keep"). */
  held: Map<number, Set<string>>;
  /** writeKeys of the device's own writes on this node. */
  own: Set<string>;
}

const HELD_PER_FOLDER = 256;

/** How long the modseqs a device wrote are remembered (late notifications). */
const OWN_WRITES_MS = 30_000;

/** How long another node's `begin` holds events back without its `end` (that node died). */
export const REMOTE_WRITES_MS = 120_000;

const deviceKey = (d: DeviceRef): string => `${d.accountId}:${d.deviceId}`;
const busy = (d: DeviceWrites): boolean => d.open > 0 || d.remote.size > 0;

const PING_PREFIX = 'device:ping:';
const WRITES_PREFIX = 'device:writes:';
const WIPE_PREFIX = 'device:wipe:';
const ACCESS_PREFIX = 'device:access:';
const PING_SUFFIX = /^(ping|sync)\.([A-Za-z0-9_-]+)\.[0-9]+$/;
const WRITES_SUFFIX = /^([A-Za-z0-9_-]+)\.[0-9]+\.(begin|end)$/;

/** `<DeviceId>:<suffix>` split at the last colon (a DeviceId may hold colons; the suffix never does). */
function splitLast(rest: string): [string, string] | null {
  const i = rest.lastIndexOf(':');
  return i > 0 ? [rest.slice(0, i), rest.slice(i + 1)] : null;
}

export class PushHub {
  private readonly accounts = new Map<number, { unsubscribe: () => void; waiters: Set<Waiter> }>();
  private readonly byKey = new Map<string, Waiter>();
  private readonly devices = new Map<string, DeviceWrites>();
  /** This hub's name in its signals, so that it ignores its own. */
  private readonly node = randomBytes(6).toString('base64url');
  private seq = 0;

  constructor(private readonly store: Store) {}

  /** Number of held requests (metrics, tests). */
  get size(): number { return this.byKey.size; }

  /**
   * Holds until one of `folders` changes, `timeoutMs` passes, the signal aborts, a newer hold of
   * the same device and kind arrives (on any node), or a signal about the device or its grants.
   */
  hold(o: HoldOptions): Held {
    const device = deviceKey(o.device);
    const key = `${o.kind}:${device}`;
    this.byKey.get(key)?.resolve?.({ kind: 'superseded' });
    const ids = [...new Set([o.device.accountId, ...o.accountIds])];
    const w: Waiter = {
      key, device, accountId: o.device.accountId, kind: o.kind, accountIds: ids, folders: o.folders, timer: null, resolve: null,
      signal: o.signal ?? null, onAbort: null, pending: o.pending, hierarchyChanged: o.hierarchyChanged ?? null,
    };
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
        acc = { waiters, unsubscribe: this.store.subscribe(accountId, (e) => this.onEvent(e)) };
        this.accounts.set(accountId, acc);
      }
      acc.waiters.add(w);
    }
    w.timer = setTimeout(() => w.resolve?.({ kind: 'timeout' }), Math.max(0, o.timeoutMs));
    if (o.signal) {
      if (o.signal.aborted) w.resolve({ kind: 'aborted' });
      else {
        w.onAbort = () => w.resolve?.({ kind: 'aborted' });
        o.signal.addEventListener('abort', w.onAbort, { once: true });
      }
    }
    // The older request of the device may be held on another node: end it there.
    const announce = `${deviceSignal(o.device.deviceId, 'ping')}:${o.kind}.${this.node}.${++this.seq}`;
    this.store.signal(o.device.accountId, announce).catch(() => { /* it ends at its heartbeat instead */ });
    return { promise, finish: (r) => w.resolve?.(r) };
  }

  /**
   * The device starts a command that writes to the store: events for its held requests wait
   * until `endWrites`, on this node and (signalled before it returns) on the others. Every call
   * must be paired with one `endWrites` with the token returned.
   */
  async beginWrites(device: DeviceRef): Promise<string> {
    const dk = deviceKey(device);
    let d = this.devices.get(dk);
    if (!d) this.devices.set(dk, (d = { open: 0, remote: new Map(), held: new Map(), own: new Set() }));
    d.open++;
    const token = `${this.node}.${++this.seq}`;
    try {
      await this.store.signal(device.accountId, `${WRITES_PREFIX}${device.deviceId}:${token}.begin`);
    } catch { /* the other nodes may wake the device's Ping for its own writes: spurious, not lost */ }
    return token;
  }

  /**
   * The command ended, its states saved: `wrote` are the writeKeys of its writes. Held-back events
   * of other writes reach the device's waiters for the folders `pending` confirms (on failure, all).
   */
  async endWrites(device: DeviceRef, token: string, wrote: Iterable<string>, pending: (folders: number[]) => Promise<number[]>): Promise<void> {
    const dk = deviceKey(device);
    try {
      await this.store.signal(device.accountId, `${WRITES_PREFIX}${device.deviceId}:${token}.end`);
    } catch { /* the other nodes release after REMOTE_WRITES_MS */ }
    const d = this.devices.get(dk);
    if (!d) return;
    const mine = [...wrote];
    for (const m of mine) d.own.add(m);
    if (mine.length) {
      setTimeout(() => {
        for (const m of mine) d.own.delete(m);
        if (!busy(d) && d.own.size === 0 && d.held.size === 0 && this.devices.get(dk) === d) this.devices.delete(dk);
      }, OWN_WRITES_MS).unref();
    }
    d.open = Math.max(0, d.open - 1);
    await this.flush(dk, d, pending);
  }

  /** Once no command of the device writes anywhere: the held-back events that are not its own. */
  private async flush(dk: string, d: DeviceWrites, pending: ((folders: number[]) => Promise<number[]>) | null): Promise<void> {
    if (busy(d)) return;
    const folders = [...d.held].filter(([, ms]) => [...ms].some((m) => !d.own.has(m))).map(([f]) => f);
    d.held = new Map();
    if (d.own.size === 0 && this.devices.get(dk) === d) this.devices.delete(dk);
    if (folders.length === 0) return;
    const waiters = [...this.byKey.values()].filter((w) => w.device === dk);
    if (pending) {
      let changed = folders;
      try { changed = await pending(folders); } catch { /* a spurious wake-up rather than a lost one */ }
      for (const w of waiters) {
        const mineChanged = changed.filter((f) => w.folders.includes(f));
        if (mineChanged.length) w.resolve?.({ kind: 'changed', folders: mineChanged });
      }
      return;
    }
    // Another node's command: each waiter asks for its own folders (its own context).
    await Promise.all(waiters.map(async (w) => {
      let changed = folders.filter((f) => w.folders.includes(f));
      if (changed.length === 0) return;
      try { changed = await w.pending(changed); } catch { /* spurious rather than lost */ }
      if (changed.length) w.resolve?.({ kind: 'changed', folders: changed });
    }));
  }

  private onEvent(e: ChangeEvent): void {
    if (e.signal !== undefined) this.onSignal(e.accountId, e.signal);
    else if (e.folderId !== null) this.onChange(e.accountId, e.folderId, e.modseq);
  }

  private onChange(accountId: number, folderId: number, modseq: number): void {
    const acc = this.accounts.get(accountId);
    if (!acc) return;
    for (const w of [...acc.waiters]) {
      if (!w.folders.includes(folderId)) continue;
      const d = this.devices.get(w.device);
      const k = writeKey(accountId, modseq);
      if (d?.own.has(k)) continue;
      if (d && busy(d)) {
        let ms = d.held.get(folderId);
        if (!ms) d.held.set(folderId, (ms = new Set()));
        ms.add(ms.size < HELD_PER_FOLDER ? k : '*');
        continue;
      }
      w.resolve?.({ kind: 'changed', folders: [folderId] });
    }
  }

  /** The user's own account's waiters (not delegates listening to it as an owner) of one device, or all. */
  private waitersOf(accountId: number, deviceId?: string): Waiter[] {
    const acc = this.accounts.get(accountId);
    if (!acc) return [];
    const dk = deviceId === undefined ? null : deviceKey({ accountId, deviceId });
    return [...acc.waiters].filter((w) => w.accountId === accountId && (dk === null || w.device === dk));
  }

  private onSignal(accountId: number, signal: string): void {
    if (signal === GRANTS_SIGNAL) {
      for (const w of this.waitersOf(accountId)) {
        if (!w.hierarchyChanged) continue;
        const check = w.hierarchyChanged;
        // A spurious FolderSync rather than a missed one when the check fails.
        void check().catch(() => true).then((changed) => { if (changed) w.resolve?.({ kind: 'hierarchy' }); });
      }
    } else if (signal.startsWith(WIPE_PREFIX) || signal.startsWith(ACCESS_PREFIX)) {
      const deviceId = signal.slice(signal.indexOf(':', 'device:'.length) + 1);
      for (const w of this.waitersOf(accountId, deviceId)) w.resolve?.({ kind: 'device' });
    } else if (signal.startsWith(PING_PREFIX)) {
      const rest = signal.slice(PING_PREFIX.length);
      const parts = splitLast(rest);
      const m = parts && PING_SUFFIX.exec(parts[1]);
      if (m && m[2] === this.node) return;
      const [deviceId, kind] = m ? [parts![0], m[1]] : [rest, null];
      for (const w of this.waitersOf(accountId, deviceId)) if (kind === null || w.kind === kind) w.resolve?.({ kind: 'superseded' });
    } else if (signal.startsWith(WRITES_PREFIX)) {
      const parts = splitLast(signal.slice(WRITES_PREFIX.length));
      const m = parts && WRITES_SUFFIX.exec(parts[1]);
      if (!m || m[1] === this.node) return;
      this.remoteWrites(deviceKey({ accountId, deviceId: parts![0] }), parts![1].slice(0, -(m[2].length + 1)), m[2] === 'begin');
    }
  }

  /** Another node's command of the device begins or ends writing. */
  private remoteWrites(dk: string, token: string, begin: boolean): void {
    let d = this.devices.get(dk);
    if (begin) {
      if (!d) this.devices.set(dk, (d = { open: 0, remote: new Map(), held: new Map(), own: new Set() }));
      const dd = d;
      clearTimeout(dd.remote.get(token));
      dd.remote.set(token, setTimeout(() => { dd.remote.delete(token); void this.flush(dk, dd, null); }, REMOTE_WRITES_MS).unref());
      return;
    }
    const timer = d?.remote.get(token);
    if (!d || !timer) return;
    clearTimeout(timer);
    d.remote.delete(token);
    void this.flush(dk, d, null);
  }

  /**
   * No longer subscribed to the account: other nodes' `end` signals would not arrive, so their
   * `begin`s stop holding anything back (a later Ping may then be woken by the device's own
   * write on that node: spurious, never lost).
   */
  private forgetRemote(accountId: number): void {
    const prefix = `${accountId}:`;
    for (const [dk, d] of this.devices) {
      if (!dk.startsWith(prefix) || d.remote.size === 0) continue;
      for (const t of d.remote.values()) clearTimeout(t);
      d.remote.clear();
      if (!busy(d)) d.held = new Map();
      if (!busy(d) && d.own.size === 0) this.devices.delete(dk);
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
        this.forgetRemote(accountId);
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
  if (hasNotificationReadiness(store)) await store.ready();
}
