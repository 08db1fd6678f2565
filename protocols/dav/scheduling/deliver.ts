/**
 * Delivery of iTIP messages (RFC 5546) inside Hearth (RFC 6638 §3.2): into the recipient's
 * schedule inbox and onto the recipient's default calendar. Recipients outside the organizer's
 * domain, or unknown, go through the iMIP seam (scheduling/imip.ts) instead.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import type { Account } from '../../../src/model/types.js';
import { extractCalendarFields } from '../../../src/pim/extract.js';
import type { DavRequest } from '../request.js';
import { roleFolder } from '../resolve.js';

type Component = InstanceType<typeof ICAL.Component>;

export const mailto = (v: unknown) => String(v ?? '').replace(/^mailto:/i, '').trim().toLowerCase();

/** The recipient account when it is inside the sender's domain, else null (iMIP). */
export async function internalRecipient(q: DavRequest, email: string): Promise<Account | null> {
  const a = await q.svc.ctx.store.getAccount(email);
  return a && a.domainId === q.user.domainId && !a.disabled ? a : null;
}

export function withMethod(root: Component, method: string): string {
  const c = ICAL.Component.fromString(root.toString());
  c.removeAllProperties('method');
  c.addPropertyWithValue('method', method);
  return c.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

export function withoutMethod(text: string): string {
  return text.replace(/^METHOD:[^\r\n]*\r?\n/im, '');
}

/** Puts the message in the inbox and applies it to the recipient's default calendar. */
export async function deliver(q: DavRequest, to: Account, method: 'REQUEST' | 'CANCEL' | 'REPLY', message: string, uid: string, apply?: string): Promise<void> {
  const store = q.svc.ctx.store;
  const inbox = await roleFolder(q, to, 'schedule-inbox');
  // Inbox messages carry no uid column: several messages about one event may wait there.
  await store.createItem({ folderId: inbox.id, name: `${randomUUID()}.ics`, content: message, contentType: 'text/calendar; charset=utf-8', size: Buffer.byteLength(message) });
  const cal = await store.findFolderByRole(to.id, 'calendar');
  if (!cal) return;
  const existing = await store.getItemByUid(cal.id, uid);
  if (method === 'CANCEL') { if (existing) await store.deleteItem(existing.id); return; }
  if (!apply) return;
  const f = extractCalendarFields(apply);
  const fields = { uid, content: apply, contentType: `text/calendar; charset=utf-8; component=${f.componentType.toLowerCase()}`, size: Buffer.byteLength(apply),
    componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring };
  if (existing) await store.updateItem(existing.id, fields);
  else if (method === 'REQUEST') await store.createItem({ folderId: cal.id, name: `${uid.replace(/[^A-Za-z0-9._-]/g, '_')}.ics`, ...fields });
}
