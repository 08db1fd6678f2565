/**
 * `hearth public-folder list|add|set|remove|grant DOMAIN ...`: a domain's public folders
 * (src/admin/public-folders.ts, the same service as the admin API and the console). Folders are
 * named by their path, names joined with '/' (names hold no '/'), matched ignoring case as
 * siblings are unique ignoring case.
 */
import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import type { Domain } from '../model/types.js';
import { isStoreError } from '../store/errors.js';
import {
  PUBLIC_FOLDER_KINDS,
  createPublicFolder,
  deletePublicFolder,
  listPublicFolders,
  setPublicFolderGrant,
  updatePublicFolder,
  type PublicAccess,
  type PublicFolderKind,
  type PublicFolderPatch,
  type PublicFolderView,
} from '../admin/public-folders.js';
import { checkDomainName } from './accounts.js';
import { UsageError } from './sizes.js';
import type { AuditBy, Print, WithStore } from './context.js';

const ACCESS: PublicAccess[] = ['none', 'read', 'write'];
const RIGHTS = ['read', 'write', 'none'] as const;

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${what}: expected ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

async function domainNamed(s: Store, name: string): Promise<Domain> {
  const d = await s.getDomain(checkDomainName(name));
  if (!d) throw new UsageError(`unknown domain ${name}`);
  return d;
}

/** The path as the service writes it: segments trimmed, empty ones (a leading or doubled '/') dropped. */
const cleanPath = (path: string) => path.split('/').map((p) => p.trim()).filter(Boolean).join('/');

function folderAt(all: PublicFolderView[], domain: Domain, path: string): PublicFolderView {
  const want = cleanPath(path).toLowerCase();
  const f = all.find((x) => x.path.toLowerCase() === want);
  if (!f) throw new UsageError(`no public folder '${path}' in ${domain.name}`);
  return f;
}

/** One folder a line: path, kind, default access, grants (grantee=rights, comma-separated, or -). */
const line = (f: PublicFolderView) =>
  [f.path, f.kind, `default ${f.defaultAccess}`, f.grants.map((g) => `${g.grantee}=${g.rights}`).join(',') || '-'].join('\t');

/** What the service refuses as a mistake in what was typed (a bad name, an unknown grantee or parent) exits 2. */
async function typed<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw isStoreError(e, 'Invalid') || isStoreError(e, 'NotFound') ? new UsageError(e instanceof Error ? e.message : String(e)) : e;
  }
}

export function publicFolderCommands(program: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  const cmd = program.command('public-folder').description("a domain's public folders (shared by everyone in the domain)");

  cmd.command('list <domain>').description('one folder a line: path, kind, default access, grants')
    .action((name: string) => withStore(async (s) => {
      for (const f of await listPublicFolders(s, await domainNamed(s, name))) print(line(f));
    }));

  cmd.command('add <domain> <path>').description("add a folder; PATH's parent (everything before the last '/') must exist")
    .requiredOption('--kind <kind>', `what it holds: ${PUBLIC_FOLDER_KINDS.join(', ')}`)
    .option('--access <access>', 'what every user of the domain may do: none, read or write', 'read')
    .action((name: string, path: string, o: { kind: string; access: string }) => withStore(async (s) => {
      const d = await domainNamed(s, name);
      const kind = oneOf('--kind', o.kind, PUBLIC_FOLDER_KINDS as readonly PublicFolderKind[]);
      const access = oneOf('--access', o.access, ACCESS);
      const parts = cleanPath(path).split('/');
      const leaf = parts.pop() ?? '';
      if (!leaf) throw new UsageError('a public folder needs a name');
      const parentId = parts.length === 0 ? null : folderAt(await listPublicFolders(s, d), d, parts.join('/')).id;
      const f = await typed(createPublicFolder(s, by, d, { name: leaf, kind, parentId, defaultAccess: access }));
      print(`added public folder ${f.path} (${f.kind}, default ${f.defaultAccess}) in ${d.name}`);
    }));

  cmd.command('set <domain> <path>').description('rename, move or change the default access of a folder')
    .option('--name <name>', 'its new name')
    .option('--parent <path>', 'move it under this folder')
    .option('--top', 'move it to the top of the tree')
    .option('--access <access>', 'what every user of the domain may do: none, read or write')
    .action((name: string, path: string, o: { name?: string; parent?: string; top?: boolean; access?: string }) => withStore(async (s) => {
      const d = await domainNamed(s, name);
      if (o.parent !== undefined && o.top) throw new UsageError('--parent and --top: give one of them');
      const all = await listPublicFolders(s, d);
      const f = folderAt(all, d, path);
      const patch: PublicFolderPatch = {};
      if (o.name !== undefined) patch.name = o.name;
      if (o.top) patch.parentId = null;
      if (o.parent !== undefined) patch.parentId = folderAt(all, d, o.parent).id;
      if (o.access !== undefined) patch.defaultAccess = oneOf('--access', o.access, ACCESS);
      if (Object.keys(patch).length === 0) throw new UsageError('nothing to change: give --name, --parent, --top or --access');
      print(line(await typed(updatePublicFolder(s, by, d, f.id, patch))));
    }));

  cmd.command('remove <domain> <path>').description('delete a folder with its subfolders and everything in them')
    .action((name: string, path: string) => withStore(async (s) => {
      const d = await domainNamed(s, name);
      const f = folderAt(await listPublicFolders(s, d), d, path);
      await deletePublicFolder(s, by, d, f.id);
      print(`removed public folder ${f.path} from ${d.name}`);
    }));

  cmd.command('grant <domain> <path> <email> <rights>').description('give a user or group of the domain read or write beyond the default; none takes it back')
    .action((name: string, path: string, email: string, rights: string) => withStore(async (s) => {
      const d = await domainNamed(s, name);
      const r = oneOf('rights', rights, RIGHTS);
      const f = folderAt(await listPublicFolders(s, d), d, path);
      await typed(setPublicFolderGrant(s, by, d, f.id, email, r));
      print(r === 'none' ? `${email.trim().toLowerCase()} has no grant on ${f.path}` : `${email.trim().toLowerCase()} may ${r} ${f.path}`);
    }));
}
