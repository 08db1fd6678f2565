/**
 * Sync ([MS-ASCMD] 2.2.1.21) for contacts, calendars, tasks and notes: several collections per
 * request, client commands, server changes in windows, retries of lost answers, empty and Partial
 * requests (14.0+, the last request's collections are cached per device), and the hanging Sync
 * (Wait / HeartbeatInterval, [MS-ASCMD] 3.1.5.4). The per-collection work is in ../sync/collection.ts.
 */
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { type CollectionRequest, type CollectionResult, collectionFolder, parseCollection, type SyncBudget, syncCollection } from '../sync/collection.js';
import { loadCache, saveCache, SYNC_REQUEST_CACHE, type SyncRequestCache, collectionKey } from '../sync/collection-state.js';
import { notificationsReady, pushHubFor } from '../sync/push.js';
import { SyncStatus } from '../statuses.js';
import { pendingFolders } from '../sync/pending.js';
import { wakeOnAging } from '../sync/aging.js';
import { sharedHierarchyChanged } from '../sharing.js';
import { type CommandContext, type CommandResult, empty, type OptionalWbxmlCommand, wbxml } from './types.js';

const NS = 'AirSync';
const MAX_COLLECTIONS = 1000;

const top = (status: number, limit?: number): CommandResult =>
  wbxml(el(NS, 'Sync', [el(NS, 'Status', String(status)), ...(limit !== undefined ? [el(NS, 'Limit', String(limit))] : [])]));

const int = (s: string | undefined): number | undefined => (s !== undefined && /^-?[0-9]{1,9}$/.test(s.trim()) ? Number(s.trim()) : undefined);

interface ParsedSync {
  collections: CollectionRequest[];
  wait?: number;
  heartbeat?: number;
  windowSize?: number;
}

/** The request, completed from the cache when empty or Partial; a CommandResult when it cannot be. */
async function readRequest(ctx: CommandContext, req: WbxmlElement | null, cache: SyncRequestCache | null): Promise<ParsedSync | CommandResult> {
  const fromCache = (ids: string[]) => ids.map((collectionId): CollectionRequest => ({ collectionId }));
  if (req === null) {
    // [MS-ASCMD] 2.2.1.21: an empty Sync (14.0+) repeats the last one.
    if (!ctx.atLeast('14.0') || !cache) return top(SyncStatus.IncompleteRequest);
    return { collections: fromCache(cache.collections), wait: cache.wait, heartbeat: cache.heartbeat, windowSize: cache.windowSize };
  }
  const wait = int(childText(req, 'Wait', NS));
  const heartbeat = int(childText(req, 'HeartbeatInterval', NS));
  if (wait !== undefined && heartbeat !== undefined) return top(SyncStatus.ProtocolError);
  const cols = child(req, 'Collections', NS);
  const parsed = cols ? children(cols, 'Collection', NS).map(parseCollection) : [];
  if (parsed.some((c) => c === null) || parsed.length > MAX_COLLECTIONS) return top(SyncStatus.ProtocolError);
  const collections = parsed as CollectionRequest[];
  const partial = child(req, 'Partial', NS) !== undefined;
  const out: ParsedSync = { collections, wait, heartbeat, windowSize: int(childText(req, 'WindowSize', NS)) };
  if (partial || collections.length === 0) {
    // [MS-ASCMD] 2.2.3.129 Partial: the cached collections not named here take part as they were.
    if (!ctx.atLeast('14.0') || !cache) return top(SyncStatus.IncompleteRequest);
    const named = new Set(collections.map((c) => c.collectionId));
    out.collections = [...collections, ...fromCache(cache.collections.filter((id) => !named.has(id)))];
    if (wait === undefined && heartbeat === undefined) { out.wait = cache.wait; out.heartbeat = cache.heartbeat; }
    out.windowSize ??= cache.windowSize;
  }
  return out;
}

/** Collections taken from the cache continue from their current key. */
async function withCurrentKeys(ctx: CommandContext, cols: CollectionRequest[]): Promise<CollectionRequest[]> {
  const out: CollectionRequest[] = [];
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.collectionId)) continue;
    seen.add(c.collectionId);
    if (c.syncKey !== undefined) { out.push(c); continue; }
    const folder = (await collectionFolder(ctx, c.collectionId))?.folder;
    const s = folder && await ctx.store.getSyncState(ctx.device.id, collectionKey(folder.id));
    if (s) out.push({ ...c, syncKey: s.syncKey });
  }
  return out;
}

async function runOnce(ctx: CommandContext, cols: CollectionRequest[], windowSize: number | undefined, deadline: number): Promise<CollectionResult[]> {
  const budget: SyncBudget = { remaining: windowSize && windowSize > 0 ? windowSize : Number.MAX_SAFE_INTEGER, deadline, now: ctx.now() };
  const out: CollectionResult[] = [];
  // The device's own writes wake none of its held requests (Ping, hanging Sync): see push.ts.
  const writes = cols.some((c) => (c.commands?.children.length ?? 0) > 0);
  const hub = pushHubFor(ctx.store);
  const token = writes ? await hub.beginWrites(ctx.device) : null;
  try {
    for (const c of cols) out.push(await syncCollection(ctx, c, budget));
  } finally {
    if (token !== null) await hub.endWrites(ctx.device, token, out.flatMap((r) => r.wrote), (folders) => pendingFolders(ctx, folders));
  }
  return out;
}

async function run(ctx: CommandContext, req: WbxmlElement | null): Promise<CommandResult> {
  const cache = await loadCache<SyncRequestCache>(ctx, SYNC_REQUEST_CACHE);
  const parsed = await readRequest(ctx, req, cache);
  if ('kind' in parsed) return parsed;
  const { wait, heartbeat } = parsed;
  // [MS-ASCMD] 2.2.3.198 Wait (minutes, 1-59), 2.2.3.88.2 HeartbeatInterval (seconds, configured bounds).
  if (wait !== undefined && (wait < 1 || wait > 59)) return top(SyncStatus.InvalidWaitOrHeartbeat, wait < 1 ? 1 : 59);
  const { minHeartbeat, maxHeartbeat, maxSyncSeconds } = ctx.settings.activesync;
  if (heartbeat !== undefined && (heartbeat < minHeartbeat || heartbeat > maxHeartbeat)) {
    return top(SyncStatus.InvalidWaitOrHeartbeat, heartbeat < minHeartbeat ? minHeartbeat : maxHeartbeat);
  }
  const cols = await withCurrentKeys(ctx, parsed.collections);
  // Answer before the client gives up: leave a margin under maxSyncSeconds for encoding and the network.
  const budgetMs = Math.max(1000, (maxSyncSeconds || 60) * 1000 - 2000);
  let results = await runOnce(ctx, cols, parsed.windowSize, ctx.now() + budgetMs);

  if (ctx.atLeast('14.0')) {
    await saveCache<SyncRequestCache>(ctx, SYNC_REQUEST_CACHE, {
      v: 1, collections: cols.map((c) => c.collectionId),
      ...(wait !== undefined ? { wait } : {}), ...(heartbeat !== undefined ? { heartbeat } : {}),
      ...(parsed.windowSize !== undefined ? { windowSize: parsed.windowSize } : {}),
    }, cache);
  }

  const holdMs = wait !== undefined ? wait * 60_000 : heartbeat !== undefined ? heartbeat * 1000 : 0;
  if (holdMs > 0 && !results.some((r) => r.news)) {
    // Hanging Sync: nothing to say yet; wait for a change in one of the collections.
    const folders = results.map((r) => r.folderId).filter((f): f is number => f !== null);
    // Shared folders change in their owners' accounts: listen to those too.
    const accounts = [ctx.account.id, ...results.map((r) => r.ownerId).filter((a): a is number => a !== null)];
    const held = pushHubFor(ctx.store).hold({
      kind: 'sync', device: ctx.device, accountIds: accounts, folders, timeoutMs: holdMs, signal: ctx.signal,
      pending: (fs) => pendingFolders(ctx, fs), hierarchyChanged: () => sharedHierarchyChanged(ctx),
    });
    await notificationsReady(ctx.store);
    // A change (or a grant) that landed between the pass above and the subscription.
    if (await sharedHierarchyChanged(ctx)) held.finish({ kind: 'hierarchy' });
    const pending = await pendingFolders(ctx, folders);
    if (pending.length) held.finish({ kind: 'changed', folders: pending });
    // An event leaving a FilterType window wakes it too (../sync/aging.ts).
    const stopAging = pending.length ? () => undefined : await wakeOnAging(ctx, held, folders, ctx.now() + holdMs);
    const woke = await held.promise;
    stopAging();
    // [MS-ASCMD] 2.2.3.177.17 Status 12: a grant gained or lost, the device runs FolderSync.
    if (woke.kind === 'hierarchy') return top(SyncStatus.FolderHierarchyChanged);
    // Expired, superseded, or a wipe / access change that the next request meets in request.ts.
    if (woke.kind !== 'changed') return empty();
    const again = cols.map((c) => ({ collectionId: c.collectionId, syncKey: c.syncKey, windowSize: c.windowSize }));
    results = await runOnce(ctx, again, parsed.windowSize, ctx.now() + budgetMs);
    if (!results.some((r) => r.news)) return empty();
  }
  return wbxml(el(NS, 'Sync', [el(NS, 'Collections', results.map((r) => r.element))]));
}

export const sync: OptionalWbxmlCommand = {
  name: 'Sync',
  needsProvisioning: true,
  root: { ns: NS, tag: 'Sync' },
  malformedStatus: SyncStatus.ProtocolError,
  errorStatus: () => SyncStatus.ServerError,
  body: 'wbxml',
  bodyBudget: 'message',
  emptyBodyAllowed: true,
  handle: run,
};
