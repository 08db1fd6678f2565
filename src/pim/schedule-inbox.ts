/**
 * The schedule inbox (RFC 6638 §2.2, §4.1): where iTIP messages for a calendar user wait for the
 * user's client. Shared by CalDAV implicit scheduling inside Hearth and by incoming iMIP mail
 * (src/mail/imip/incoming.ts), so both file messages the same way.
 */
import { randomUUID } from 'node:crypto';
import type { Account, Folder } from '../model/types.js';
import type { Store } from '../store/store.js';
import { CONTENT_TYPE } from './item.js';

/** The account's schedule inbox or outbox, created on first use (two racing creators: one wins). */
export async function scheduleFolder(store: Store, account: Account, role: 'schedule-inbox' | 'schedule-outbox'): Promise<Folder> {
  const f = await store.findFolderByRole(account.id, role);
  if (f) return f;
  try {
    return await store.createFolder({
      accountId: account.id,
      name: role === 'schedule-inbox' ? 'Schedule Inbox' : 'Schedule Outbox',
      kind: 'calendar',
      role,
    });
  } catch {
    const again = await store.findFolderByRole(account.id, role);
    if (again) return again;
    throw new Error(`cannot create ${role} folder`);
  }
}

/** Files one iTIP message (a VCALENDAR with METHOD) in the account's schedule inbox. */
export async function fileInScheduleInbox(store: Store, account: Account, message: string): Promise<void> {
  const inbox = await scheduleFolder(store, account, 'schedule-inbox');
  // Inbox messages carry no uid column: several messages about one event may wait there.
  await store.createItem({
    folderId: inbox.id,
    name: `${randomUUID()}.ics`,
    content: message,
    contentType: CONTENT_TYPE.calendar,
    size: Buffer.byteLength(message),
  });
}
