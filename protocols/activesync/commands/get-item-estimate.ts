/**
 * GetItemEstimate ([MS-ASCMD] 2.2.1.9): how many changes the next Syncs of each collection would
 * bring, counted with the same enumeration Sync uses (nothing converted, no state written).
 * Accepts the 12.1 layout (Class, CollectionId, FilterType, SyncKey) and the 14.0+ one (SyncKey,
 * CollectionId, Options).
 */
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import { matchSyncKey } from '../state.js';
import { classForKind } from '../sync/classes.js';
import { enumerateChanges } from '../sync/changes.js';
import { collectionFolder } from '../sync/collection.js';
import { IdSet } from '../sync/ids.js';
import { asCollectionState, collectionKey } from '../sync/collection-state.js';
import { EstimateStatus } from '../statuses.js';
import { type CommandContext, type CommandResult, type WbxmlCommand, wbxml } from './types.js';
import { CommonStatus } from '../statuses.js';

const NS = 'GetItemEstimate';
const AS = 'AirSync';
/** Counting stops here; the estimate is then "at least this many". */
const MAX_COUNT = 100_000;

function response(status: number, collectionId: string, estimate?: number): WbxmlElement {
  const c = [el(NS, 'CollectionId', collectionId), ...(estimate !== undefined ? [el(NS, 'Estimate', String(estimate))] : [])];
  return el(NS, 'Response', [el(NS, 'Status', String(status)), el(NS, 'Collection', c)]);
}

async function estimate(ctx: CommandContext, col: WbxmlElement): Promise<WbxmlElement> {
  const collectionId = childText(col, 'CollectionId', NS) ?? childText(col, 'CollectionId') ?? '';
  const key = childText(col, 'SyncKey', AS) ?? childText(col, 'SyncKey');
  const options = child(col, 'Options', AS);
  const filterText = (options && childText(options, 'FilterType', AS)) ?? childText(col, 'FilterType', AS);
  // The user's folder or one shared with it; a revoked share is an unknown collection.
  const folder = (await collectionFolder(ctx, collectionId))?.folder;
  if (!folder) return response(EstimateStatus.InvalidCollection, collectionId);
  const m = await matchSyncKey(ctx.store, ctx.device.id, collectionKey(folder.id), key);
  if (m.kind === 'initial') return response(EstimateStatus.NotPrimed, collectionId);
  if (m.kind === 'invalid') return response(m.state ? EstimateStatus.InvalidSyncKey : EstimateStatus.NotPrimed, collectionId);
  const st = asCollectionState(m.kind === 'previous' ? m.state.previousState : m.state.state);
  if (!st) return response(EstimateStatus.InvalidSyncKey, collectionId);
  const cls = classForKind(folder.kind);
  if (!cls) return response(EstimateStatus.Success, collectionId, 0);
  const filterType = filterText !== undefined && /^[0-9]$/.test(filterText.trim()) ? Number(filterText.trim()) : st.opts.filterType;
  const rescan = filterType !== st.opts.filterType;
  const en = await enumerateChanges(ctx.store, cls, folder.id, {
    modseq: rescan ? 0 : st.modseq, have: IdSet.parse(st.have), echo: st.echo, filterType,
    rescanBelow: rescan ? Math.max(st.modseq, st.rescanBelow ?? 0) : st.rescanBelow, agedTo: st.agedTo,
  }, { max: MAX_COUNT, deadline: ctx.now() + 10_000, now: ctx.now(), clock: () => ctx.now() });
  return response(EstimateStatus.Success, collectionId, en.entries.length);
}

async function run(ctx: CommandContext, req: WbxmlElement): Promise<CommandResult> {
  const cols = child(req, 'Collections', NS);
  const list = cols ? children(cols, 'Collection', NS) : [];
  // [MS-ASCMD] 2.2.3.177.7 has no request-level status: a malformed request is Status 2 for what it names.
  if (list.length === 0) return wbxml(el(NS, 'GetItemEstimate', [response(EstimateStatus.InvalidCollection, '')]));
  const out: WbxmlElement[] = [];
  for (const c of list.slice(0, 300)) out.push(await estimate(ctx, c));
  return wbxml(el(NS, 'GetItemEstimate', out));
}

export const getItemEstimate: WbxmlCommand = {
  name: 'GetItemEstimate',
  needsProvisioning: true,
  root: { ns: NS, tag: 'GetItemEstimate' },
  malformedStatus: EstimateStatus.InvalidCollection,
  errorStatus: () => CommonStatus.ServerError,
  // Its own statuses live in a Response ([MS-ASCMD] 2.2.3.177.7); the common ones (2.2.2) at the top.
  statusBody: (status) => el(NS, 'GetItemEstimate', [status < 100 ? response(status, '') : el(NS, 'Status', String(status))]),
  body: 'wbxml',
  handle: run,
};
