/**
 * The item sync state of one (device, collection), stored with putSyncState under the folder's
 * ServerId (so that FolderDelete's deleteSyncStates(device, serverId) drops it), and the
 * per-device cache of the last Sync request (14.0+ empty and Partial requests, [MS-ASCMD] 2.2.3.125.6,
 * 2.2.3.129) and of the last Ping's parameters.
 *
 * What the device holds is described by: `modseq` (every store change of the folder up to it is
 * reflected on the device), `have` (the ids of the items on the device, range-encoded), `echo`
 * (items the device itself wrote after `modseq`, with the modseq of its write: not sent back).
 * Windowed syncs (MoreAvailable) advance `modseq` to where the window was cut; no list of
 * pending items is kept.
 */
import type { CommandContext } from '../commands/types.js';
import type { ClassName } from './classes.js';
import { IdSet } from './ids.js';

export interface BodyPreference {
  type: number;
  truncationSize?: number;
  /** [MS-ASAIRS] 2.2.2.3 AllOrNone: a body over TruncationSize is not sent at all. */
  allOrNone?: boolean;
  /** [MS-ASAIRS] 2.2.2.38 Preview: characters of plain-text preview (email, 14.0+). */
  preview?: number;
}

/** Options of a collection, cached so that a later request without Options keeps them. */
export interface CollectionOptions {
  filterType: number;
  /** [MS-ASCMD] 2.2.3.34 Conflict: 0 client wins, 1 server wins (default). */
  conflict: 0 | 1;
  bodyPreference?: BodyPreference;
  /** Every BodyPreference in the client's order (email chooses among them, MIME included). */
  bodyPreferences?: BodyPreference[];
  /** [MS-ASCMD] 2.2.3.100.3 MIMESupport: 0 never, 1 S/MIME messages only, 2 always. */
  mimeSupport?: number;
  windowSize: number;
  deletesAsMoves: boolean;
}

/** Results of the client commands of the request that produced a state: replayed on a retry. */
export interface Applied {
  /** ClientId -> [ServerId or '' on failure, Status]. */
  adds: Record<string, [string, number]>;
  /** 'C:'/'D:' + ServerId -> Status, for Change and Delete. */
  ops: Record<string, number>;
  /** itemId -> modseq of every write the request made (echo suppression on replay). */
  writes: Record<string, number>;
}

export interface CollectionState {
  v: 1;
  cls: ClassName;
  folderId: number;
  modseq: number;
  have: string;
  echo: Record<string, number>;
  /** After a FilterType change: items up to this modseq are re-examined, not re-sent. */
  rescanBelow?: number;
  /** Calendar FilterType windows: items ending before this instant were checked for aging out. */
  agedTo?: number;
  /**
   * [MS-ASCMD] 2.2.3.179 Supported of the initial Sync (element local names); absent when the
   * client sent none. Elements of the class not listed are ghosted.
   */
  supported?: string[];
  opts: CollectionOptions;
  /** The client key whose request produced this state. */
  answered: string;
  applied: Applied;
}

export const emptyApplied = (): Applied => ({ adds: {}, ops: {}, writes: {} });

export function asCollectionState(s: unknown): CollectionState | null {
  const c = s as CollectionState | null;
  if (!c || typeof c !== 'object' || c.v !== 1 || typeof c.modseq !== 'number' || typeof c.have !== 'string' ||
      typeof c.answered !== 'string' || !c.opts || !c.applied || typeof c.echo !== 'object') return null;
  try { IdSet.parse(c.have); } catch { return null; }
  return c;
}

/** The collection name of a folder's item sync state. */
export const collectionKey = (folderId: number): string => String(folderId);

/** Device-wide entries in the sync state table. */
export const SYNC_REQUEST_CACHE = 'sync-request';
export const PING_CACHE = 'ping';

/** What an empty or Partial Sync repeats ([MS-ASCMD] 2.2.3.129 Partial, 3.1.5.3). */
export interface SyncRequestCache {
  v: 1;
  collections: string[];
  wait?: number;
  heartbeat?: number;
  windowSize?: number;
}

export interface PingCache {
  v: 1;
  heartbeat: number;
  folders: string[];
}

export async function loadCache<T extends { v: 1 }>(ctx: CommandContext, name: string): Promise<T | null> {
  const s = await ctx.store.getSyncState(ctx.device.id, name);
  const v = s?.state as T | null | undefined;
  return v && typeof v === 'object' && v.v === 1 ? v : null;
}

/** Writes the cache only when it changed (one small write, not one per request). */
export async function saveCache<T extends { v: 1 }>(ctx: CommandContext, name: string, value: T, old: T | null): Promise<void> {
  if (old && JSON.stringify(old) === JSON.stringify(value)) return;
  await ctx.store.putSyncState(ctx.device.id, name, '1', value);
}
