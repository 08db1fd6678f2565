/**
 * Delivery of iTIP messages (RFC 5546) inside Hearth (RFC 6638 §3.2): into the recipient's
 * schedule inbox and onto the recipient's default calendar (the rule is src/pim/itip-deliver.ts,
 * shared with ActiveSync MeetingResponse). Recipients outside the organizer's
 * domain, or unknown, go through the iMIP seam (scheduling/imip.ts) instead.
 */
import ICAL from 'ical.js';
import type { Account } from '../../../src/model/types.js';
import { deliverItip, keepPartstat } from '../../../src/pim/itip-deliver.js';
import type { DavRequest } from '../request.js';

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

/** Puts the message in the inbox and applies it to the recipient's default calendar (src/pim/itip-deliver.ts). */
export async function deliver(q: DavRequest, to: Account, method: 'REQUEST' | 'CANCEL' | 'REPLY', message: string, uid: string, apply?: string): Promise<void> {
  await deliverItip(q.svc.ctx.store, to, method, message, uid, apply);
}

export { keepPartstat };
