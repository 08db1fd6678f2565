/**
 * Email in the Sync engine: a message of a mail folder as ApplicationData (../convert/email.ts,
 * read from the message store), and the phone's commands on messages ([MS-ASCMD] 2.2.3.32):
 * - Change: Read, Flag and Categories become the shared flags (\Seen, \Flagged, keywords:
 *   ../convert/email-flags.ts) through MailStore.storeFlags, so IMAP sees them at once; other
 *   elements of a received message cannot change and are ignored;
 * - Delete: with DeletesAsMoves (the default, [MS-ASCMD] 2.2.3.43) a move to the account's
 *   Deleted Items (role trash); without it, or in Deleted Items itself, an expunge;
 * - Fetch: the message with the collection's BodyPreference;
 * - Add: mail is not created by Sync before 16.0 drafts (not supported): Status 6.
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

const NS = 'AirSync';

export function emailOptions(ctx: CommandContext, opts: Pick<CollectionOptions, 'bodyPreference' | 'bodyPreferences' | 'mimeSupport'>): EmailConvertOptions {
  return {
    protocolVersion: ctx.protocolVersion, userEmail: ctx.account.email, mimeSupport: opts.mimeSupport ?? 0,
    bodyPreferences: opts.bodyPreferences ?? (opts.bodyPreference ? [opts.bodyPreference] : []),
  };
}

/**
 * Reader of a message's bytes by range, for the converters: only the range is read from the blob
 * (a header block or one text part), not the whole message.
 */
export function messageReader(ctx: Pick<CommandContext, 'store'>, msg: Pick<MailMessage, 'blobHash' | 'size'>) {
  return async (range: { start: number; end: number }): Promise<Buffer> => {
    const start = Math.max(0, Math.min(range.start, msg.size));
    const end = Math.max(start, Math.min(range.end, msg.size));
    if (end === start) return Buffer.alloc(0);
    const r = await ctx.store.getBlobStream(msg.blobHash, { start, end: end - 1 });
    if (!r) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const c of r.stream) chunks.push(c as Buffer);
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  };
}

/** ApplicationData of a stored message; null when the item is not a message (any more). */
export async function messageData(ctx: Pick<CommandContext, 'store'>, msgOrId: number | MailMessage, o: EmailConvertOptions): Promise<WbxmlElement[] | null> {
  const msg = typeof msgOrId === 'number' ? await ctx.store.getMessage(msgOrId) : msgOrId;
  if (!msg) return null;
  return encodable(await messageToEas(msg, messageReader(ctx, msg), o));
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
        o.applied.adds[clientId] = ['', SyncStatus.ConversionError];
        r = el(NS, 'Add', [el(NS, 'ClientId', clientId), el(NS, 'Status', String(SyncStatus.ConversionError))]);
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
