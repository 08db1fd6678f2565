/**
 * Sync keys and per-(device, collection) state, shared by FolderSync and (later) Sync.
 *
 * Keys are decimal counters that only grow for a (device, collection), even across a reset to
 * '0', so that a key from before a reset never matches again. The store keeps the current and
 * the previous state: a client that never got our answer retries its old key and must get the
 * same answer again ([MS-ASCMD] 2.2.3.166.1 for FolderSync, 2.2.3.166.4 for Sync).
 */
import type { Store } from '../../src/store/store.js';
import type { SyncState } from '../../src/model/types.js';

export const INITIAL_SYNC_KEY = '0';

/** The key after `current` (a counter; anything unparsable restarts at 1). */
export function nextSyncKey(current: string | null | undefined): string {
  const n = current && /^[0-9]{1,15}$/.test(current) ? Number(current) : 0;
  return String(n + 1);
}

export type KeyMatch =
  | { kind: 'initial'; state: SyncState | null }
  | { kind: 'current'; state: SyncState }
  | { kind: 'previous'; state: SyncState }
  | { kind: 'invalid'; state: SyncState | null };

/** Tells what the client's key refers to: a fresh start, the current state, a retry, or nothing. */
export async function matchSyncKey(store: Store, deviceDbId: number, collection: string, clientKey: string | undefined): Promise<KeyMatch> {
  const state = await store.getSyncState(deviceDbId, collection);
  if (clientKey === INITIAL_SYNC_KEY) return { kind: 'initial', state };
  if (!clientKey || !state) return { kind: 'invalid', state };
  if (clientKey === state.syncKey) return { kind: 'current', state };
  if (state.previousKey !== null && clientKey === state.previousKey) return { kind: 'previous', state };
  return { kind: 'invalid', state };
}

/** The collection name of the folder hierarchy in the sync state table. */
export const HIERARCHY = 'hierarchy';
