/**
 * Implicit scheduling on PUT and DELETE (RFC 6638 §3.2): the organizer's writes invite, update
 * and cancel attendees (those with SCHEDULE-AGENT=SERVER, the default, §7.1); an attendee's
 * change of PARTSTAT replies to the organizer. The organizer's outcome per attendee is returned
 * for SCHEDULE-STATUS (§7.3): 1.2 delivered inside Hearth, 1.1 sent by iMIP, 5.1 not sent.
 */
import ICAL from 'ical.js';
import type { Account } from '../../../src/model/types.js';
import { extractCalendarFields } from '../../../src/pim/extract.js';
import type { DavRequest } from '../request.js';
import { deliver, internalRecipient, mailto, withMethod } from './deliver.js';

type Component = InstanceType<typeof ICAL.Component>;

function parse(text: string | null): { root: Component; main: Component } | null {
  if (!text) return null;
  try {
    const root = new ICAL.Component(ICAL.parse(text));
    const main = root.getAllSubcomponents().find((c) => c.name === 'vevent' || c.name === 'vtodo');
    return main ? { root, main } : null;
  } catch { return null; }
}

const attendees = (c: Component) => c.getAllProperties('attendee').map((p) => ({ email: mailto(p.getFirstValue()), partstat: String(p.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase(), prop: p }));

const serverAgent = (p: InstanceType<typeof ICAL.Property>) => String(p.getParameter('schedule-agent') ?? 'SERVER').toUpperCase() === 'SERVER';

async function send(q: DavRequest, from: string, to: string, method: 'REQUEST' | 'CANCEL' | 'REPLY', root: Component, uid: string, apply?: string): Promise<string> {
  const message = withMethod(root, method);
  const account = await internalRecipient(q, to);
  if (account) { await deliver(q, account, method, message, uid, apply); return '1.2'; }
  try {
    await q.svc.imip.send({ from, to: [to], method, ics: message });
    return '1.1';
  } catch {
    return '5.1';
  }
}

/** Returns SCHEDULE-STATUS by attendee address when the owner is the organizer, else null. */
export async function implicitSchedule(q: DavRequest, owner: Account, before: string | null, after: string): Promise<Map<string, string> | null> {
  const now = parse(after);
  if (!now) return null;
  const organizer = mailto(now.main.getFirstPropertyValue('organizer'));
  if (!organizer) return null;
  const uid = extractCalendarFields(after).uid;
  const prev = parse(before);
  if (organizer === owner.email) {
    const statuses = new Map<string, string>();
    const current = attendees(now.main).filter((a) => a.email && a.email !== organizer);
    for (const a of current) if (serverAgent(a.prop)) statuses.set(a.email, await send(q, organizer, a.email, 'REQUEST', now.root, uid, after));
    const gone = prev ? attendees(prev.main).filter((a) => a.email && a.email !== organizer && serverAgent(a.prop) && !current.some((c) => c.email === a.email)) : [];
    for (const a of gone) await send(q, organizer, a.email, 'CANCEL', prev!.root, uid);
    return statuses;
  }
  // The owner is an attendee: reply when their participation status changed (§3.2.2).
  const mine = attendees(now.main).find((a) => a.email === owner.email);
  const was = prev ? attendees(prev.main).find((a) => a.email === owner.email) : undefined;
  if (!mine || (was && was.partstat === mine.partstat) || mine.partstat === 'NEEDS-ACTION') return null;
  const reply = ICAL.Component.fromString(now.root.toString());
  const rmain = reply.getAllSubcomponents().find((c) => c.name === now.main.name)!;
  for (const p of rmain.getAllProperties('attendee')) if (mailto(p.getFirstValue()) !== owner.email) rmain.removeProperty(p);
  const orgAccount = await internalRecipient(q, organizer);
  if (!orgAccount) { await q.svc.imip.send({ from: owner.email, to: [organizer], method: 'REPLY', ics: withMethod(reply, 'REPLY') }); return null; }
  // Update the attendee's PARTSTAT on the organizer's copy.
  const store = q.svc.ctx.store;
  const cal = await store.findFolderByRole(orgAccount.id, 'calendar');
  const copy = cal ? await store.getItemByUid(cal.id, uid) : null;
  let apply: string | undefined;
  const orig = parse(copy?.content ?? null);
  if (orig) {
    for (const a of attendees(orig.main)) if (a.email === owner.email) a.prop.setParameter('partstat', mine.partstat);
    apply = orig.root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
  }
  await deliver(q, orgAccount, 'REPLY', withMethod(reply, 'REPLY'), uid, apply);
  return null;
}
