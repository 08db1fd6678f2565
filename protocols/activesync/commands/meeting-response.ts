/**
 * MeetingResponse ([MS-ASCMD] 2.2.1.11): the user accepts (UserResponse 1), tentatively accepts
 * (2) or declines (3) a meeting, named by a meeting request in a mail folder or by the event in a
 * calendar folder (CollectionId + RequestId, or search:LongId), optionally one occurrence
 * (InstanceId, 14.1+). Each Request gets its own Result ([MS-ASCMD] 2.2.3.155.2).
 *
 * What changes:
 * - the user's copy in the calendar: PARTSTAT and busy status (src/pim/meeting-answer.ts); a
 *   decline removes it, as Exchange does (one occurrence: an EXDATE). A request whose event is
 *   not in the calendar yet gets it first (src/pim/invitation.ts).
 * - the organizer is told with an iTIP REPLY (RFC 5546 §3.2.3) only when the client asks the
 *   server to: in 16.0/16.1 when SendResponse is present; before 16.0 the client sends the
 *   response itself with SendMail ([MS-ASCMD] 2.2.1.11), and that mail is applied on arrival
 *   like any iMIP reply (src/mail/imip/incoming.ts). An organizer inside the user's domain gets
 *   it through the same path CalDAV scheduling uses (src/pim/itip-deliver.ts); others by iMIP
 *   through the outbound queue (src/mail/imip/sender.ts).
 * Not done: counter proposals (ProposedStartTime/EndTime are ignored); the request message stays
 * in the Inbox (the client deletes it).
 */
import ICAL from 'ical.js';
import type { Item } from '../../../src/model/types.js';
import type { MailMessage } from '../../../src/model/mail.js';
import { decodedText } from '../../../src/mail/part-content.js';
import { calendarPart, itipFromText, MAX_IMIP_PART_BYTES } from '../../../src/mail/imip/incoming.js';
import { imipOverOutbound } from '../../../src/mail/imip/sender.js';
import { calendarItemFields } from '../../../src/pim/item.js';
import { deliverReplyToOrganizer } from '../../../src/pim/itip-deliver.js';
import { fileInvitation, findEventByUid } from '../../../src/pim/invitation.js';
import { answeredCopy, answerOccurrence, meetingRoles, replyItip, type Answer } from '../../../src/pim/meeting-answer.js';
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { collectionFolder } from '../sync/collection.js';
import { parseItemServerId, serverIdOf } from '../sync/ids.js';
import { MeetingResponseStatus as Status } from '../statuses.js';
import { parseEasDate } from '../convert/util.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, wbxml } from './types.js';

const NS = 'MeetingResponse';
const ANSWERS: Record<string, Answer> = { '1': 'ACCEPTED', '2': 'TENTATIVE', '3': 'DECLINED' };
const MAX_REQUESTS = 100;

class Refused extends Error {
  constructor(readonly status: number, why: string) { super(why); }
}

/** The meeting a Request names: the calendar event (maybe created now) and its text. */
interface Target { event: Item; ics: string }

/** The iTIP REQUEST carried by a message of the user's mail folder. */
async function requestOfMessage(ctx: CommandContext, msg: MailMessage): Promise<string> {
  const part = calendarPart(msg.parsed.mime);
  if (!part || part.bodyEnd - part.bodyStart > MAX_IMIP_PART_BYTES) throw new Refused(Status.InvalidMeetingRequest, 'not a meeting request');
  const bytes = (await ctx.store.readMessageBytes(msg.itemId, { start: part.bodyStart, end: part.bodyEnd })) ?? Buffer.alloc(0);
  const itip = itipFromText(await decodedText(bytes, { ...part, bodyStart: 0, bodyEnd: bytes.length }), part);
  if (typeof itip === 'string' || itip.method !== 'REQUEST' || itip.main.name !== 'vevent') throw new Refused(Status.InvalidMeetingRequest, 'not a meeting request');
  return itip.text;
}

async function target(ctx: CommandContext, folderId: string | undefined, requestId: string | undefined, instance: boolean): Promise<Target> {
  const found = await collectionFolder(ctx, folderId ?? requestId?.split(':')[0]);
  // Only the user's own folders: answering for another user is delegation, which is not served.
  if (!found || found.folder.accountId !== ctx.account.id) throw new Refused(Status.InvalidMeetingRequest, 'no such folder');
  const id = parseItemServerId(requestId, found.folder.id);
  if (id === null) throw new Refused(Status.InvalidMeetingRequest, 'no such item');
  if (found.folder.kind === 'mail') {
    // [MS-ASCMD] 2.2.3.177.9: an InstanceId with a mail meeting request is Status 2.
    if (instance) throw new Refused(Status.InvalidMeetingRequest, 'InstanceId with a mail item');
    const msg = await ctx.store.getMessage(id);
    if (!msg || msg.folderId !== found.folder.id) throw new Refused(Status.InvalidMeetingRequest, 'no such message');
    const itip = await requestOfMessage(ctx, msg);
    const uid = meetingRoles(itip, ctx.account.email)?.uid;
    if (!uid) throw new Refused(Status.InvalidMeetingRequest, 'no UID');
    let event = await findEventByUid(ctx.store, ctx.account, uid);
    if (!event) {
      // Mail that came before invitations reached the calendar, or an event the user removed.
      await fileInvitation(ctx.store, ctx.account, 'REQUEST', itip);
      event = await findEventByUid(ctx.store, ctx.account, uid);
    }
    if (!event?.content) throw new Refused(Status.InvalidMeetingRequest, 'the meeting is not a calendar event');
    return { event, ics: event.content };
  }
  if (found.folder.kind !== 'calendar') throw new Refused(Status.InvalidMeetingRequest, 'not a mail or calendar folder');
  const event = await ctx.store.getItem(id);
  if (!event?.content || event.folderId !== found.folder.id) throw new Refused(Status.InvalidMeetingRequest, 'no such event');
  return { event, ics: event.content };
}

/** The organizer hears the answer: inside the domain by the scheduling path, else by iMIP. */
async function sendReply(ctx: CommandContext, organizer: string, uid: string, answer: Answer, reply: string): Promise<void> {
  const org = await ctx.store.getAccount(organizer);
  if (org && org.kind === 'user' && !org.disabled && org.domainId === ctx.account.domainId) {
    await deliverReplyToOrganizer(ctx.store, org, ctx.account.email, answer, reply, uid);
    return;
  }
  if (!ctx.outbound) throw new Refused(Status.ServerError, 'this server has no outbound mail');
  await imipOverOutbound(ctx.outbound, ctx.settings.hostname).send({ from: ctx.account.email, to: [organizer], method: 'REPLY', ics: reply });
}

/** RFC 5546 §3.2.3: the note the user typed travels as the REPLY's COMMENT. */
function withComment(reply: string, note: string | undefined): string {
  if (!note?.trim()) return reply;
  const root = new ICAL.Component(ICAL.parse(reply));
  for (const c of root.getAllSubcomponents('vevent')) c.addPropertyWithValue('comment', note.trim().slice(0, 4000));
  return root.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

async function respond(ctx: CommandContext, req: WbxmlElement): Promise<WbxmlElement> {
  const longId = childText(req, 'LongId', 'Search');
  const requestId = childText(req, 'RequestId', NS) ?? longId;
  const instanceId = childText(req, 'InstanceId', NS);
  const result = (status: number, calendarId?: string) => el(NS, 'Result', [
    ...(requestId !== undefined ? [el(NS, 'RequestId', requestId)] : []),
    el(NS, 'Status', String(status)),
    ...(calendarId ? [el(NS, 'CalendarId', calendarId)] : []),
    ...(instanceId !== undefined && ctx.atLeast('14.1') ? [el(NS, 'InstanceId', instanceId)] : []),
  ]);
  try {
    const answer = ANSWERS[childText(req, 'UserResponse', NS)?.trim() ?? ''];
    if (!answer) throw new Refused(Status.InvalidMeetingRequest, 'bad UserResponse');
    if (longId !== undefined && childText(req, 'CollectionId', NS) !== undefined) throw new Refused(Status.InvalidMeetingRequest, 'LongId with CollectionId');
    let instance: number | undefined;
    if (instanceId !== undefined) {
      if (!ctx.atLeast('14.1')) throw new Refused(Status.InvalidMeetingRequest, 'InstanceId before 14.1');
      try { instance = parseEasDate(instanceId); } catch { instance = undefined; }
      if (instance === undefined) throw new Refused(Status.InvalidMeetingRequest, 'bad InstanceId');
    }
    const { event, ics } = await target(ctx, childText(req, 'CollectionId', NS), requestId, instance !== undefined);
    const me = ctx.account.email.toLowerCase();
    const roles = meetingRoles(ics, me);
    // [MS-ASCMD] 2.2.3.177.9: the user's own meeting (or no meeting at all) cannot be answered.
    if (!roles || roles.organizer === me) throw new Refused(Status.InvalidMeetingRequest, 'not an invitation to the user');

    // The user's copy.
    let recurrenceId: InstanceType<typeof ICAL.Time> | undefined;
    let kept = true;
    if (instance !== undefined) {
      const occ = answerOccurrence(ics, me, answer, instance);
      if (!occ) throw new Refused(Status.InvalidMeetingRequest, 'no such occurrence');
      recurrenceId = occ.recurrenceId;
      await ctx.store.updateItem(event.id, { ...calendarItemFields(occ.text), uid: event.uid });
    } else if (answer === 'DECLINED') {
      await ctx.store.deleteItem(event.id);
      kept = false;
    } else {
      await ctx.store.updateItem(event.id, { ...calendarItemFields(answeredCopy(ics, me, answer)), uid: event.uid });
    }

    // The organizer's copy: 16.x with SendResponse only (before 16.0 the client mails the reply).
    const send = child(req, 'SendResponse', NS);
    if (ctx.atLeast('16.0') && send) {
      const note = childText(child(send, 'Body', 'AirSyncBase') ?? send, 'Data', 'AirSyncBase');
      const reply = withComment(replyItip(ics, me, answer, new Date(ctx.now()), recurrenceId), note);
      await sendReply(ctx, roles.organizer, roles.uid, answer, reply);
    }
    ctx.log.info({ answer, instance: instance !== undefined, replied: Boolean(ctx.atLeast('16.0') && send) }, 'eas.meeting-response');
    return result(Status.Success, kept && answer !== 'DECLINED' ? serverIdOf(event.folderId, event.id) : undefined);
  } catch (e) {
    if (e instanceof Refused) {
      ctx.log.info({ status: e.status, err: e.message }, 'eas.meeting-response.refused');
      return result(e.status);
    }
    ctx.log.warn({ err: (e as Error).message }, 'eas.meeting-response.failed');
    return result(Status.MailboxError);
  }
}

export const meetingResponse: WbxmlCommand = {
  name: 'MeetingResponse',
  needsProvisioning: true,
  root: { ns: NS, tag: 'MeetingResponse' },
  malformedStatus: Status.InvalidMeetingRequest,
  errorStatus: () => Status.MailboxError,
  statusBody: (status) => el(NS, 'MeetingResponse', [el(NS, 'Result', [el(NS, 'Status', String(status))])]),
  body: 'wbxml',
  async handle(ctx: CommandContext, request: WbxmlElement): Promise<CommandResult> {
    const reqs = children(request, 'Request', NS).slice(0, MAX_REQUESTS);
    if (reqs.length === 0) return wbxml(el(NS, 'MeetingResponse', [el(NS, 'Result', [el(NS, 'Status', String(Status.InvalidMeetingRequest))])]));
    const results: WbxmlElement[] = [];
    for (const r of reqs) results.push(await respond(ctx, r));
    return wbxml(el(NS, 'MeetingResponse', results));
  },
};
