/**
 * sync-collection with sync-level infinite on the WebDAV file space (RFC 6578 §3.3): changes in
 * the collection and every sub-collection at any depth, sub-collections themselves included.
 *
 * Modseqs are per account, so one number orders every folder of the tree: the token is
 * `<folder>i-<modseq>`. What cannot be told apart from the change log invalidates the token
 * instead (403 valid-sync-token, §3.2: the client syncs again from scratch): a folder of the
 * account deleted since (its tombstone names no path), or a sub-collection moved or renamed
 * since (the old hrefs of its members are not kept).
 */
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import type { Res } from '../resolve.js';
import type { Folder, Item, Tombstone } from '../../../src/model/types.js';
import { DavError, C } from '../errors.js';
import { NS } from '../xml/names.js';
import { documentRoot, d, esc } from '../xml/writer.js';
import { statusResponse } from '../props/engine.js';
import { syncToken, parseSyncToken } from '../sync-token.js';
import { memberRes } from '../members.js';
import { renderResponses } from '../props/batch.js';
import type { ReportProps } from './render.js';

type Collection = Extract<Res, { kind: 'collection' }>;

/** Set on a file folder by MOVE (methods/copy-move.ts): its members' hrefs changed at its last write. */
export const MOVED_PROP = 'davMoved';

const tokenKey = (folderId: number) => `${folderId}i`;

/** The collection and its sub-collections at every depth, each with its href. */
function subtree(root: Collection, all: Folder[]): Collection[] {
  const out: Collection[] = [root];
  for (let i = 0; i < out.length; i++) {
    const parent = out[i];
    for (const f of all)
      if (f.parentId === parent.folder.id) out.push({ ...root, href: parent.href + encodeURIComponent(f.name) + '/', folder: f });
  }
  return out;
}

export async function syncInfinite(
  q: DavRequest,
  r: Collection,
  tokenText: string,
  limit: number | undefined,
  rp: ReportProps,
): Promise<DavResponse> {
  const store = q.svc.ctx.store;
  const tree = subtree(r, await store.listFolders(r.account.id, 'files'));
  const newest = Math.max(...tree.map((c) => Math.max(c.folder.modseq, c.folder.contentModseq)));
  let since = 0;
  if (tokenText) {
    const m = parseSyncToken(tokenText, tokenKey(r.folder.id));
    if (m === null || m > newest) throw new DavError(403, C.validSyncToken());
    const movedSince = tree.some((c) => c !== tree[0] && c.folder.modseq > m && c.folder.props[MOVED_PROP] === true);
    if (movedSince || (await store.folderChangesSince(r.account.id, m)).deleted.length) throw new DavError(403, C.validSyncToken());
    since = m;
  }
  // Every change of the tree, in modseq order (one order for all folders: modseqs are the account's).
  type Entry = { modseq: number; res?: Res; gone?: string };
  const entries: Entry[] = [];
  for (const c of tree) {
    if (c !== tree[0] && c.folder.modseq > since) entries.push({ modseq: c.folder.modseq, res: c });
    const ch = await store.changesSince(c.folder.id, since, undefined, { withoutContent: !rp.needsContent });
    const live = new Set(ch.changed.map((i: Item) => i.name));
    for (const it of ch.changed) entries.push({ modseq: it.modseq, res: memberRes(c, it) });
    if (since > 0)
      for (const t of ch.deleted as Tombstone[])
        if (!live.has(t.name)) entries.push({ modseq: t.modseq, gone: c.href + encodeURIComponent(t.name) });
  }
  entries.sort((a, b) => a.modseq - b.modseq);
  const more = limit !== undefined && entries.length > limit;
  // Cut between modseqs, so that the token covers exactly what was sent.
  let taken = more ? entries.slice(0, limit) : entries;
  if (more && taken.length) {
    const last = taken[taken.length - 1].modseq;
    const whole = taken.filter((e) => e.modseq < last);
    if (entries[taken.length].modseq === last && whole.length) taken = whole;
  }
  const parts = [
    await renderResponses(
      q,
      taken.flatMap((e) => (e.res ? [e.res] : [])),
      rp.req,
      rp.extra,
    ),
  ];
  for (const e of taken) if (e.gone) parts.push(statusResponse(e.gone, 404, 'Not Found'));
  if (more)
    parts.push(
      d(
        'response',
        d('href', esc(r.href)) + d('status', 'HTTP/1.1 507 Insufficient Storage') + d('error', d('number-of-matches-within-limits')),
      ),
    );
  const upTo = more ? (taken.length ? taken[taken.length - 1].modseq : since) : Math.max(newest, since);
  return xmlResponse(
    207,
    documentRoot(NS.DAV, 'multistatus', parts.join('') + d('sync-token', esc(syncToken(tokenKey(r.folder.id), upTo)))),
  );
}
