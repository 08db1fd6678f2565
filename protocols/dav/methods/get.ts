/** GET and HEAD (RFC 4918 §9.4): objects as stored, vCard version negotiated (RFC 6352 §5.1.1). */
import { CONTENT_TYPE, contentTypeOf } from '../../../src/pim/item.js';
import { itemEtag } from '../../../src/model/types.js';
import type { DavRequest, DavResponse } from '../request.js';
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
    if (it.blobHash) {
      const data = (await q.svc.ctx.store.getBlob(it.blobHash)) ?? Buffer.alloc(0);
      return { status: 200, headers: { ...headers, 'content-type': it.contentType ?? 'application/octet-stream', 'content-length': String(data.length) }, body: data };
    }
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
