/**
 * MoveItems ([MS-ASCMD] 2.2.1.12) between folders the user may write: the user's own and those
 * an owner shared with 'write', inside one account or across two, each Move with its own Status
 * ([MS-ASCMD] 2.2.3.177.10: 1 bad source, 2 bad destination, 3 success, 4 same folder, 5 failed).
 * The device already shows the move, so its sync states of both folders are told: the item left
 * the source (no Delete will be sent) and is in the destination at its new version (no Add).
 */
import type { Folder, Item } from '../../../src/model/types.js';
import { isStoreError } from '../../../src/store/errors.js';
import { trainMovedMessages } from '../../../src/mail/filters/train-moves.js';
import { childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { classForKind, resourceName, type ItemClass } from '../sync/classes.js';
import { collectionFolder } from '../sync/collection.js';
import { IdSet, parseItemServerId, serverIdOf } from '../sync/ids.js';
import { asCollectionState, collectionKey } from '../sync/collection-state.js';
import { pushHubFor, writeKey } from '../sync/push.js';
import { pendingFolders } from '../sync/pending.js';
import { MoveStatus } from '../statuses.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, wbxml } from './types.js';
import { moveStatusOf } from '../errors.js';

const NS = 'Move';

/** Records in the device's state of `folderId` that it has (or no longer has) the item. */
async function tellState(ctx: CommandContext, folderId: number, itemId: number, modseq: number | null): Promise<void> {
  const s = await ctx.store.getSyncState(ctx.device.id, collectionKey(folderId));
  const st = s ? asCollectionState(s.state) : null;
  if (!s || !st) return;
  const have = IdSet.parse(st.have);
  const echo = { ...st.echo };
  if (modseq === null) { have.delete(itemId); delete echo[itemId]; } else { have.add(itemId); echo[itemId] = modseq; }
  // Same key: the device's key stays valid and the previous state stays the retry point.
  await ctx.store.putSyncState(ctx.device.id, s.collection, s.syncKey, { ...st, have: have.toString(), echo });
}

/**
 * A move into or out of Junk is a lesson for the spam filter (src/mail/filters/train-moves.ts, as
 * IMAP MOVE). Not awaited: the phone's answer does not wait for the filter, and a filter that is
 * down costs the user nothing (logged).
 */
function teachSpamFilter(ctx: CommandContext, src: Folder, dst: Folder, moved: Item): void {
  if (moved.imapUid === null) return;
  trainMovedMessages(ctx.store, ctx.spamTrainer, { from: src, to: dst, targetUids: [moved.imapUid], user: ctx.account.email },
    (e) => ctx.log.warn({ err: e.message }, 'eas.move.spam-training-failed'), (lesson) => ctx.log.info({ lesson }, 'eas.move.spam-trained'));
}

async function moveOne(ctx: CommandContext, m: WbxmlElement, wrote: string[]): Promise<WbxmlElement> {
  const srcMsgId = childText(m, 'SrcMsgId', NS) ?? '';
  const out = (status: number, dst?: string) => el(NS, 'Response', [
    el(NS, 'SrcMsgId', srcMsgId), el(NS, 'Status', String(status)), ...(dst ? [el(NS, 'DstMsgId', dst)] : []),
  ]);
  const from = await collectionFolder(ctx, childText(m, 'SrcFldId', NS));
  if (!from) return out(MoveStatus.InvalidSource);
  const src = from.folder;
  const itemId = parseItemServerId(srcMsgId, src.id);
  const item = itemId === null ? null : await ctx.store.getItem(itemId);
  if (!item || item.folderId !== src.id || item.accountId !== src.accountId) return out(MoveStatus.InvalidSource);
  const to = await collectionFolder(ctx, childText(m, 'DstFldId', NS));
  if (!to) return out(MoveStatus.InvalidDestination);
  const dst = to.folder;
  if (dst.id === src.id) return out(MoveStatus.SameFolder);
  // A contact cannot become an event: only folders of one kind exchange items. A move takes
  // 'write' on both sides (a read-only share loses and gains nothing).
  if (dst.kind !== src.kind || from.access === 'read' || to.access === 'read') return out(MoveStatus.Failed);
  const cls = classForKind(src.kind);
  let moved: Item | null = null;
  if (src.kind === 'mail') {
    // Messages move through the mail store (new IMAP UID in the destination, same item id), and
    // only inside one account: a message into another owner's shared folder is refused.
    if (dst.accountId !== src.accountId) return out(MoveStatus.Failed);
    if (item.imapUid === null) return out(MoveStatus.InvalidSource);
    try {
      await ctx.store.moveMessages(src.id, [item.imapUid], dst.id);
      moved = await ctx.store.getItem(item.id);
    } catch (e) {
      ctx.log.info({ err: (e as Error).message }, 'eas.move.refused');
      return out(moveStatusOf(e));
    }
    if (!moved) return out(MoveStatus.InvalidSource);
    teachSpamFilter(ctx, src, dst, moved);
  } else if (dst.accountId !== src.accountId) return moveAcross(ctx, item, dst, cls, out, wrote);
  for (let attempt = 0; !moved; attempt++) {
    try {
      const name = attempt === 0 ? undefined : cls ? resourceName(item.uid ?? String(item.id), cls, attempt) : `${attempt}-${item.name}`;
      moved = await ctx.store.moveItem(item.id, dst.id, name);
    } catch (e) {
      // Another item took the name in the destination: try the next one.
      if (isStoreError(e, 'Conflict') && attempt < 5) continue;
      ctx.log.info({ err: (e as Error).message }, 'eas.move.refused');
      return out(moveStatusOf(e));
    }
  }
  await tellState(ctx, src.id, item.id, null);
  await tellState(ctx, dst.id, item.id, moved.modseq);
  // The store stamps the source's tombstone one modseq before the moved item.
  wrote.push(writeKey(src.accountId, moved.modseq), writeKey(src.accountId, moved.modseq - 1));
  return out(MoveStatus.Success, serverIdOf(dst.id, item.id));
}

/**
 * A move between two accounts (the user's folder and one shared by an owner, or two owners'):
 * the store moves only inside an account, so the item is created in the destination (its quota,
 * its UIDs) and then deleted from the source if it is still the version the device moved. A crash
 * in between leaves two copies, never none.
 */
async function moveAcross(ctx: CommandContext, item: Item, dst: Folder, cls: ItemClass | null, out: (status: number, dst?: string) => WbxmlElement, wrote: string[]): Promise<WbxmlElement> {
  // Calendar, contact, task and note objects are text; anything with a blob waits for mail MoveItems.
  if (!cls || item.blobHash) return out(MoveStatus.Failed);
  let created: Item | null = null;
  for (let attempt = 0; !created; attempt++) {
    try {
      created = await ctx.store.createItem({
        folderId: dst.id, name: attempt === 0 ? item.name : resourceName(item.uid ?? String(item.id), cls, attempt), uid: item.uid, content: item.content,
        contentType: item.contentType, size: item.size, componentType: item.componentType, summary: item.summary,
        startAt: item.startAt, endAt: item.endAt, recurring: item.recurring, props: item.props,
      });
    } catch (e) {
      // A name taken in the destination: the next one. The same UID there: refused (Conflict, Status 5).
      if (isStoreError(e, 'Conflict') && attempt < 5 && !(await uidTaken(ctx, dst.id, item.uid))) continue;
      ctx.log.info({ err: (e as Error).message }, 'eas.move.refused');
      return out(moveStatusOf(e));
    }
  }
  try {
    await ctx.store.deleteItem(item.id, { ifModseq: item.modseq });
  } catch (e) {
    // Changed or gone meanwhile: undo the copy, the source wins.
    await ctx.store.deleteItem(created.id).catch(() => undefined);
    ctx.log.info({ err: (e as Error).message }, 'eas.move.refused');
    return out(MoveStatus.Failed);
  }
  await tellState(ctx, item.folderId, item.id, null);
  await tellState(ctx, dst.id, created.id, created.modseq);
  const srcAfter = await ctx.store.getFolder(item.folderId);
  wrote.push(writeKey(dst.accountId, created.modseq), ...(srcAfter ? [writeKey(srcAfter.accountId, srcAfter.contentModseq)] : []));
  return out(MoveStatus.Success, serverIdOf(dst.id, created.id));
}

async function uidTaken(ctx: CommandContext, folderId: number, uid: string | null): Promise<boolean> {
  return uid !== null && (await ctx.store.getItemByUid(folderId, uid)) !== null;
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  const moves = children(req, 'Move', NS);
  if (moves.length === 0) return wbxml(el(NS, 'MoveItems', [el(NS, 'Status', String(MoveStatus.Failed))]));
  const out: WbxmlElement[] = [];
  const wrote: string[] = [];
  // The device's own moves wake none of its held requests (../sync/push.ts).
  const hub = pushHubFor(ctx.store);
  const token = await hub.beginWrites(ctx.device);
  try {
    for (const m of moves.slice(0, 1000)) out.push(await moveOne(ctx, m, wrote));
  } finally {
    await hub.endWrites(ctx.device, token, wrote, (folders) => pendingFolders(ctx, folders));
  }
  return wbxml(el(NS, 'MoveItems', out));
}

export const moveItems: WbxmlCommand = {
  name: 'MoveItems',
  needsProvisioning: true,
  root: { ns: NS, tag: 'MoveItems' },
  malformedStatus: MoveStatus.Failed,
  errorStatus: () => MoveStatus.Failed,
  body: 'wbxml',
  handle: run,
};
