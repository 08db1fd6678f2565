/** The organizer deleted a scheduled event: cancel it for every attendee (RFC 6638 §3.2.1.3). */
import ICAL from 'ical.js';
import type { Account } from '../../../src/model/types.js';
import type { DavRequest } from '../request.js';
import { deliver, internalRecipient, mailto, withMethod } from './deliver.js';

export async function cancelOnDelete(q: DavRequest, owner: Account, ics: string): Promise<void> {
  let root;
  try { root = new ICAL.Component(ICAL.parse(ics)); } catch { return; }
  const main = root.getAllSubcomponents().find((c) => c.name === 'vevent' || c.name === 'vtodo');
  if (!main || mailto(main.getFirstPropertyValue('organizer')) !== owner.email) return;
  const uid = String(main.getFirstPropertyValue('uid') ?? '');
  const message = withMethod(root, 'CANCEL');
  for (const p of main.getAllProperties('attendee')) {
    const email = mailto(p.getFirstValue());
    if (!email || email === owner.email) continue;
    const a = await internalRecipient(q, email);
    if (a) await deliver(q, a, 'CANCEL', message, uid);
    else await q.svc.imip.send({ from: owner.email, to: [email], method: 'CANCEL', ics: message });
  }
}
