/**
 * sync-collection (RFC 6578 §3): changes since a token from the store's change tracking;
 * deleted members answer 404 (§3.5.2); a token we did not issue for this collection is
 * refused with 403 valid-sync-token (§3.2); DAV:limit truncates with a 507 (§3.6).
 */
import { createHash } from 'node:crypto';
import type { DavRequest, DavResponse } from '../request.js';
import { xmlResponse } from '../request.js';
import type { Res } from '../resolve.js';
import { DavError, C, forbidden } from '../errors.js';
import { NS } from '../xml/names.js';
import { type XmlElement, child } from '../xml/parser.js';
import { documentRoot, d, esc } from '../xml/writer.js';
import { statusResponse } from '../props/engine.js';
import { syncToken, parseSyncToken } from '../sync-token.js';
import { memberRes, members } from '../members.js';
import { reportProps } from './render.js';
import { renderResponses, listingPlan } from '../props/batch.js';
import { multistatus, STREAM_ABOVE } from '../multistatus.js';
import { syncInfinite } from './sync-infinite.js';

const MAX_RESULTS = 100_000;

export async function syncCollection(q: DavRequest, r: Res, body: XmlElement): Promise<DavResponse> {
  const tokenText = child(body, NS.DAV, 'sync-token')?.text.trim() ?? '';
  const level = child(body, NS.DAV, 'sync-level')?.text.trim() ?? '1';
  if (level !== '1' && level !== 'infinite') throw new DavError(400);
  const limitEl = child(body, NS.DAV, 'limit');
  const nresults = limitEl ? Number(child(limitEl, NS.DAV, 'nresults')?.text.trim()) : NaN;
  const limit = Number.isFinite(nresults) && nresults > 0 ? Math.min(nresults, MAX_RESULTS) : undefined;
  const rp = reportProps(body);
  if (r.kind === 'gal') return galSync(q, r, tokenText, rp);
  // RFC 6578 §3 on every collection of calendar objects, the scheduling inbox (RFC 6638 §2.2) included.
  const inboxOrCollection = r.kind === 'collection' || (r.kind === 'schedule' && r.box === 'inbox');
  if (!inboxOrCollection) throw forbidden(C.supportedReport());
  // RFC 6578 §3.3: only the file space has sub-collections; there an infinite level walks them.
  if (level === 'infinite' && r.kind === 'collection' && r.area === 'files') return syncInfinite(q, r, tokenText, limit, rp);
  let since = 0;
  if (tokenText) {
    const m = parseSyncToken(tokenText, r.folder.id);
    if (m === null || m > r.folder.contentModseq) throw new DavError(403, C.validSyncToken());
    since = m;
  }
  // RFC 6578 §3.8: an initial sync lists every member and no removals: one lean query (no
  // tombstones), rendered and streamed like a PROPFIND Depth 1 of the members.
  const plan = since === 0 ? listingPlan(rp.req, rp.extra, rp.needsContent) : null;
  if (plan) {
    const rows = await q.svc.ctx.store.listItemFields(r.folder.id, plan.fields, limit !== undefined ? { limit: limit + 1 } : {});
    let more = false;
    let top = r.folder.contentModseq;
    if (limit !== undefined && rows.length > limit) {
      // Cut at `limit`, keeping a modseq's items together (the next token starts after it).
      const cut = rows[limit - 1].modseq;
      while (rows.length && rows[rows.length - 1].modseq > cut) rows.pop();
      more = true;
      top = cut;
    } else for (const it of rows) if (it.modseq > top) top = it.modseq;
    const tail = (more ? d('response', d('href', esc(r.href)) + d('status', 'HTTP/1.1 507 Insufficient Storage') + d('error', d('number-of-matches-within-limits'))) : '')
      + d('sync-token', esc(syncToken(r.folder.id, top)));
    return multistatus('', plan.render(q, r, rows), tail, rows.length > STREAM_ABOVE);
  }
  // ETag-only listings leave the content in the store (most clients ask for getetag only).
  const changes = await q.svc.ctx.store.changesSince(r.folder.id, since, limit, { withoutContent: !rp.needsContent });
  const parts: string[] = [await renderResponses(q, changes.changed.map((it) => memberRes(r, it)), rp.req, rp.extra)];
  if (since > 0) {
    // Items deleted after the token, unless they came back under the same name.
    const live = new Set(changes.changed.map((i) => i.name));
    for (const t of changes.deleted) if (!live.has(t.name)) parts.push(statusResponse(r.href + encodeURIComponent(t.name), 404, 'Not Found'));
  }
  if (changes.more) parts.push(d('response', d('href', esc(r.href)) + d('status', 'HTTP/1.1 507 Insufficient Storage') + d('error', d('number-of-matches-within-limits'))));
  const token = syncToken(r.folder.id, changes.more ? changes.modseq : Math.max(changes.modseq, since));
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('') + d('sync-token', esc(token))));
}

/** The GAL has no change log: its token is a digest; a stale one is refused (full resync). */
async function galSync(q: DavRequest, r: Extract<Res, { kind: 'gal' }>, tokenText: string, rp: ReturnType<typeof reportProps>): Promise<DavResponse> {
  const ms = await members(q, r);
  const digest = createHash('sha256');
  for (const m of ms) if (m.kind === 'gal-card' && m.account) digest.update(`${m.account.id}:${m.account.email}:${m.account.displayName}:${m.account.kind};`);
  const token = syncToken(`gal${r.domain.id}`, BigInt('0x' + digest.digest('hex').slice(0, 12)).toString());
  if (tokenText && tokenText !== token) throw new DavError(403, C.validSyncToken());
  const parts: string[] = [];
  if (!tokenText) parts.push(await renderResponses(q, ms, rp.req, rp.extra));
  return xmlResponse(207, documentRoot(NS.DAV, 'multistatus', parts.join('') + d('sync-token', esc(token))));
}
