/**
 * The client's Commands of one Sync collection ([MS-ASCMD] 2.2.3.32): Add, Change, Delete, Fetch,
 * each with its own Status ([MS-ASCMD] 2.2.3.177.17). Responses carry every Add and Fetch, and a
 * Change or Delete only when it failed ([MS-ASCMD] 2.2.3.154).
 *
 * A retried request (the client never saw our answer and resends its old SyncKey) is answered
 * from `replay`, the results remembered in the state that answered it: an Add is not created a
 * second time, it gets the ServerId it got the first time.
 *
 * A folder shared read-only (../sharing.ts) takes no write: an Add is refused with Status 6 (the
 * item cannot be stored; [MS-ASCMD] 2.2.3.177.17 has no access-denied value, and 6 is one the
 * client does not retry), a Change or a Delete with Status 7 as a conflict the server wins: the
 * stored version is sent back in the same answer (a Change, or an Add for a deleted item), so the
 * phone shows the owner's version again. Nothing is written.
 *
 * An item over a size limit (./item-limits.ts) is refused with Status 6 before it is converted.
 */
import type { Folder, Item } from '../../../src/model/types.js';
import { isStoreError } from '../../../src/store/errors.js';
import { child, childText, el, type WbxmlElement } from '../wbxml/types.js';
import type { ConvertOptions } from '../convert/util.js';
import type { CommandContext } from '../commands/types.js';
import { type ItemClass, isOfClass, resourceName } from './classes.js';
import { IdSet, parseItemServerId, serverIdOf } from './ids.js';
import type { Applied } from './collection-state.js';
import { SyncStatus } from '../statuses.js';
import { itemOverLimit } from './item-limits.js';
import { syncItemStatusOf } from '../errors.js';
import { organizerWrote } from './meeting-requests.js';

const NS = 'AirSync';

export interface OpsContext {
  ctx: CommandContext;
  cls: ItemClass;
  folder: Folder;
  convert: ConvertOptions;
  /** Modseq up to which the device has seen server versions (conflict detection). */
  knownModseq: number;
  conflict: 0 | 1;
  /** Working copies, updated as commands are applied. */
  have: IdSet;
  echo: Record<string, number>;
  applied: Applied;
  replay: Applied | null;
  /** A folder shared with the user read-only: no client write is applied. */
  readOnly: boolean;
  /** Items whose stored version must be sent again in this answer (refused writes, read-only). */
  resend: Set<number>;
}

/** Finds an item by ServerId inside this collection of this account; null for anything else. */
export async function resolveItem(o: Pick<OpsContext, 'ctx' | 'cls' | 'folder'>, serverId: string | undefined): Promise<Item | null> {
  const id = parseItemServerId(serverId, o.folder.id);
  if (id === null) return null;
  const item = await o.ctx.store.getItem(id);
  // The folder's account (the user, or the owner of a shared folder the caller checked access to).
  if (!item || item.folderId !== o.folder.id || item.accountId !== o.folder.accountId || !isOfClass(o.cls, item)) return null;
  return item;
}

function statusOf(o: OpsContext, e: unknown, what: string): number {
  const status = syncItemStatusOf(e);
  if (status === SyncStatus.ServerError) o.ctx.log.warn({ err: e, what }, 'eas.sync.client-op-failed');
  else o.ctx.log.info({ err: (e as Error).message, status, what }, 'eas.sync.client-op-refused');
  return status;
}

/** An item over a size limit (item-limits.ts): refused alone, before any conversion. */
function tooLarge(o: OpsContext, appData: WbxmlElement, what: string): boolean {
  const over = itemOverLimit(appData, o.ctx.limits);
  if (over) o.ctx.log.info({ limit: over, what }, 'eas.sync.item-too-large');
  return over !== null;
}

function wrote(o: OpsContext, item: Item): void {
  o.have.add(item.id);
  o.echo[item.id] = item.modseq;
  o.applied.writes[item.id] = item.modseq;
}

async function add(o: OpsContext, cmd: WbxmlElement): Promise<WbxmlElement> {
  const clientId = childText(cmd, 'ClientId', NS) ?? '';
  const answer = (serverId: string, status: number) => {
    o.applied.adds[clientId] = [serverId, status];
    return el(NS, 'Add', [el(NS, 'ClientId', clientId), ...(serverId ? [el(NS, 'ServerId', serverId)] : []), el(NS, 'Status', String(status))]);
  };
  if (!clientId || clientId.length > 64) return answer('', SyncStatus.ProtocolError);
  const earlier = o.replay?.adds[clientId] ?? o.applied.adds[clientId];
  if (earlier) {
    const id = parseItemServerId(earlier[0], o.folder.id);
    if (id !== null) o.have.add(id);
    return answer(earlier[0], earlier[1]);
  }
  const appData = child(cmd, 'ApplicationData', NS);
  if (!appData) return answer('', SyncStatus.ProtocolError);
  if (o.readOnly) return answer('', SyncStatus.ConversionError);
  if (tooLarge(o, appData, 'add')) return answer('', SyncStatus.ConversionError);
  try {
    const content = o.cls.fromEas(appData.children, undefined, o.convert);
    const fields = o.cls.fields(content);
    const store = o.ctx.store;
    // The same UID again (a calendar client sends its own): the same object, updated.
    const same = await store.getItemByUid(o.folder.id, fields.uid);
    if (same && same.accountId === o.folder.accountId) {
      const merged = o.cls.fromEas(appData.children, same.content ?? undefined, o.convert);
      const { uid: _uid, ...patch } = o.cls.fields(merged);
      const item = await store.updateItem(same.id, patch);
      wrote(o, item);
      await organizerWrote(o, same.content, item.content);
      return answer(serverIdOf(o.folder.id, item.id), SyncStatus.Success);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const item = await store.createItem({ folderId: o.folder.id, name: resourceName(fields.uid, o.cls, attempt), ...fields });
        wrote(o, item);
        await organizerWrote(o, null, item.content);
        return answer(serverIdOf(o.folder.id, item.id), SyncStatus.Success);
      } catch (e) {
        // Another object took the resource name: try the next one.
        if (!isStoreError(e, 'Conflict') || attempt >= 5 || (await store.getItemByUid(o.folder.id, fields.uid))) throw e;
      }
    }
  } catch (e) {
    return answer('', statusOf(o, e, 'add'));
  }
}

async function change(o: OpsContext, cmd: WbxmlElement): Promise<WbxmlElement | null> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const key = `C:${serverId}`;
  const fail = (status: number) => {
    o.applied.ops[key] = status;
    return status === SyncStatus.Success ? null : el(NS, 'Change', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(status))]);
  };
  const earlier = o.replay?.ops[key];
  if (earlier !== undefined) {
    const id = parseItemServerId(serverId, o.folder.id);
    if (o.readOnly && earlier === SyncStatus.Conflict && id !== null) o.resend.add(id);
    return fail(earlier);
  }
  const appData = child(cmd, 'ApplicationData', NS);
  if (!appData) return fail(SyncStatus.ProtocolError);
  const item = await resolveItem(o, serverId);
  if (!item) return fail(SyncStatus.ObjectNotFound);
  if (o.readOnly) {
    // Read-only: the server wins; its version goes back to the phone.
    o.resend.add(item.id);
    return fail(SyncStatus.Conflict);
  }
  // [MS-ASCMD] 2.2.3.34 Conflict: the server changed the item since the device last saw it.
  const serverNewer = item.modseq > o.knownModseq && o.echo[item.id] !== item.modseq;
  if (serverNewer && o.conflict === 1) return fail(SyncStatus.Conflict);
  if (tooLarge(o, appData, 'change')) return fail(SyncStatus.ConversionError);
  try {
    const content = o.cls.fromEas(appData.children, item.content ?? undefined, o.convert);
    const { uid, ...patch } = o.cls.fields(content);
    const full = uid !== item.uid ? { ...patch, uid } : patch;
    const updated = await o.ctx.store.updateItem(item.id, full, o.conflict === 1 ? { ifModseq: item.modseq } : {});
    wrote(o, updated);
    await organizerWrote(o, item.content, updated.content);
    return fail(SyncStatus.Success);
  } catch (e) {
    return fail(statusOf(o, e, 'change'));
  }
}

async function remove(o: OpsContext, cmd: WbxmlElement): Promise<WbxmlElement | null> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const key = `D:${serverId}`;
  const fail = (status: number) => {
    o.applied.ops[key] = status;
    return status === SyncStatus.Success ? null : el(NS, 'Delete', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(status))]);
  };
  const id = parseItemServerId(serverId, o.folder.id);
  const earlier = o.replay?.ops[key];
  if (earlier !== undefined) {
    // A discarded delete (Conflict) also left the device without the item: it is sent again.
    if ((earlier === SyncStatus.Success || earlier === SyncStatus.Conflict) && id !== null) o.have.delete(id);
    if (o.readOnly && earlier === SyncStatus.Conflict && id !== null) o.resend.add(id);
    return fail(earlier);
  }
  const item = await resolveItem(o, serverId);
  if (!item) {
    // Gone already (deleted elsewhere meanwhile): what the device wanted. Unknown ids: Status 8.
    if (id !== null && o.have.has(id)) { o.have.delete(id); return fail(SyncStatus.Success); }
    return fail(SyncStatus.ObjectNotFound);
  }
  // [MS-ASCMD] 2.2.3.34 Conflict: the server changed the item since the device last saw it. Server
  // wins: the delete is discarded (Status 7) and, the device having dropped the item, the server
  // version is sent again as an Add (it is no longer in `have`; its modseq is past the sync point).
  const discard = () => { o.have.delete(item.id); return fail(SyncStatus.Conflict); };
  if (o.readOnly) {
    // Read-only: the delete is discarded and the item sent again as an Add.
    o.resend.add(item.id);
    return discard();
  }
  if (o.conflict === 1 && item.modseq > o.knownModseq && o.echo[item.id] !== item.modseq) return discard();
  try {
    // PIM deletes are real deletes; DeletesAsMoves ([MS-ASCMD] 2.2.3.43) concerns mail only.
    await o.ctx.store.deleteItem(item.id, o.conflict === 1 ? { ifModseq: item.modseq } : {});
    o.have.delete(item.id);
    await organizerWrote(o, item.content, null);
    return fail(SyncStatus.Success);
  } catch (e) {
    if (isStoreError(e, 'NotFound')) { o.have.delete(item.id); return fail(SyncStatus.Success); }
    // Written by someone else between our read and the delete: a conflict too.
    if (isStoreError(e, 'PreconditionFailed')) return discard();
    return fail(statusOf(o, e, 'delete'));
  }
}

async function fetch(o: OpsContext, cmd: WbxmlElement): Promise<WbxmlElement> {
  const serverId = childText(cmd, 'ServerId', NS) ?? '';
  const item = await resolveItem(o, serverId);
  if (!item) return el(NS, 'Fetch', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(SyncStatus.ObjectNotFound))]);
  try {
    const data = o.cls.toEas(item.content!, o.convert);
    return el(NS, 'Fetch', [el(NS, 'ServerId', serverId), el(NS, 'Status', '1'), el(NS, 'ApplicationData', data)]);
  } catch (e) {
    return el(NS, 'Fetch', [el(NS, 'ServerId', serverId), el(NS, 'Status', String(statusOf(o, e, 'fetch')))]);
  }
}

/** Applies the Commands element; returns the Responses children. */
export async function applyClientCommands(o: OpsContext, commands: WbxmlElement): Promise<WbxmlElement[]> {
  if (o.replay) {
    // The retried request's writes are the device's own versions.
    for (const [id, m] of Object.entries(o.replay.writes)) {
      o.echo[id] = m;
      o.applied.writes[id] = m;
    }
  }
  const out: WbxmlElement[] = [];
  for (const cmd of commands.children) {
    let r: WbxmlElement | null = null;
    switch (cmd.tag) {
      case 'Add': r = await add(o, cmd); break;
      case 'Change': r = await change(o, cmd); break;
      case 'Delete': r = await remove(o, cmd); break;
      case 'Fetch': r = await fetch(o, cmd); break;
      default: break; // SoftDelete is server-to-client only; unknown tags are ignored
    }
    if (r) out.push(r);
  }
  return out;
}
