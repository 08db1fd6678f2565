// CREATE (with USE, RFC 6154 §5.4), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE (RFC 9051 §6.3.4-8).
import type { FolderRole } from '../../../../src/model/types.js';
import { SPECIAL_USE } from '../../../../src/mail/mailbox-view.js';
import { DELIMITER, decodeName, mailboxEntries, resolveFolder } from '../mailboxes.js';
import { Subscriptions } from '../subscriptions.js';
import { resolveMailbox } from '../shared.js';
import { PUBLIC_PREFIX, PUBLIC_ROOT } from '../public.js';
import type { CommandContext } from '../session.js';
import { no, ok, type Outcome } from '../respond.js';
import { AUTHED, command } from './types.js';

const ROLE_OF_USE = new Map(Object.entries(SPECIAL_USE).map(([role, use]) => [use!.toLowerCase(), role as FolderRole]));

/** The parent folder of a full name, created on the way when missing (RFC 9051 §6.3.4). */
async function parentOf(c: CommandContext, name: string, create: boolean): Promise<{ parentId: number | null; leaf: string; made: string[] } | Outcome> {
  const parts = name.split(DELIMITER);
  const leaf = parts.pop()!;
  if (!leaf || parts.some((p) => p === '')) return no('Invalid mailbox name', 'CANNOT');
  let parentId: number | null = null;
  const made: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const path = parts.slice(0, i + 1).join(DELIMITER);
    let f = await resolveFolder(c.ctx.store, c.session.account!.id, path);
    if (!f) {
      if (!create) return no('No such parent mailbox', 'NONEXISTENT');
      f = await c.ctx.store.createMailFolder(c.session.account!.id, parts[i], { parentId });
      made.push(path);
    }
    parentId = f.id;
  }
  return { parentId, leaf, made };
}

export const create = command({
  name: 'CREATE', states: AUTHED,
  handle: async (c, cmd) => {
    // A trailing delimiter only says that children will follow (RFC 9051 §6.3.4).
    const name = decodeName(c.session, cmd.mailbox).replace(/\/+$/, '');
    if (name === 'INBOX' || (await resolveFolder(c.ctx.store, c.session.account!.id, name))) return no('Mailbox exists', 'ALREADYEXISTS');
    // The public namespace is the administrator's (src/admin/public-folders.ts), not a personal folder.
    if (name === PUBLIC_ROOT || name.startsWith(PUBLIC_PREFIX)) return no('Public folders are made by an administrator', 'NOPERM');
    let role: FolderRole | null = null;
    for (const use of cmd.specialUse) {
      const r = ROLE_OF_USE.get(use.toLowerCase());
      if (!r) return no(`Special use ${use} is not supported`, 'USEATTR');
      role = r;
    }
    const where = await parentOf(c, name, true);
    if ('status' in where) return where;
    await c.ctx.store.createMailFolder(c.session.account!.id, where.leaf, { parentId: where.parentId, role });
    await (await Subscriptions.load(c.ctx.store, c.session.account!.id)).created([...where.made, name]);
    return ok('CREATE completed');
  },
});

export const del = command({
  name: 'DELETE', states: AUTHED,
  handle: async (c, cmd) => {
    const name = decodeName(c.session, cmd.mailbox);
    const folder = await resolveFolder(c.ctx.store, c.session.account!.id, name);
    if (!folder) return no('No such mailbox', 'NONEXISTENT');
    if (folder.role === 'inbox') return no('INBOX cannot be deleted', 'CANNOT');
    const entries = await mailboxEntries(c.ctx.store, c.session.account!.id);
    if (entries.some((e) => e.folder.parentId === folder.id)) return no('Mailbox has children; delete them first', 'INUSE');
    if (c.session.selected?.folder.id === folder.id) {
      c.session.selected = null;
      c.session.state = 'auth';
    }
    await c.ctx.store.deleteMailFolder(folder.id);
    return ok('DELETE completed');
  },
});

export const rename = command({
  name: 'RENAME', states: AUTHED,
  handle: async (c, cmd) => {
    const from = decodeName(c.session, cmd.from);
    const to = decodeName(c.session, cmd.to).replace(/\/+$/, '');
    const account = c.session.account!.id;
    const folder = await resolveFolder(c.ctx.store, account, from);
    if (!folder) return no('No such mailbox', 'NONEXISTENT');
    if (folder.role === 'inbox') return no('Renaming INBOX is not supported', 'CANNOT');
    if (to === 'INBOX' || (await resolveFolder(c.ctx.store, account, to))) return no('Target mailbox exists', 'ALREADYEXISTS');
    if (to.startsWith(from + DELIMITER)) return no('Cannot move a mailbox into itself', 'CANNOT');
    const where = await parentOf(c, to, true);
    if ('status' in where) return where;
    await c.ctx.store.renameMailFolder(folder.id, where.leaf, where.parentId);
    if (where.made.length > 0) await (await Subscriptions.load(c.ctx.store, account)).created(where.made);
    return ok('RENAME completed');
  },
});

export const subscribe = command({
  name: 'SUBSCRIBE', states: AUTHED,
  handle: async (c, cmd) => {
    const name = decodeName(c.session, cmd.mailbox);
    // Shared and public mailboxes may be subscribed too: clients that show only subscribed folders need it.
    if (!(await resolveMailbox(c.ctx.store, c.session.account!, name))) return no('No such mailbox', 'NONEXISTENT');
    await (await Subscriptions.load(c.ctx.store, c.session.account!.id)).set(name, true);
    return ok('SUBSCRIBE completed');
  },
});

export const unsubscribe = command({
  name: 'UNSUBSCRIBE', states: AUTHED,
  handle: async (c, cmd) => {
    await (await Subscriptions.load(c.ctx.store, c.session.account!.id)).set(decodeName(c.session, cmd.mailbox), false);
    return ok('UNSUBSCRIBE completed');
  },
});
