/**
 * GET and HEAD (RFC 4918 §9.4): objects as stored, vCard version negotiated (RFC 6352 §5.1.1),
 * files streamed from blob storage with byte ranges (RFC 9110 §14).
 */
import { CONTENT_TYPE, contentTypeOf } from '../../../src/pim/item.js';
import { itemEtag, type Item } from '../../../src/model/types.js';
import type { DavRequest, DavResponse } from '../request.js';
import { chooseRange } from '../range.js';
import { header } from '../request.js';
import { resolve } from '../resolve.js';
import { notFound, forbidden } from '../errors.js';
import { checkHttpConditions, etagOf, exists } from '../conditions.js';
import { galCard } from '../carddav/gal.js';
import { convertVCard, wantedVCardVersion } from '../carddav/convert.js';
import { members } from '../members.js';
import { notificationXml } from '../sharing/notifications.js';
import { accessOf } from '../props/privileges.js';
import { scheduleTagOf } from '../scheduling/schedule-tag.js';

export async function get(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (!exists(r)) throw notFound();
  const a = accessOf(r);
  if (a === 'freebusy') throw forbidden();
  if (checkHttpConditions(q, r) === 'not-modified') return { status: 304, headers: { etag: etagOf(r) ?? '' } };
  if (r.kind === 'member' && r.item) {
    const it = r.item;
    const headers: Record<string, string> = { etag: itemEtag(it), 'last-modified': new Date(it.updatedAt).toUTCString() };
    const tag = scheduleTagOf(it);
    if (tag && r.area === 'calendars') headers['schedule-tag'] = tag;
    if (it.blobHash) return getFile(q, it, it.blobHash, headers);
    let text = it.content ?? '';
    let type = contentTypeOf(it, r.folder.kind);
    if (r.area === 'addressbooks') {
      const want = wantedVCardVersion(header(q, 'accept'));
      if (want) { const conv = convertVCard(text, want); if (conv !== text) { text = conv; delete headers.etag; } type = CONTENT_TYPE.vcard; }
    }
    return { status: 200, headers: { ...headers, 'content-type': type }, body: text };
  }
  if (r.kind === 'gal-card' && r.account) {
    let text = galCard(r.account, r.domain);
    const want = wantedVCardVersion(header(q, 'accept'));
    if (want === '4.0') text = convertVCard(text, '4.0');
    return { status: 200, headers: { 'content-type': 'text/vcard; charset=utf-8', etag: etagOf(r) ?? '' }, body: text };
  }
  if (r.kind === 'notification' && r.grant) return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: await notificationXml(q, r.grant) };
  // A collection: a plain listing for people who open the URL in a browser.
  const list = (await members(q, r)).map((m) => m.href);
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: list.join('\n') + (list.length ? '\n' : '') };
}

/** A file: streamed from blob storage, never read whole; one byte range when asked (range.ts). */
async function getFile(q: DavRequest, it: Item, hash: string, headers: Record<string, string>): Promise<DavResponse> {
  const base = { ...headers, 'content-type': it.contentType ?? 'application/octet-stream', 'accept-ranges': 'bytes' };
  const choice = chooseRange(q, it.size, itemEtag(it));
  if (choice.kind === 'unsatisfiable') return { status: 416, headers: { ...headers, 'content-range': `bytes */${it.size}` } };
  const partial = choice.kind === 'part';
  const length = partial ? choice.end - choice.start + 1 : it.size;
  const rangeHeaders: Record<string, string> = partial ? { 'content-range': `bytes ${choice.start}-${choice.end}/${it.size}` } : {};
  if (q.method === 'HEAD') return { status: partial ? 206 : 200, headers: { ...base, ...rangeHeaders, 'content-length': String(length) } };
  const blob = await q.svc.ctx.store.getBlobStream(hash, partial ? { start: choice.start, end: choice.end } : undefined);
  if (!blob) return { status: 200, headers: { ...base, 'content-length': '0' }, body: Buffer.alloc(0) };
  const sent = blob.end - blob.start + 1;
  const headersOut = partial ? { ...base, 'content-range': `bytes ${blob.start}-${blob.end}/${blob.size}` } : base;
  return { status: partial ? 206 : 200, headers: { ...headersOut, 'content-length': String(sent) }, body: blob.stream };
}
