/**
 * Where each source folder goes: special-use folders (RFC 6154 \Sent, \Drafts, \Junk, \Trash,
 * \Archive, as the server announces them or as imapflow recognises them by their usual names)
 * to the Hearth folder of that role, INBOX to the inbox, everything else to a folder of the same
 * path, created on first use (the source's delimiter becomes Hearth's "/").
 */
import type { Store } from '../../store/store.js';
import type { Folder, FolderRole } from '../../model/types.js';

const ROLE_OF_USE: Record<string, FolderRole> = {
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\junk': 'junk',
  '\\trash': 'trash',
  '\\archive': 'archive',
  '\\inbox': 'inbox',
};

/** Virtual folders that show messages kept elsewhere (Gmail's All Mail, Starred): copying them would duplicate. */
export const VIRTUAL_USES = new Set(['\\all', '\\flagged']);

export interface SourceFolder {
  path: string;
  delimiter: string;
  specialUse?: string;
  flags: Set<string>;
}

/** The Hearth role a source folder maps to, or null for an ordinary folder. */
export function roleOf(f: SourceFolder): FolderRole | null {
  if (f.path.toUpperCase() === 'INBOX') return 'inbox';
  return (f.specialUse && ROLE_OF_USE[f.specialUse.toLowerCase()]) || null;
}

/** Is the source folder one to copy (selectable, not a virtual view)? */
export function copyable(f: SourceFolder): boolean {
  const flags = [...f.flags].map((x) => x.toLowerCase());
  if (flags.includes('\\noselect') || flags.includes('\\nonexistent')) return false;
  return !(f.specialUse && VIRTUAL_USES.has(f.specialUse.toLowerCase()));
}

/** Finds or creates target folders, remembering them for the run. */
export class FolderMapper {
  private byPath = new Map<string, Folder>();

  constructor(
    private readonly store: Store,
    private readonly accountId: number,
  ) {}

  async target(f: SourceFolder): Promise<Folder> {
    const role = roleOf(f);
    if (role) {
      const found = await this.store.findFolderByRole(this.accountId, role);
      if (found) return found;
    }
    const parts = (f.delimiter ? f.path.split(f.delimiter) : [f.path]).map((p) => p.replace(/\//g, '-')).filter((p) => p !== '');
    let parent: Folder | null = null;
    for (let i = 0; i < parts.length; i++) {
      const key = parts
        .slice(0, i + 1)
        .join('/')
        .replace(/^inbox(?=\/|$)/i, 'INBOX');
      let folder: Folder | undefined = this.byPath.get(key);
      if (!folder) {
        if (i === 0 && parts[0].toUpperCase() === 'INBOX') {
          folder = (await this.store.findFolderByRole(this.accountId, 'inbox'))!;
        } else {
          const parentId: number | null = parent ? parent.id : null;
          const existing: Folder | undefined = (await this.store.listFolders(this.accountId, 'mail')).find(
            (x) => x.name === parts[i] && x.parentId === parentId,
          );
          folder =
            existing ??
            (await this.store.createMailFolder(this.accountId, parts[i], { parentId, role: i === parts.length - 1 ? role : null }));
        }
        this.byPath.set(key, folder);
      }
      parent = folder!;
    }
    return parent!;
  }
}
