/**
 * Shared and delegated folders: calendars, address books, task and note folders another account
 * of the same domain granted to the user (directly or through a group), shown to the device as
 * user-created folders at the top of its hierarchy and synced like its own.
 *
 * Who may see which folder is the core's one rule (src/auth/folder-access.ts), the same DAV and
 * IMAP use; this file only adds what a phone can show: the four PIM classes, in folders the
 * owner's own hierarchy shows. A phone has no free-busy-only view of a folder, so a 'freebusy'
 * grant shows nothing here.
 */
import type { Account, Folder, FolderKind } from '../../src/model/types.js';
import { folderAccess, sharedFolders as readableShared, type SharedFolder } from '../../src/auth/folder-access.js';
import type { CommandContext } from './commands/types.js';
import { easFolderType, type FolderEntry, FolderType, visibleHierarchy } from './folders.js';
import { asHierarchyState } from './hierarchy.js';
import { HIERARCHY } from './state.js';

/** What a phone can do in a folder (a free-busy grant is 'none' to a phone). */
export type FolderAccess = 'owner' | 'write' | 'read' | 'none';
export type { SharedFolder };

/** Kinds a grant can share with a phone (mail and files are never shared this way). */
const SHARED_TYPES: Partial<Record<FolderKind, number>> = {
  calendar: FolderType.UserCalendar, contacts: FolderType.UserContacts, tasks: FolderType.UserTasks, notes: FolderType.UserNotes,
};

/**
 * The account's access to a folder as a phone may use it: 'owner', 'write', 'read', else 'none'.
 * Says nothing about whether the folder is shown (callers check easFolderType for their own).
 */
export async function accessToFolder(ctx: CommandContext, account: Account, folder: Folder): Promise<FolderAccess> {
  if (folder.accountId === account.id) return 'owner';
  if (SHARED_TYPES[folder.kind] === undefined || easFolderType(folder) === null) return 'none';
  const access = await folderAccess(ctx.store, account, folder);
  return access === 'freebusy' ? 'none' : access;
}

/** Every folder shared with the account that a phone can show, by folder id. */
export async function sharedFolders(ctx: CommandContext, account: Account): Promise<SharedFolder[]> {
  const all = await readableShared(ctx.store, account);
  const shownByOwner = new Map<number, ReturnType<typeof visibleHierarchy>>();
  const out: SharedFolder[] = [];
  for (const s of all) {
    if (SHARED_TYPES[s.folder.kind] === undefined) continue;
    let shown = shownByOwner.get(s.owner.id);
    if (!shown) shownByOwner.set(s.owner.id, (shown = visibleHierarchy(await ctx.store.listFolders(s.owner.id))));
    if (shown.has(String(s.folder.id))) out.push(s);
  }
  return out;
}

/**
 * Hierarchy entries for shared folders: top level (ParentId 0), the user type of their class,
 * named "Folder (Owner Name)", made unique among the top-level names the device already has
 * (`taken`, the user's own top-level folders) by a counter: "Calendar (Boss) 2".
 */
export function sharedEntries(shared: SharedFolder[], taken: Iterable<string>): Map<string, FolderEntry> {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  const out = new Map<string, FolderEntry>();
  for (const s of shared) {
    const base = `${s.folder.name} (${s.owner.displayName?.trim() || s.owner.email})`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} ${n}`;
    used.add(name.toLowerCase());
    out.set(String(s.folder.id), { parentId: '0', name, type: SHARED_TYPES[s.folder.kind]! });
  }
  return out;
}

/**
 * Whether the folders shared with the user now differ from those the device's hierarchy holds
 * (a grant gained or lost since its last FolderSync): a held Ping then answers Status 7 so that
 * the device runs FolderSync ([MS-ASCMD] 2.2.3.177.11). False before the device's first FolderSync.
 */
export async function sharedHierarchyChanged(ctx: CommandContext): Promise<boolean> {
  const s = await ctx.store.getSyncState(ctx.device.id, HIERARCHY);
  const known = s ? asHierarchyState(s.state) : null;
  if (!known) return false;
  const was = new Set(known.shared ?? []);
  const now = (await sharedFolders(ctx, ctx.account)).map((f) => String(f.folder.id));
  return now.length !== was.size || now.some((id) => !was.has(id));
}
