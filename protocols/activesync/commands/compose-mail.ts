/**
 * SendMail, SmartReply and SmartForward ([MS-ASCMD] 2.2.1.17, 2.2.1.18, 2.2.1.19), one module
 * for the three: from 14.0 a ComposeMail WBXML request (ClientId, SaveInSentItems, ReplaceMime,
 * Source, Mime); in 12.1 the MIME itself as the body, with SaveInSent, ItemId and CollectionId on
 * the request line. Success is an empty HTTP 200; a failure is the ComposeMail Status (14.0+)
 * or HTTP 500 (12.1, which has no WBXML answer). The work is ../compose.ts.
 */
import { decodeWbxml, isWbxmlError } from '../wbxml/index.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import { collectionFolder } from '../sync/collection.js';
import { parseItemServerId } from '../sync/ids.js';
import { ComposeError, ComposeStatus, type ComposeRequest, submit } from '../compose.js';
import { forwardMeetingItem, meetingForwardRequest, type MeetingForwardRequest } from '../forward-meeting.js';
import { type CommandContext, type CommandResult, type RawCommand, empty, httpStatus, wbxml } from './types.js';

const NS = 'ComposeMail';
const SENT_IDS = 'compose-client-ids';

type Kind = ComposeRequest['kind'];
const TAGS: Record<Kind, string> = { send: 'SendMail', reply: 'SmartReply', forward: 'SmartForward' };

/** The original message of a reply or forward, if the user may read it; else ItemNotFound. */
async function source(ctx: CommandContext, folderId: string | undefined, itemId: string | undefined) {
  const found = await collectionFolder(ctx, folderId ?? (itemId?.split(':')[0]));
  if (!found || found.folder.kind !== 'mail') throw new ComposeError(ComposeStatus.ItemNotFound, 'no such folder');
  const id = parseItemServerId(itemId, found.folder.id);
  const msg = id === null ? null : await ctx.store.getMessage(id);
  if (!msg || msg.folderId !== found.folder.id) throw new ComposeError(ComposeStatus.ItemNotFound, 'no such message');
  return msg;
}

/** The ClientIds this device sent recently ([MS-ASCMD] 2.2.3.27.1: a repeated one is Status 118). */
async function seen(ctx: CommandContext, clientId: string | undefined): Promise<string[] | null> {
  if (!clientId) return null;
  const s = await ctx.store.getSyncState(ctx.device.id, SENT_IDS);
  const ids = Array.isArray((s?.state as { ids?: unknown })?.ids) ? (s!.state as { ids: string[] }).ids : [];
  if (ids.includes(clientId)) throw new ComposeError(ComposeStatus.MessagePreviouslySent, 'ClientId sent before');
  return ids;
}

/**
 * AccountId (14.1+, [MS-ASCMD] 2.2.3.3.1): the account to send from. Settings offers one account,
 * the user's own (its PrimarySmtpAddress), so that address (or the account's number) is the only
 * valid value; anything else is 166. Before 14.1 the element is not part of the protocol (101).
 */
function checkAccount(ctx: CommandContext, accountId: string | undefined): void {
  if (accountId === undefined) return;
  if (!ctx.atLeast('14.1')) throw new ComposeError(ComposeStatus.InvalidContent, 'AccountId before 14.1');
  const id = accountId.trim().toLowerCase();
  if (id !== ctx.account.email.toLowerCase() && id !== String(ctx.account.id)) throw new ComposeError(ComposeStatus.InvalidAccountId, 'not this account');
}

type Parsed = (ComposeRequest & { earlier: string[] | null }) | { kind: 'meeting-forward'; meeting: MeetingForwardRequest; clientId?: string; earlier: string[] | null };

async function parseRequest(ctx: CommandContext, kind: Kind): Promise<Parsed> {
  if (!ctx.atLeast('14.0')) {
    // 12.1: the body is the MIME; parameters on the request line ([MS-ASHTTP] 2.2.1.1.1.2).
    const q = ctx.query;
    const src = kind === 'send' ? undefined : await source(ctx, q.collectionId, q.itemId ?? q.longId);
    return { kind, mime: ctx.rawBody, saveInSent: q.saveInSent, replaceMime: false, ...(src ? { source: src } : {}), earlier: null };
  }
  let doc: WbxmlElement;
  try {
    doc = decodeWbxml(ctx.rawBody, { maxInputBytes: ctx.rawBody.length + 1, maxElements: ctx.limits.requestElements });
  } catch (e) {
    if (isWbxmlError(e)) throw new ComposeError(ComposeStatus.InvalidWBXML, 'undecodable WBXML');
    throw e;
  }
  if (doc.ns !== NS || doc.tag !== TAGS[kind]) throw new ComposeError(ComposeStatus.InvalidContent, 'wrong root element');
  checkAccount(ctx, childText(doc, 'AccountId', NS));
  // 16.x SmartForward may carry Forwardees and airsyncbase:Body instead of Mime, only to forward a
  // calendar item ([MS-ASCMD] 2.2.3.169), and never together with Mime (../forward-meeting.ts).
  const clientId = childText(doc, 'ClientId', NS);
  if (child(doc, 'Forwardees', NS) || child(doc, 'Body', 'AirSyncBase')) {
    const meeting = meetingForwardRequest(ctx, doc);
    return { kind: 'meeting-forward', meeting, ...(clientId ? { clientId } : {}), earlier: await seen(ctx, clientId) };
  }
  const mimeEl = child(doc, 'Mime', NS);
  const mime = mimeEl?.opaque ? Buffer.from(mimeEl.opaque) : Buffer.from(mimeEl?.text ?? '', 'utf8');
  const earlier = await seen(ctx, clientId);
  const src = child(doc, 'Source', NS);
  let original;
  if (kind !== 'send') {
    if (!src) throw new ComposeError(ComposeStatus.InvalidContent, 'no Source');
    const longId = childText(src, 'LongId', NS);
    original = await source(ctx, childText(src, 'FolderId', NS), childText(src, 'ItemId', NS) ?? longId);
  }
  return {
    kind, mime, saveInSent: child(doc, 'SaveInSentItems', NS) !== undefined, replaceMime: child(doc, 'ReplaceMime', NS) !== undefined,
    ...(original ? { source: original } : {}), ...(clientId ? { clientId } : {}), earlier,
  };
}

function composeCommand(kind: Kind): RawCommand {
  const tag = TAGS[kind];
  return {
    name: tag,
    needsProvisioning: true,
    root: { ns: NS, tag },
    malformedStatus: ComposeStatus.InvalidContent,
    errorStatus: () => ComposeStatus.ServerError,
    body: 'raw',
    bodyBudget: 'message',
    async handle(ctx: CommandContext): Promise<CommandResult> {
      try {
        const req = await parseRequest(ctx, kind);
        if (req.kind === 'meeting-forward') await forwardMeetingItem(ctx, req.meeting, ctx.sendRate);
        else await submit(ctx, req, ctx.sendRate);
        if (req.clientId && req.earlier) {
          await ctx.store.putSyncState(ctx.device.id, SENT_IDS, '1', { ids: [...req.earlier, req.clientId].slice(-100) });
        }
        return empty();
      } catch (e) {
        if (!(e instanceof ComposeError)) throw e;
        ctx.log.info({ status: e.status, err: e.message }, 'eas.compose.failed');
        return ctx.atLeast('14.0') ? wbxml(el(NS, tag, [el(NS, 'Status', String(e.status))])) : httpStatus(e.status === ComposeStatus.SendQuotaExceeded ? 503 : e.status === ComposeStatus.InvalidMIME ? 400 : 500);
      }
    },
  };
}

export const sendMail = composeCommand('send');
export const smartReply = composeCommand('reply');
export const smartForward = composeCommand('forward');
