/**
 * 16.x SmartForward of a calendar item ([MS-ASCMD] 2.2.3.169): instead of MIME the phone sends
 * Forwardees (2.2.3.79, each an Email and a Name) and an airsyncbase:Body with the user's note,
 * and the server forwards the meeting itself. The rule of what is forwarded is
 * src/pim/forward-meeting.ts; the REQUEST leaves as iMIP through Outbound like any phone mail
 * (the hourly send rate applies, local forwardees get it by local delivery, which files the
 * tentative event), and a copy is kept in Sent. When the user organizes the meeting its stored
 * event takes the forwardees as attendees.
 */
import { convert as htmlToText } from 'html-to-text';
import { SEEN } from '../../src/model/mail.js';
import { composeImip } from '../../src/mail/imip/compose.js';
import { MailParseError, parseMessage } from '../../src/mail/parse.js';
import { forwardMeeting, type Forwardee } from '../../src/pim/forward-meeting.js';
import { calendarItemFields } from '../../src/pim/item.js';
import { isStoreError } from '../../src/store/errors.js';
import type { CommandContext } from './commands/types.js';
import { ComposeError, ComposeStatus } from './compose.js';
import { collectionFolder } from './sync/collection.js';
import { parseItemServerId } from './sync/ids.js';
import { parseEasDate } from './convert/util.js';
import { child, childText, children, type WbxmlElement } from './wbxml/types.js';

const NS = 'ComposeMail';
/** Forwardees per request: a meeting forward is to people, not to a list. */
const MAX_FORWARDEES = 100;
const MAX_NOTE = 64 * 1024;

export interface MeetingForwardRequest {
  folderId: string | undefined;
  itemId: string | undefined;
  instanceId: string | undefined;
  forwardees: Forwardee[];
  note: string;
}

/**
 * The request's Forwardees form, checked ([MS-ASCMD] 2.2.3.169: with Forwardees or Body, Mime,
 * SaveInSentItems, ReplaceMime and TemplateID must not be present): Status 101 for a malformed
 * one, 119 without forwardees, 116 for an address that is not one.
 */
export function meetingForwardRequest(ctx: CommandContext, doc: WbxmlElement): MeetingForwardRequest {
  if (!ctx.atLeast('16.0')) throw new ComposeError(ComposeStatus.InvalidContent, 'Forwardees before 16.0');
  if (doc.tag !== 'SmartForward') throw new ComposeError(ComposeStatus.InvalidContent, 'Forwardees / Body outside SmartForward');
  for (const tag of ['Mime', 'SaveInSentItems', 'ReplaceMime']) {
    if (child(doc, tag, NS)) throw new ComposeError(ComposeStatus.InvalidContent, `${tag} with Forwardees / Body`);
  }
  if (child(doc, 'TemplateID', 'RightsManagement')) throw new ComposeError(ComposeStatus.InvalidContent, 'TemplateID with Forwardees / Body');
  const src = child(doc, 'Source', NS);
  if (!src) throw new ComposeError(ComposeStatus.InvalidContent, 'no Source');
  const list = child(doc, 'Forwardees', NS);
  const forwardees: Forwardee[] = [];
  for (const f of list ? children(list, 'Forwardee', NS) : []) {
    // [MS-ASWBXML] 2.1.2.1.22 names the tokens ForwardeeEmail / ForwardeeName ([MS-ASCMD]: Email, Name).
    const email = (childText(f, 'ForwardeeEmail', NS) ?? childText(f, 'Email', NS) ?? '').trim();
    if (!/^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/.test(email) || email.length > 254) {
      throw new ComposeError(ComposeStatus.MessageRecipientUnresolved, 'a Forwardee without a valid Email');
    }
    const name = (childText(f, 'ForwardeeName', NS) ?? childText(f, 'Name', NS))?.trim().slice(0, 256);
    forwardees.push({ email, ...(name ? { name } : {}) });
  }
  if (forwardees.length === 0) throw new ComposeError(ComposeStatus.MessageHasNoRecipient, 'no Forwardees');
  if (forwardees.length > MAX_FORWARDEES) throw new ComposeError(ComposeStatus.InvalidContent, 'too many Forwardees');
  // airsyncbase:Body: Type 1 (plain) or 2 (HTML, sent as its text), Data the note.
  const body = child(doc, 'Body', 'AirSyncBase');
  let note = body ? (childText(body, 'Data', 'AirSyncBase') ?? '') : '';
  if (body && (childText(body, 'Type', 'AirSyncBase') ?? '1').trim() === '2') note = htmlToText(note, { wordwrap: false });
  return {
    folderId: childText(src, 'FolderId', NS), itemId: childText(src, 'ItemId', NS) ?? childText(src, 'LongId', NS),
    instanceId: childText(src, 'InstanceId', NS), forwardees, note: note.slice(0, MAX_NOTE),
  };
}

/** Forwards the meeting; throws ComposeError with the status to answer. */
export async function forwardMeetingItem(ctx: CommandContext, req: MeetingForwardRequest, rate: { allows(id: number): boolean; record(id: number): void }): Promise<void> {
  if (!ctx.outbound) throw new ComposeError(ComposeStatus.MailSubmissionFailed, 'this server has no outbound mail');
  const found = await collectionFolder(ctx, req.folderId ?? req.itemId?.split(':')[0]);
  if (!found) throw new ComposeError(ComposeStatus.ItemNotFound, 'no such folder');
  // "valid in a SmartForward command request only when forwarding a calendar item" (2.2.3.169).
  if (found.folder.kind !== 'calendar') throw new ComposeError(ComposeStatus.InvalidContent, 'Forwardees with a source that is not a calendar item');
  const id = parseItemServerId(req.itemId, found.folder.id);
  const event = id === null ? null : await ctx.store.getItem(id);
  if (!event?.content || event.folderId !== found.folder.id) throw new ComposeError(ComposeStatus.ItemNotFound, 'no such calendar item');
  let instance: number | undefined;
  if (req.instanceId !== undefined) {
    try { instance = parseEasDate(req.instanceId); } catch { instance = undefined; }
    if (instance === undefined) throw new ComposeError(ComposeStatus.InvalidContent, 'bad InstanceId');
  }
  const me = ctx.account.email.toLowerCase();
  const fwd = forwardMeeting(event.content, me, req.forwardees, instance);
  if (!fwd) throw new ComposeError(instance !== undefined ? ComposeStatus.ItemNotFound : ComposeStatus.InvalidContent, 'not a meeting, or no such occurrence');
  if (!rate.allows(ctx.account.id)) throw new ComposeError(ComposeStatus.SendQuotaExceeded, 'hourly message limit reached');
  const recipients = [...new Set(req.forwardees.map((f) => f.email.toLowerCase()))];
  const bytes = await composeImip({
    from: me, to: recipients, method: 'REQUEST', ics: fwd.itip, note: req.note, subject: `Fw: ${fwd.summary || '(no title)'}`,
  }, ctx.settings.hostname);
  try {
    await ctx.outbound.send({ mailFrom: me, recipients, bytes, submittedBy: me });
  } catch (e) {
    ctx.log.info({ err: (e as Error).message }, 'eas.compose.refused');
    throw new ComposeError(ComposeStatus.MailSubmissionFailed, (e as Error).message);
  }
  rate.record(ctx.account.id);
  ctx.log.info({ kind: 'meeting-forward', recipients: recipients.length }, 'eas.compose.sent');
  // The organizer's own event learns its new attendees (own calendars only: a delegate's forward
  // of someone else's meeting is that organizer's business).
  if (fwd.stored && found.folder.accountId === ctx.account.id) {
    await ctx.store.updateItem(event.id, { ...calendarItemFields(fwd.stored), uid: fwd.uid });
  }
  const sent = await ctx.store.findFolderByRole(ctx.account.id, 'sent');
  if (!sent) return;
  try {
    const parsed = await parseMessage(bytes);
    await ctx.store.appendMessages(sent.id, [{ bytes, parsed, flags: [SEEN], internalDate: ctx.now() }]);
  } catch (e) {
    if (!(e instanceof MailParseError) && !isStoreError(e, 'QuotaExceeded')) throw e;
    ctx.log.warn({ err: (e as Error).message }, 'eas.compose.sent-copy-failed');
  }
}
