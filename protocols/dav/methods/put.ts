/**
 * PUT (RFC 4918 §9.7): files into blobs (quota counted, RFC 4331), calendar objects (RFC 4791
 * §5.3.2) and vCards (RFC 6352 §6.3.2) stored as sent after their preconditions are checked.
 */
import ICAL from 'ical.js';
import { itemEtag, type Item } from '../../../src/model/types.js';
import { PimParseError } from '../../../src/pim/errors.js';
import type { NewItem, StoredBlob } from '../../../src/store/store.js';
import { isStoreError } from '../../../src/store/errors.js';
import { calendarItemFields, contactItemFields } from '../../../src/pim/item.js';
import type { DavRequest, DavResponse, StreamedBody } from '../request.js';
import { header } from '../request.js';
import { resolve, atLeast, type Res } from '../resolve.js';
import { DavError, C, notFound, forbidden, conflict, type Condition } from '../errors.js';
import { maxResourceSize } from '../body.js';
import { writeGate } from '../conditions.js';
import { calendarComponents } from '../caldav/components.js';
import { NS } from '../xml/names.js';
import { href } from '../xml/writer.js';
import { implicitSchedule } from '../scheduling/implicit.js';
import { checkScheduleTagMatch, isSchedulingObject, newScheduleTag, scheduleTagOf } from '../scheduling/schedule-tag.js';
import { setAttendeeParam } from '../../../src/pim/attendee-params.js';

type Member = Extract<Res, { kind: 'member' }>;

export async function put(q: DavRequest): Promise<DavResponse> {
  const r = await resolve(q);
  if (r.kind === 'missing') throw new DavError(r.parentMissing ? 409 : 404);
  if (r.kind === 'collection' || r.kind === 'home' || r.kind === 'static') throw new DavError(405);
  if (r.kind !== 'member') throw r.kind === 'new-collection' ? new DavError(409) : forbidden();
  if (!atLeast(r.access, 'write')) throw forbidden(C.needPrivileges());
  if (r.folder.role === 'schedule-inbox' || r.folder.role === 'schedule-outbox') throw forbidden();
  await writeGate(q, r);
  if (r.area === 'calendars') {
    checkScheduleTagMatch(q, r.item);
    const { item, rewritten } = await putCalendar(q, r);
    // RFC 4791 §5.3.4: no ETag when the stored object is not what the client sent (SCHEDULE-STATUS added).
    const headers: Record<string, string> = rewritten ? {} : { etag: itemEtag(item) };
    const tag = scheduleTagOf(item);
    if (tag) headers['schedule-tag'] = tag;
    return { status: r.item ? 204 : 201, headers };
  }
  const item = r.area === 'files' ? await putFile(q, r) : await putCard(q, r);
  return { status: r.item ? 204 : 201, headers: { etag: itemEtag(item) } };
}

async function checkQuota(q: DavRequest, r: Member, size: number): Promise<void> {
  const quota = r.account.quotaBytes;
  if (quota === null) return;
  const used = (await q.svc.ctx.store.accountUsage(r.account.id)).bytes;
  if (used - (r.item?.size ?? 0) + size > quota) throw new DavError(507, C.quotaNotExceeded());
}

async function putFile(q: DavRequest, r: Member): Promise<Item> {
  const store = q.svc.ctx.store;
  const contentType = header(q, 'content-type') ?? 'application/octet-stream';
  const { hash: blobHash, size } = q.stream ? await streamToBlob(q, q.stream) : { hash: await store.putBlob(q.body), size: q.body.length };
  try {
    // Checked again with the real size: the quota may have shrunk while the bytes arrived.
    await checkQuota(q, r, size);
    if (r.item) return await store.updateItem(r.item.id, { blobHash, size, contentType, content: null });
    return await store.createItem({ folderId: r.folder.id, name: r.name, blobHash, size, contentType });
  } catch (e) {
    await store.releaseBlob(blobHash);
    throw e;
  }
}

/** The body to blob storage as it arrives (issue 8.3): never held whole; over its bound, the body's own refusal. */
async function streamToBlob(q: DavRequest, body: StreamedBody): Promise<StoredBlob> {
  try {
    return await q.svc.ctx.store.putBlobStream(body.source, { maxBytes: body.maxBytes });
  } catch (e) {
    throw isStoreError(e, 'LimitExceeded') ? body.refuse() : e;
  }
}

/** Also checked before the body is read (body.ts); this covers bodies that arrive some other way. */
function checkSize(q: DavRequest, cond: Condition): void {
  if (q.body.length > maxResourceSize(q.svc)) throw new DavError(403, cond);
}

/**
 * Why calendar data that extract refused is refused: iCalendar that parses but breaks the RFC 4791
 * §4.1 rules for one calendar object resource (several UIDs, mixed component types, several
 * masters, METHOD, several VCALENDARs) is valid-calendar-object-resource (§5.3.2.1); anything
 * else, unparsable or invalid iCalendar, is valid-calendar-data.
 */
function calendarRefusal(text: string, e: unknown): Condition {
  if (e instanceof PimParseError) {
    if (e.code === 'too-large') return C.maxResourceSize();
    if (e.code === 'multiple-uids') return C.validCalendarObjectResource();
  }
  let breaks = false;
  // Hostile text may trip ical.js anywhere: then it is simply not valid calendar data.
  try { breaks = breaksObjectRules(text); } catch { breaks = false; }
  return breaks ? C.validCalendarObjectResource() : C.validCalendarData();
}

function breaksObjectRules(text: string): boolean {
  const jcal: unknown = ICAL.parse(text);
  if (!Array.isArray(jcal) || jcal.length === 0) return false;
  // ICAL.parse returns a list of roots when the text holds more than one.
  let one: unknown = jcal;
  if (Array.isArray(jcal[0])) {
    if (jcal.length > 1) return jcal.every((r) => Array.isArray(r) && r[0] === 'vcalendar');
    one = jcal[0];
  }
  const root = new ICAL.Component(one as unknown[]);
  if (root.name !== 'vcalendar') return false;
  if (root.hasProperty('method')) return true;
  const comps = root.getAllSubcomponents().filter((c) => ['vevent', 'vtodo', 'vjournal'].includes(c.name));
  if (new Set(comps.map((c) => c.name)).size > 1) return true;
  const uids = comps.map((c) => c.getFirstPropertyValue('uid'));
  // A component without UID is invalid iCalendar (RFC 5545 §3.6.1): valid-calendar-data.
  if (uids.some((u) => typeof u !== 'string' || u.trim() === '')) return false;
  if (new Set(uids).size > 1) return true;
  return comps.filter((c) => !c.hasProperty('recurrence-id')).length > 1;
}

async function uidConflict(q: DavRequest, r: Member, uid: string, card: boolean): Promise<void> {
  const other = await q.svc.ctx.store.getItemByUid(r.folder.id, uid);
  if (other && other.name !== r.name) {
    throw conflict((card ? C.noUidConflictCard : C.noUidConflict)(href(r.folderHref + encodeURIComponent(other.name))));
  }
  if (r.item?.uid && r.item.uid !== uid) throw conflict((card ? C.noUidConflictCard : C.noUidConflict)(href(r.href)));
}

async function putCalendar(q: DavRequest, r: Member): Promise<{ item: Item; rewritten: boolean }> {
  checkSize(q, C.maxResourceSize());
  const type = header(q, 'content-type') ?? 'text/calendar';
  if (!/^text\/calendar\b/i.test(type)) throw forbidden(C.supportedCalendarData());
  const text = q.body.toString('utf8');
  let fields;
  try {
    fields = calendarItemFields(text);
  } catch (e) {
    throw forbidden(calendarRefusal(text, e));
  }
  // RFC 4791 §4.1: no METHOD property in a calendar object resource.
  if (/^METHOD[:;]/im.test(text)) throw forbidden(C.validCalendarObjectResource());
  if (!calendarComponents(r.folder).includes(fields.componentType)) throw forbidden(C.supportedCalendarComponent());
  await uidConflict(q, r, fields.uid, false);
  const store = q.svc.ctx.store;
  const previous = r.item;
  // RFC 6638 §3.2.10: the client's write of a scheduling object gives it a new Schedule-Tag.
  const { scheduleTag: _old, ...rest } = previous?.props ?? {};
  const props = isSchedulingObject(text) ? { ...rest, scheduleTag: newScheduleTag() } : rest;
  let item = previous ? await store.updateItem(previous.id, { ...fields, props }) : await store.createItem({ folderId: r.folder.id, name: r.name, ...fields, props });
  // RFC 6638 §3.2: implicit scheduling when the organizer (or an attendee) writes the object.
  if (r.access !== 'owner' || header(q, 'schedule-reply') === 'F') return { item, rewritten: false };
  const statuses = await implicitSchedule(q, r.account, previous?.content ?? null, text);
  if (!statuses?.size) return { item, rewritten: false };
  // RFC 6638 §7.3: the outcome per attendee as SCHEDULE-STATUS on the organizer's copy.
  const marked = setAttendeeParam(text, 'SCHEDULE-STATUS', statuses);
  if (marked === text) return { item, rewritten: false };
  item = await store.updateItem(item.id, { content: marked, size: Buffer.byteLength(marked) });
  return { item, rewritten: true };
}

async function putCard(q: DavRequest, r: Member): Promise<Item> {
  checkSize(q, C.maxResourceSizeCard());
  const type = header(q, 'content-type') ?? 'text/vcard';
  if (!/^text\/(x-)?vcard\b/i.test(type)) throw forbidden(C.supportedAddressData());
  const text = q.body.toString('utf8');
  let fields;
  try {
    fields = contactItemFields(text);
  } catch (e) {
    // RFC 6352 §5.1, §6.3.2.1: one vCard per resource; several, or invalid ones, are valid-address-data.
    throw forbidden(e instanceof PimParseError && e.code === 'too-large' ? C.maxResourceSizeCard() : C.validAddressData());
  }
  await uidConflict(q, r, fields.uid, true);
  const store = q.svc.ctx.store;
  return r.item ? store.updateItem(r.item.id, fields) : store.createItem({ folderId: r.folder.id, name: r.name, ...fields });
}

export { notFound, NS };
