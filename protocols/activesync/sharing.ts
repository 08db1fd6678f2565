/**
 * Shared and delegated folders: calendars, address books, task and note folders another account
 * of the same domain granted to the user (directly or through a group), shown to the device as
 * user-created folders at the top of its hierarchy and synced like its own.
 *
 * One rule decides access everywhere (FolderSync, Sync, GetItemEstimate, Ping, MoveItems), the
 * same as DAV's: the owner always; anyone else only inside the owner's domain, through an
 * accepted grant of 'read' or 'write' on the folder or on all of the owner's PIM folders
 * (folderId null), given to the user or to a group the user belongs to. 'freebusy' grants do
 * not show folders. A grant row that crosses domains is ignored (DESIGN "Multi-tenancy").
 */
import type { Account, Folder, FolderKind, Grant } from '../../src/model/types.js';
import type { CommandContext } from './commands/types.js';
import { easFolderType, type FolderEntry, FolderType, visibleHierarchy } from './folders.js';
import { asHierarchyState } from './hierarchy.js';
import { HIERARCHY } from './state.js';

export type FolderAccess = 'owner' | 'write' | 'read' | 'none';

/** Kinds a grant can share with a phone (mail and files are never shared this way). */
const SHARED_TYPES: Partial<Record<FolderKind, number>> = {
  calendar: FolderType.UserCalendar, contacts: FolderType.UserContacts, tasks: FolderType.UserTasks, notes: FolderType.UserNotes,
};

const rightsOf = (g: Grant): 'read' | 'write' | null =>
  g.status !== 'accepted' ? null : g.rights === 'write' ? 'write' : g.rights === 'read' ? 'read' : null;

const better = (a: FolderAccess, b: 'read' | 'write'): FolderAccess => (a === 'write' || b === 'write' ? 'write' : 'read');

/** The user's principals: the account and the groups it belongs to. */
async function principals(ctx: CommandContext, account: Account): Promise<Set<number>> {
  return new Set([account.id, ...(await ctx.store.listGroupsOf(account.id)).map((g) => g.id)]);
}

/** An owner whose folders the user may be shown: same domain, enabled. */
function sameTenant(owner: Account | null, account: Account): owner is Account {
  return owner !== null && owner.id !== account.id && owner.domainId === account.domainId && !owner.disabled;
}

/**
 * The account's access to a folder: 'owner', the best accepted 'write'/'read' grant, else 'none'.
 * Says nothing about whether the folder is shown (callers check easFolderType for their own).
 */
export async function accessToFolder(ctx: CommandContext, account: Account, folder: Folder): Promise<FolderAccess> {
  if (folder.accountId === account.id) return 'owner';
  if (SHARED_TYPES[folder.kind] === undefined || easFolderType(folder) === null) return 'none';
  const owner = await ctx.store.getAccount(folder.accountId);
  if (!sameTenant(owner, account)) return 'none';
  const me = await principals(ctx, account);
  let best: FolderAccess = 'none';
  for (const g of await ctx.store.listGrantsByOwner(owner.id)) {
    const r = rightsOf(g);
    if (!r || !me.has(g.granteeId) || (g.folderId !== null && g.folderId !== folder.id)) continue;
    best = better(best, r);
  }
  return best;
}

export interface SharedFolder {
  folder: Folder;
  owner: Account;
  access: 'read' | 'write';
}

/** Every folder granted to the account (or its groups) that a phone can show, by folder id. */
export async function sharedFolders(ctx: CommandContext, account: Account): Promise<SharedFolder[]> {
  const byOwner = new Map<number, Grant[]>();
  for (const p of await principals(ctx, account)) {
    for (const g of await ctx.store.listGrantsForGrantee(p)) {
      if (!rightsOf(g) || g.ownerId === account.id) continue;
      let list = byOwner.get(g.ownerId);
      if (!list) byOwner.set(g.ownerId, (list = []));
      list.push(g);
    }
  }
  const out: SharedFolder[] = [];
  for (const [ownerId, grants] of byOwner) {
    const owner = await ctx.store.getAccount(ownerId);
    if (!sameTenant(owner, account)) continue;
    const folders = await ctx.store.listFolders(owner.id);
    const shown = visibleHierarchy(folders);
    for (const f of folders) {
      if (SHARED_TYPES[f.kind] === undefined || !shown.has(String(f.id))) continue;
      let access: FolderAccess = 'none';
      for (const g of grants) if (g.folderId === null || g.folderId === f.id) access = better(access, rightsOf(g)!);
      if (access === 'read' || access === 'write') out.push({ folder: f, owner, access });
    }
  }
  return out.sort((a, b) => a.folder.id - b.folder.id);
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
