/** Folder helpers shared by MKCOL, MKCALENDAR and PROPPATCH. */
import type { DavRequest } from './request.js';

/** Folder names are unique among an account's top-level folders: "Work", "Work (2)", ... */
export async function uniqueFolderName(q: DavRequest, accountId: number, wanted: string, selfId?: number): Promise<string> {
  const taken = new Set((await q.svc.ctx.store.listFolders(accountId)).filter((f) => f.parentId === null && f.id !== selfId).map((f) => f.name));
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted} (${i})`)) return `${wanted} (${i})`;
}
