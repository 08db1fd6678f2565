/** Sync tokens (RFC 6578 §3.2) and collection tags: a URI naming the folder and its modseq. */
import { createHash } from 'node:crypto';
import type { Folder } from '../../src/model/types.js';

const PREFIX = 'http://hearth.invalid/ns/sync/';

export const syncToken = (folderId: number | string, modseq: number | string) => `${PREFIX}${folderId}-${modseq}`;

/** Returns the modseq the token stands for in this folder, or null when it is not ours or not this folder's. */
export function parseSyncToken(token: string, folderId: number | string): number | null {
  if (!token.startsWith(PREFIX)) return null;
  const m = /^([^-]+)-(\d+)$/.exec(token.slice(PREFIX.length));
  if (!m || m[1] !== String(folderId)) return null;
  return Number(m[2]);
}

/** CalendarServer getctag: changes whenever anything in the collection changes. */
export const ctag = (f: Folder) => `"${f.id}-${f.contentModseq}"`;
export const folderEtag = (f: Folder) => `"c${f.id}-${f.contentModseq}"`;
export const hashEtag = (s: string) => `"${createHash('sha256').update(s).digest('base64url').slice(0, 22)}"`;
