/**
 * Email in the Sync engine: a message of a mail folder as ApplicationData (../convert/email.ts,
 * read from the message store), and the phone's commands on messages ([MS-ASCMD] 2.2.3.32):
 * - Change: Read, Flag and Categories become the shared flags (\Seen, \Flagged, keywords:
 *   ../convert/email-flags.ts) through MailStore.storeFlags, so IMAP sees them at once; other
 *   elements of a received message cannot change and are ignored;
 * - Delete: with DeletesAsMoves (the default, [MS-ASCMD] 2.2.3.43) a move to the account's
 *   Deleted Items (role trash); without it, or in Deleted Items itself, an expunge;
 * - Fetch: the message with the collection's BodyPreference;
 * - Add and Change of a draft in the Drafts folder from 16.0 (./drafts.ts); any other Add: Status 6.
 */
import type { MailMessage } from '../../../src/model/mail.js';
import { DELETED } from '../../../src/model/mail.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import type { CommandContext } from '../commands/types.js';
import { type EmailConvertOptions, messageToEas } from '../convert/email.js';
import { flagEdit } from '../convert/email-flags.js';
import type { CollectionOptions } from './collection-state.js';
import { type OpsContext, resolveItem } from './client-ops.js';
import { parseItemServerId } from './ids.js';
import { SyncStatus } from '../statuses.js';
import { encodable } from './encodable.js';
import { syncItemStatusOf } from '../errors.js';
import { addDraft, changeDraft, DraftSendError, sendDraft, takesDrafts, wantsSend } from './drafts.js';
import { messageReader } from './message-reader.js';

export { messageReader } from './message-reader.js';

const NS = 'AirSync';

export function emailOptions(ctx: CommandContext, opts: Pick<CollectionOptions, 'bodyPreference' | 'bodyPreferences' | 'mimeSupport'>): EmailConvertOptions {
  return {
    protocolVersion: ctx.protocolVersion, userEmail: ctx.account.email, mimeSupport: opts.mimeSupport ?? 0,
    bodyPreferences: opts.bodyPreferences ?? (opts.bodyPreference ? [opts.bodyPreference] : []),
  };
}

/** ApplicationData of a stored message; null when the item is not a message (any more). */
export async function messageData(ctx: Pick<CommandContext, 'store'>, msgOrId: number | MailMessage, o: EmailConvertOptions): Promise<WbxmlElement[] | null> {
  const msg = typeof msgOrId === 'number' ? await ctx.store.getMessage(msgOrId) : msgOrId;
  if (!msg) return null;
  return encodable(await messageToEas(msg, messageReader(ctx, msg), o));
}

/** Messages converted at once in a Sync window: their blob reads overlap. */
const CONVERT_CONCURRENCY = 8;

/**
 * ApplicationData of a Sync window's messages, by item id: the rows in one store read when the
 * window's UIDs are close together (an initial sync), each message converted from its own blob a
 * few at a time. A message that is gone maps to null, one that failed to convert to its Error.
 */
export async function windowMessageData(ctx: Pick<CommandContext, 'store'>, folderId: number, items: { id: number; imapUid: number | null }[],
  o: EmailConvertOptions): Promise<Map<number, WbxmlElement[] | null | Error>> {
  const out = new Map<number, WbxmlElement[] | null | Error>();
  const uids = items.map((i) => i.imapUid).filter((u): u is number => u !== null);
  const byId = new Map<number, MailMessage>();
  if (uids.length > 1) {
    const lo = Math.min(...uids);
    const hi = Math.max(...uids);
    // Close together: one ranged read of the rows; scattered (changes): one read per message below.
    if (hi - lo < 4 * uids.length + 16) {
      for (const m of await ctx.store.listMessages(folderId, { uidFrom: lo, uidTo: hi })) byId.set(m.itemId, m);
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        out.set(item.id, await messageData(ctx, byId.get(item.id) ?? item.id, o));
      } catch (e) {
        out.set(item.id, e instanceof Error ? e : new Error(String(e)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONVERT_CONCURRENCY, items.length) }, worker));
  return out;
}

function statusOf(o: OpsContext, e: unknown, what: string): number {
  const status = syncItemStatusOf(e);
  if (status === SyncStatus.ServerError) o.ctx.log.warn({ err: e, what }, 'eas.sync.mail-op-failed');
  else o.ctx.log.info({ err: (e as Error).message, status, what }, 'eas.sync.mail-op-refused');
  return status;
}

function wrote(o: OpsContext, itemId: number, modseq: number): void {
  o.have.add(itemId);
  o.echo[itemId] = modseq;
  o.applied.writes[itemId] = modseq;
}

/** Add: a draft in the Drafts folder from 16.0 (./drafts.ts); any other mail is not created by Sync (Status 6). */
async function add(o: OpsContext, clientId: string, cmd: WbxmlElement): Promise<WbxmlElement> {
  const answer = (serverId: string, status: number) => {
    o.applied.adds[clientId] = [serverId, status];
    return el(NS, 'Add', [el(NS, 'ClientId', clientId), ...(serverId ? [el(NS, 'ServerId', serverId)] : []), el(NS, 'Status', String(status))]);
  };
  const earlier = o.replay?.adds[clientId] ?? o.applied.adds[clientId];
  if (earlier) return answer(earlier[0], earlier[1]);
  const appData = child(cmd, 'ApplicationData', NS);
  if (!takesDrafts(o) || !appData || o.readOnly) return answer('', SyncStatus.ConversionError);
  try {
    const r = await addDraft(o, clientId, appData, wantsSend(cmd));
    if (r.itemId !== null) wrote(o, r.itemId, r.modseq);
    o.applied.adds[clientId] = [childText(r.element, 'ServerId', NS) ?? '', SyncStatus.Success];
    return r.element;
  } catch (e) {
    // A refused Email2:Send: the draft is stored and comes to the phone as a server Add.
    if (e instanceof DraftSendError) return answer('', e.status);
    return answer('', statusOf(o, e, 'add-draft'));
  }
}

/** Elements of a Change that edit a draft (not only its flags). */
const DRAFT_FIELDS = new Set(['Email:To', 'Email:Cc', 'Email2:Bcc', 'Email:Subject', 'Email:Importance', 'AirSyncBase:Body', 'AirSyncBase:Attachments']);

async function change(o: OpsContext, cmd: WbxmlElement): Promise<WbxmlElement | null> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const key = `C:${serverId}`;
  const fail = (status: number) => {
    o.applied.ops[key] = status;
    return status === SyncStatus.Success ? null : el(NS, 'Change', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(status))]);
  };
  const earlier = o.replay?.ops[key];
  if (earlier !== undefined) return fail(earlier);
  const appData = child(cmd, 'ApplicationData', NS);
  if (!appData) return fail(SyncStatus.ProtocolError);
  const item = await resolveItem(o, serverId);
  if (!item || item.imapUid === null) return fail(SyncStatus.ObjectNotFound);
  if (o.readOnly) { o.resend.add(item.id); return fail(SyncStatus.Conflict); }
  const send = takesDrafts(o) && wantsSend(cmd);
  const edits = takesDrafts(o) && appData.children.some((c) => DRAFT_FIELDS.has(`${c.ns}:${c.tag}`));
  if (edits || send) {
    try {
      const old = await o.ctx.store.getMessage(item.id);
      if (!old) return fail(SyncStatus.ObjectNotFound);
      // Email2:Send alone sends the stored draft's bytes as they are.
      const r = edits ? await changeDraft(o, serverId, old, appData, send) : (await sendDraft(o, old), null);
      o.applied.ops[key] = SyncStatus.Success;
      return r;
    } catch (e) {
      if (e instanceof DraftSendError) return fail(e.status);
      return fail(statusOf(o, e, 'change-draft'));
    }
  }
  try {
    const edit = flagEdit(appData.children, item.flags);
    let modseq: number | null = null;
    // Flags are merged, not replaced: what another client set meanwhile stays (no conflict to lose).
    if (edit.add.length) modseq = (await o.ctx.store.storeFlags(o.folder.id, [item.imapUid], 'add', edit.add)).changed[0]?.modseq ?? modseq;
    if (edit.remove.length) modseq = (await o.ctx.store.storeFlags(o.folder.id, [item.imapUid], 'remove', edit.remove)).changed[0]?.modseq ?? modseq;
    if (modseq !== null) wrote(o, item.id, modseq);
    return fail(SyncStatus.Success);
  } catch (e) {
    return fail(statusOf(o, e, 'change'));
  }
}

async function remove(o: OpsContext, cmd: WbxmlElement, deletesAsMoves: boolean): Promise<WbxmlElement | null> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const key = `D:${serverId}`;
  const fail = (status: number) => {
    o.applied.ops[key] = status;
    return status === SyncStatus.Success ? null : el(NS, 'Delete', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(status))]);
  };
  const id = parseItemServerId(serverId, o.folder.id);
  const earlier = o.replay?.ops[key];
  if (earlier !== undefined) {
    if (earlier === SyncStatus.Success && id !== null) o.have.delete(id);
    return fail(earlier);
  }
  const item = await resolveItem(o, serverId);
  if (!item || item.imapUid === null) {
    if (id !== null && o.have.has(id)) { o.have.delete(id); return fail(SyncStatus.Success); }
    return fail(SyncStatus.ObjectNotFound);
  }
  if (o.readOnly) { o.resend.add(item.id); o.have.delete(item.id); return fail(SyncStatus.Conflict); }
  try {
    const store = o.ctx.store;
    const trash = deletesAsMoves ? await store.findFolderByRole(o.folder.accountId, 'trash') : null;
    if (trash && trash.id !== o.folder.id) {
      await store.moveMessages(o.folder.id, [item.imapUid], trash.id);
    } else {
      await store.storeFlags(o.folder.id, [item.imapUid], 'add', [DELETED]);
      await store.expungeMessages(o.folder.id, [item.imapUid]);
    }
    o.have.delete(item.id);
    return fail(SyncStatus.Success);
  } catch (e) {
    return fail(statusOf(o, e, 'delete'));
  }
}

async function fetch(o: OpsContext, cmd: WbxmlElement, email: EmailConvertOptions): Promise<WbxmlElement> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const item = await resolveItem(o, serverId);
  const data = item ? await messageData(o.ctx, item.id, email).catch((e) => { statusOf(o, e, 'fetch'); return null; }) : null;
  if (!data) return el(NS, 'Fetch', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(SyncStatus.ObjectNotFound))]);
  return el(NS, 'Fetch', [el(NS, 'ServerId', serverId), el(NS, 'Status', '1'), el(NS, 'ApplicationData', data)]);
}

/** The client's commands on a mail collection; returns the Responses children. */
export async function applyMailCommands(o: OpsContext, commands: WbxmlElement, opts: CollectionOptions): Promise<WbxmlElement[]> {
  if (o.replay) for (const [id, m] of Object.entries(o.replay.writes)) { o.echo[id] = m; o.applied.writes[id] = m; }
  const email = emailOptions(o.ctx, opts);
  const out: WbxmlElement[] = [];
  for (const cmd of commands.children) {
    let r: WbxmlElement | null = null;
    switch (cmd.tag) {
      case 'Add': {
        const clientId = childText(cmd, 'ClientId', NS) ?? '';
        r = await add(o, clientId, cmd);
        break;
      }
      case 'Change': r = await change(o, cmd); break;
      case 'Delete': r = await remove(o, cmd, opts.deletesAsMoves); break;
      case 'Fetch': r = await fetch(o, cmd, email); break;
      default: break;
    }
    if (r) out.push(r);
  }
  return out;
}
