/**
 * The folder hierarchy sync state of one device, shared by FolderSync, FolderCreate,
 * FolderUpdate and FolderDelete ([MS-ASCMD] 2.2.1.3-2.2.1.6): what the device was told
 * (ServerId -> parent, name, type), up to which account modseq, and the last answer (for retries).
 */
import type { CommandContext } from './commands/types.js';
import type { FolderEntry } from './folders.js';
import { HIERARCHY, nextSyncKey, type KeyMatch, matchSyncKey } from './state.js';

export type FolderChange =
  | { op: 'Add' | 'Update'; id: string; entry: FolderEntry }
  | { op: 'Delete'; id: string };

export interface HierarchyState {
  v: 1;
  /** Account modseq up to which folder changes were looked at. */
  modseq: number;
  folders: Record<string, FolderEntry>;
  /**
   * ServerIds in `folders` that are other accounts' folders shared with the user (sharing.ts).
   * Grants do not move the user's modseq, so FolderSync compares these with the grants each time.
   */
  shared?: string[];
  /** The client key whose request produced this state ('0' for a full sync). */
  answered: string;
  /** The changes sent with this state's key: replayed when the client retries `answered`. */
  reply: FolderChange[];
}

export function asHierarchyState(s: unknown): HierarchyState | null {
  const h = s as HierarchyState | null;
  if (!h || typeof h !== 'object' || h.v !== 1 || typeof h.answered !== 'string' || typeof h.folders !== 'object' || !Array.isArray(h.reply)) return null;
  return h;
}

export function matchHierarchyKey(ctx: CommandContext, key: string | undefined): Promise<KeyMatch> {
  return matchSyncKey(ctx.store, ctx.device.id, HIERARCHY, key);
}

/**
 * For FolderCreate/Update/Delete: the client's key must be the current one. Returns the current
 * state, or null (answer Status 9, the client then runs FolderSync from 0).
 */
export async function currentHierarchy(ctx: CommandContext, key: string | undefined): Promise<{ key: string; state: HierarchyState } | null> {
  const m = await matchHierarchyKey(ctx, key);
  if (m.kind !== 'current') return null;
  const state = asHierarchyState(m.state.state);
  return state ? { key: m.state.syncKey, state } : null;
}

/** Saves the state under a new key (the old one becomes `previous`) and returns the key. */
export async function saveHierarchy(ctx: CommandContext, oldKey: string | null | undefined, state: HierarchyState): Promise<string> {
  const key = nextSyncKey(oldKey);
  await ctx.store.putSyncState(ctx.device.id, HIERARCHY, key, state);
  return key;
}
