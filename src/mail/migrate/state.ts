/**
 * Resume state of an IMAP migration, kept in the store (the account's settings, one JSON value
 * per source) so that a rerun after an interruption continues where the last one stopped: per
 * source folder its UIDVALIDITY and the highest UID copied (RFC 9051 §2.3.1.1: UIDs only grow
 * while UIDVALIDITY stays). A changed UIDVALIDITY starts the folder again; duplicates are then
 * avoided by comparing Message-ID, internal date and size.
 */
import type { Store } from '../../store/store.js';
import type { ImapSource } from './source.js';

export interface FolderProgress {
  uidValidity: string;
  lastUid: number;
}
export interface MigrationState {
  folders: Record<string, FolderProgress>;
}

export const stateKey = (source: ImapSource, user: string) => `migration.imap.${source.label}/${user.toLowerCase()}`;

export async function loadState(store: Store, accountId: number, key: string): Promise<MigrationState> {
  return (await store.getSetting<MigrationState>(accountId, key)) ?? { folders: {} };
}

export function saveState(store: Store, accountId: number, key: string, state: MigrationState): Promise<void> {
  return store.setSetting(accountId, key, state);
}
