/**
 * Store folders as the FolderHierarchy sees them ([MS-ASCMD] 2.2.3.186.3 Type).
 * ServerIds are the store folder ids as decimal strings; '0' is the root.
 */
import type { Folder, FolderKind, FolderRole } from '../../src/model/types.js';

/** [MS-ASCMD] 2.2.3.186.3 folder types. */
export const FolderType = {
  UserGeneric: 1, Inbox: 2, Drafts: 3, DeletedItems: 4, SentItems: 5, Outbox: 6, Tasks: 7,
  Calendar: 8, Contacts: 9, Notes: 10, Journal: 11, UserMail: 12, UserCalendar: 13,
  UserContacts: 14, UserTasks: 15, UserJournal: 16, UserNotes: 17, Unknown: 18, RecipientInfoCache: 19,
} as const;

const ROLE_TYPES: Partial<Record<FolderRole, number>> = {
  inbox: FolderType.Inbox, drafts: FolderType.Drafts, trash: FolderType.DeletedItems, sent: FolderType.SentItems,
  outbox: FolderType.Outbox, tasks: FolderType.Tasks, calendar: FolderType.Calendar,
  contacts: FolderType.Contacts, notes: FolderType.Notes,
  // Junk has no EAS default type: it is shown as a user-created mail folder.
  junk: FolderType.UserMail,
};

const KIND_TYPES: Record<Exclude<FolderKind, 'files'>, number> = {
  mail: FolderType.UserMail, calendar: FolderType.UserCalendar, contacts: FolderType.UserContacts,
  tasks: FolderType.UserTasks, notes: FolderType.UserNotes,
};

const HIDDEN_ROLES: ReadonlySet<FolderRole> = new Set(['files', 'schedule-inbox', 'schedule-outbox']);

/** The EAS type of a store folder, or null when the folder is not shown to ActiveSync. */
export function easFolderType(f: Pick<Folder, 'kind' | 'role'>): number | null {
  if (f.kind === 'files') return null;
  if (f.role && HIDDEN_ROLES.has(f.role)) return null;
  if (f.role) {
    const t = ROLE_TYPES[f.role];
    if (t !== undefined) return t;
  }
  return KIND_TYPES[f.kind];
}

/** Types that are default (special) folders: they cannot be created, renamed or deleted. */
export function isDefaultType(t: number): boolean {
  return t >= FolderType.Inbox && t <= FolderType.Journal;
}

/** The store kind for a FolderCreate Type, or null when it cannot be created. */
export function kindForCreateType(t: number): FolderKind | null {
  switch (t) {
    case FolderType.UserGeneric:
    case FolderType.UserMail: return 'mail';
    case FolderType.UserCalendar: return 'calendar';
    case FolderType.UserContacts: return 'contacts';
    case FolderType.UserTasks: return 'tasks';
    case FolderType.UserNotes: return 'notes';
    default: return null;
  }
}

/** What the device was told about a folder: kept in the hierarchy sync state. */
export interface FolderEntry {
  parentId: string;
  name: string;
  type: number;
}

/**
 * The account's folders as the device should see them, keyed by ServerId. Folders under a hidden
 * folder are hidden too (their parent could not be shown).
 */
export function visibleHierarchy(folders: Folder[]): Map<string, FolderEntry> {
  const byId = new Map(folders.map((f) => [f.id, f]));
  const memo = new Map<number, boolean>();
  const visible = (f: Folder, depth = 0): boolean => {
    const known = memo.get(f.id);
    if (known !== undefined) return known;
    let ok = easFolderType(f) !== null && depth < 64;
    if (ok && f.parentId !== null) {
      const p = byId.get(f.parentId);
      ok = p !== undefined && visible(p, depth + 1);
    }
    memo.set(f.id, ok);
    return ok;
  };
  const out = new Map<string, FolderEntry>();
  for (const f of folders) {
    if (!visible(f)) continue;
    out.set(String(f.id), { parentId: f.parentId === null ? '0' : String(f.parentId), name: f.name, type: easFolderType(f)! });
  }
  return out;
}

/** Parses a ServerId; null when it cannot be one of ours. */
export function parseServerId(s: string | undefined): number | null {
  if (!s || !/^[1-9][0-9]{0,15}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** Orders ServerIds so that parents come before their children (Adds must). */
export function parentsFirst(ids: string[], entries: Map<string, FolderEntry>): string[] {
  const depth = (id: string): number => {
    let d = 0;
    let cur = entries.get(id);
    while (cur && cur.parentId !== '0' && d < 64) {
      d++;
      cur = entries.get(cur.parentId);
    }
    return d;
  };
  return [...ids].sort((a, b) => depth(a) - depth(b) || Number(a) - Number(b));
}
