// NAMESPACE (RFC 2342: personal, other users' shared folders under "Shared/", and the domain's
// public folders under "Public Folders/" when the user may read a public mail folder) and QUOTA (RFC 9208: GETQUOTAROOT, GETQUOTA;
// one root "" per account, STORAGE in KiB and MESSAGE, the account's limit or else its domain's).
import { atom, untagged, type ResponseValue } from '../../codec/index.js';
import { DELIMITER, decodeName, resolveFolder } from '../mailboxes.js';
import { SHARED_PREFIX } from '../shared.js';
import { PUBLIC_PREFIX, hasPublicMail } from '../public.js';
import { sharedFolders } from '../../../../src/auth/folder-access.js';
import type { CommandContext } from '../session.js';
import { no, ok } from '../respond.js';
import { AUTHED, command } from './types.js';

export const namespace = command({
  name: 'NAMESPACE', states: AUTHED,
  handle: async (c) => {
    // RFC 2342 §5: the third list is the shared namespaces; NIL when there is nothing to show.
    const user = c.session.account!;
    const pub = hasPublicMail(await sharedFolders(c.ctx.store, user), user) ? [[PUBLIC_PREFIX, DELIMITER]] : null;
    return ok('NAMESPACE completed', undefined, [untagged([atom('NAMESPACE'), [['', DELIMITER]], [[SHARED_PREFIX, DELIMITER]], pub])]);
  },
});

async function quotaLine(c: CommandContext): Promise<Buffer | null> {
  const u = await c.ctx.store.quotaUsage(c.session.account!.id);
  const bytesLimit = u.quotaBytes ?? u.domain.quotaBytes;
  const messagesLimit = u.quotaMessages ?? u.domain.quotaMessages;
  const resources: ResponseValue[] = [];
  if (bytesLimit !== null) resources.push(atom('STORAGE'), Math.ceil(u.bytes / 1024), Math.floor(bytesLimit / 1024));
  if (messagesLimit !== null) resources.push(atom('MESSAGE'), u.messages, messagesLimit);
  return resources.length > 0 ? untagged([atom('QUOTA'), '', resources]) : null;
}

export const getquotaroot = command({
  name: 'GETQUOTAROOT', states: AUTHED,
  handle: async (c, cmd) => {
    const folder = await resolveFolder(c.ctx.store, c.session.account!.id, decodeName(c.session, cmd.mailbox));
    if (!folder) return no('No such mailbox', 'NONEXISTENT');
    const line = await quotaLine(c);
    const root = untagged([atom('QUOTAROOT'), cmd.mailbox, ...(line ? [''] : [])]);
    return ok('GETQUOTAROOT completed', undefined, line ? [root, line] : [root]);
  },
});

export const getquota = command({
  name: 'GETQUOTA', states: AUTHED,
  handle: async (c, cmd) => {
    const line = cmd.root === '' ? await quotaLine(c) : null;
    if (!line) return no('No such quota root', 'NONEXISTENT');
    return ok('GETQUOTA completed', undefined, [line]);
  },
});
