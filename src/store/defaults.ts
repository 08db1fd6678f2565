import type { AccountKind, FolderKind, FolderRole } from '../model/types.js';

/** The folders every new account gets, by kind of account. */
export const DEFAULT_FOLDERS: Record<AccountKind, { name: string; kind: FolderKind; role: FolderRole }[]> = {
  user: [
    { name: 'INBOX', kind: 'mail', role: 'inbox' },
    { name: 'Drafts', kind: 'mail', role: 'drafts' },
    { name: 'Sent', kind: 'mail', role: 'sent' },
    { name: 'Trash', kind: 'mail', role: 'trash' },
    { name: 'Junk', kind: 'mail', role: 'junk' },
    { name: 'Outbox', kind: 'mail', role: 'outbox' },
    { name: 'Archive', kind: 'mail', role: 'archive' },
    { name: 'Calendar', kind: 'calendar', role: 'calendar' },
    { name: 'Contacts', kind: 'contacts', role: 'contacts' },
    { name: 'Tasks', kind: 'tasks', role: 'tasks' },
    { name: 'Notes', kind: 'notes', role: 'notes' },
    { name: 'Files', kind: 'files', role: 'files' },
    // RFC 6638 §2.2, §2.1: the scheduling inbox and outbox are calendar-kind collections.
    { name: 'Schedule Inbox', kind: 'calendar', role: 'schedule-inbox' },
    { name: 'Schedule Outbox', kind: 'calendar', role: 'schedule-outbox' },
  ],
  resource: [
    { name: 'Calendar', kind: 'calendar', role: 'calendar' },
    { name: 'Schedule Inbox', kind: 'calendar', role: 'schedule-inbox' },
    { name: 'Schedule Outbox', kind: 'calendar', role: 'schedule-outbox' },
  ],
  group: [],
  // Public folders are made one by one by administrators (src/admin/public-folders.ts).
  public: [],
};
