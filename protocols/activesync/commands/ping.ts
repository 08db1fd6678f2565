/**
 * Ping ([MS-ASCMD] 2.2.1.13): hold the request until one of the folders changes (Status 2 with
 * the changed Folders) or the heartbeat ends (Status 1). The heartbeat and folder list are
 * remembered per device for requests that omit them (Status 3 when there is nothing to reuse).
 * Waking is driven by the store's change notifications and signals (../sync/push.ts), never by
 * polling: a grant gained or lost answers Status 7; a wipe or access change, a newer Ping of the
 * device (on any node) Status 1. An event leaving the device's FilterType window wakes it too
 * (a timer for the instant, ../sync/aging.ts).
 */
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { collectionFolder } from '../sync/collection.js';
import { loadCache, PING_CACHE, type PingCache, saveCache } from '../sync/collection-state.js';
import { notificationsReady, pushHubFor } from '../sync/push.js';
import { pendingFolders } from '../sync/pending.js';
import { wakeOnAging } from '../sync/aging.js';
import { PingStatus } from '../statuses.js';
import { sharedHierarchyChanged } from '../sharing.js';
import { type CommandContext, type CommandResult, type OptionalWbxmlCommand, wbxml } from './types.js';

const NS = 'Ping';
/** [MS-ASCMD] 2.2.3.100 MaxFolders: the most folders one Ping may watch. */
export const MAX_PING_FOLDERS = 300;

const answer = (status: number, extra: WbxmlElement[] = []): CommandResult => wbxml(el(NS, 'Ping', [el(NS, 'Status', String(status)), ...extra]));

async function run(ctx: CommandContext, req: WbxmlElement | null): Promise<CommandResult> {
  const cache = await loadCache<PingCache>(ctx, PING_CACHE);
  let heartbeat = cache?.heartbeat;
  let folderIds = cache?.folders;
  if (req !== null) {
    const hb = childText(req, 'HeartbeatInterval', NS);
    if (hb !== undefined) {
      if (!/^[0-9]{1,9}$/.test(hb.trim())) return answer(PingStatus.SyntaxError);
      heartbeat = Number(hb.trim());
    }
    const fs = child(req, 'Folders', NS);
    if (fs) folderIds = children(fs, 'Folder', NS).map((f) => childText(f, 'Id', NS) ?? '');
  }
  if (heartbeat === undefined || !folderIds || folderIds.length === 0) return answer(PingStatus.MissingParameters);
  // [MS-ASCMD] 2.2.3.88.1: outside the bounds, Status 5 with the bound the client should use.
  const { minHeartbeat, maxHeartbeat } = ctx.settings.activesync;
  if (heartbeat < minHeartbeat || heartbeat > maxHeartbeat) {
    return answer(PingStatus.HeartbeatOutOfBounds, [el(NS, 'HeartbeatInterval', String(heartbeat < minHeartbeat ? minHeartbeat : maxHeartbeat))]);
  }
  if (folderIds.length > MAX_PING_FOLDERS) return answer(PingStatus.TooManyFolders, [el(NS, 'MaxFolders', String(MAX_PING_FOLDERS))]);
  const byId = new Map<number, string>();
  const accounts = new Set([ctx.account.id]);
  for (const id of folderIds) {
    const f = (await collectionFolder(ctx, id))?.folder;
    // A folder the device knows but we do not (or a share revoked): its hierarchy is stale.
    if (!f) return answer(PingStatus.FolderSyncRequired);
    byId.set(f.id, id);
    // A shared folder changes in its owner's account: the Ping listens to the owner too.
    accounts.add(f.accountId);
  }
  await saveCache<PingCache>(ctx, PING_CACHE, { v: 1, heartbeat, folders: [...new Set(folderIds)] }, cache);

  const folders = [...byId.keys()];
  const held = pushHubFor(ctx.store).hold({
    kind: 'ping', device: ctx.device, accountIds: [...accounts], folders, timeoutMs: heartbeat * 1000, signal: ctx.signal,
    pending: (fs) => pendingFolders(ctx, fs), hierarchyChanged: () => sharedHierarchyChanged(ctx),
  });
  await notificationsReady(ctx.store);
  // Changes since the device's last Sync count at once ([MS-ASCMD] 3.1.5.2.1); subscribing first loses none.
  // So does a grant gained or lost before the subscription (its `grants` signal came too early).
  if (await sharedHierarchyChanged(ctx)) held.finish({ kind: 'hierarchy' });
  const pending = await pendingFolders(ctx, folders);
  if (pending.length) held.finish({ kind: 'changed', folders: pending });
  // An event of the device leaving its FilterType window wakes the Ping like a change (issue 14).
  const stopAging = pending.length ? () => undefined : await wakeOnAging(ctx, held, folders, ctx.now() + heartbeat * 1000);
  const woke = await held.promise;
  stopAging();
  switch (woke.kind) {
    case 'changed': return answer(PingStatus.Changes, [el(NS, 'Folders', woke.folders.map((f) => el(NS, 'Folder', byId.get(f) ?? String(f))))]);
    // [MS-ASCMD] 2.2.3.177.11 Status 7: the folder hierarchy changed, FolderSync first.
    case 'hierarchy': return answer(PingStatus.FolderSyncRequired);
    // 'device' (a wipe requested, access changed): Status 1 makes the device send its next request
    // at once, and request.ts answers that one with the wipe (449 / 140) or the block (403 / 129).
    default: return answer(PingStatus.Expired);
  }
}

export const ping: OptionalWbxmlCommand = {
  name: 'Ping',
  needsProvisioning: true,
  root: { ns: NS, tag: 'Ping' },
  malformedStatus: PingStatus.SyntaxError,
  errorStatus: () => PingStatus.ServerError,
  body: 'wbxml',
  emptyBodyAllowed: true,
  handle: run,
};
