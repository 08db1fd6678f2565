/**
 * One Collection of a Sync request ([MS-ASCMD] 2.2.3.29.2): key matching, options, the client's
 * commands, the server's changes in a window, the new state, and the Collection answer.
 *
 * Keys: '0' starts over (a new key, no items, [MS-ASCMD] 2.2.3.181.4); the current key goes on;
 * the previous key is a retry of a lost answer and is recomputed from the previous state with the
 * remembered results of the client's commands (same ServerIds, no duplicate Adds), under the same
 * new key; anything else is Status 3. A request that changes nothing the device can see keeps its key.
 */
import type { Folder } from '../../../src/model/types.js';
import { child, childText, children, el, type WbxmlElement } from '../wbxml/types.js';
import type { CommandContext } from '../commands/types.js';
import { easFolderType, parseServerId } from '../folders.js';
import { accessToFolder, type FolderAccess } from '../sharing.js';
import { matchSyncKey, nextSyncKey } from '../state.js';
import { canonicalZone } from '../../../src/pim/timezones.js';
import type { ConvertOptions } from '../convert/util.js';
import { classForKind, isOfClass, type ItemClass } from './classes.js';
import { applicationData } from './convert-cache.js';
import { type ChangeEntry, enumerateChanges, type SyncPoint } from './changes.js';
import { applyClientCommands } from './client-ops.js';
import { IdSet, serverIdOf } from './ids.js';
import { asCollectionState, type BodyPreference, collectionKey, type CollectionOptions, type CollectionState, emptyApplied } from './collection-state.js';
import { SyncStatus } from '../statuses.js';
import { writeKey } from './push.js';
import { applyMailCommands, emailOptions, windowMessageData } from './mail.js';

const NS = 'AirSync';
const BASE = 'AirSyncBase';
export const DEFAULT_WINDOW_SIZE = 100;

export interface CollectionRequest {
  syncKey?: string;
  collectionId: string;
  getChanges?: boolean;
  windowSize?: number;
  deletesAsMoves?: boolean;
  options?: Partial<CollectionOptions>;
  /** [MS-ASCMD] 2.2.3.179 Supported: element local names; undefined when absent. */
  supported?: string[];
  commands?: WbxmlElement;
}

/** Shared by the collections of one request: the global window and the time limit. */
export interface SyncBudget {
  remaining: number;
  deadline: number;
  now: number;
}

export interface CollectionResult {
  element: WbxmlElement;
  /** Something for the device (new key, responses, commands, an error): a hanging Sync answers at once. */
  news: boolean;
  folderId: number | null;
  /** The folder's account (the user's, or a shared folder's owner): a hanging Sync listens to it. */
  ownerId: number | null;
  /** The store writes the client's commands made, as push.ts writeKeys (they wake no held request of the device). */
  wrote: string[];
}

const int = (s: string | undefined): number | undefined => (s !== undefined && /^[0-9]{1,9}$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** The AirSyncBase BodyPreference children of an Options element ([MS-ASAIRS] 2.2.2.7), at most 8. */
export function parseBodyPreferences(o: WbxmlElement): BodyPreference[] {
  return children(o, 'BodyPreference', BASE).slice(0, 8).map((p): BodyPreference => {
    const b: BodyPreference = { type: int(childText(p, 'Type', BASE)) ?? 1 };
    const size = int(childText(p, 'TruncationSize', BASE));
    if (size !== undefined) b.truncationSize = size;
    if (childText(p, 'AllOrNone', BASE)?.trim() === '1') b.allOrNone = true;
    const preview = int(childText(p, 'Preview', BASE));
    if (preview) b.preview = Math.min(preview, 255);
    return b;
  });
}

/** Options ([MS-ASCMD] 2.2.3.125.6); the first Options without a Class, or of the collection's class. */
function parseOptions(col: WbxmlElement): Partial<CollectionOptions> | undefined {
  const all = children(col, 'Options', NS);
  if (all.length === 0) return undefined;
  const o = all.find((x) => !child(x, 'Class', NS) || ['Contacts', 'Calendar', 'Tasks', 'Notes', 'Email'].includes(childText(x, 'Class', NS) ?? '')) ?? all[0];
  const out: Partial<CollectionOptions> = {};
  const filter = int(childText(o, 'FilterType', NS));
  if (filter !== undefined) out.filterType = filter;
  const conflict = int(childText(o, 'Conflict', NS));
  if (conflict === 0 || conflict === 1) out.conflict = conflict;
  // AirSyncBase BodyPreference ([MS-ASAIRS] 2.2.2.7): plain text or HTML; the first we can serve.
  const prefs = parseBodyPreferences(o);
  const pref = prefs.find((p) => p.type === 1 || p.type === 2) ?? prefs[0];
  if (pref) out.bodyPreference = pref.truncationSize === undefined ? { type: pref.type } : { type: pref.type, truncationSize: pref.truncationSize };
  if (prefs.length) out.bodyPreferences = prefs;
  const mime = int(childText(o, 'MIMESupport', NS));
  if (mime !== undefined && mime <= 2) out.mimeSupport = mime;
  return out;
}

/** Supported is a child of Collection; some clients put it in Options. At most 300 names are kept. */
function parseSupported(col: WbxmlElement): string[] | undefined {
  const s = child(col, 'Supported', NS) ?? children(col, 'Options', NS).map((o) => child(o, 'Supported', NS)).find(Boolean);
  if (!s) return undefined;
  return [...new Set(s.children.map((x) => x.tag).filter((t) => t.length <= 64))].slice(0, 300);
}

export function parseCollection(col: WbxmlElement): CollectionRequest | null {
  const collectionId = childText(col, 'CollectionId', NS);
  if (!collectionId) return null;
  const gc = childText(col, 'GetChanges', NS);
  return {
    collectionId,
    syncKey: childText(col, 'SyncKey', NS),
    // An empty GetChanges element means 1 ([MS-ASCMD] 2.2.3.84).
    getChanges: gc === undefined ? undefined : gc.trim() !== '0',
    windowSize: int(childText(col, 'WindowSize', NS)),
    deletesAsMoves: child(col, 'DeletesAsMoves', NS) ? childText(col, 'DeletesAsMoves', NS)?.trim() !== '0' : undefined,
    options: parseOptions(col),
    supported: parseSupported(col),
    commands: child(col, 'Commands', NS),
  };
}

/**
 * One Collection of the Sync response. `className` is given for protocol 12.x only: [MS-ASCMD]
 * 2.2.3.27.5 has Class in 12.1 responses (first, before SyncKey) and not from 14.0 on.
 */
function answer(key: string, collectionId: string, status: number, parts: { responses?: WbxmlElement[]; commands?: WbxmlElement[]; more?: boolean } = {}, className?: string): WbxmlElement {
  const out = [el(NS, 'SyncKey', key), el(NS, 'CollectionId', collectionId), el(NS, 'Status', String(status))];
  if (className) out.unshift(el(NS, 'Class', className));
  if (parts.responses?.length) out.push(el(NS, 'Responses', parts.responses));
  if (parts.more) out.push(el(NS, 'MoreAvailable'));
  if (parts.commands?.length) out.push(el(NS, 'Commands', parts.commands));
  return el(NS, 'Collection', out);
}

function mergeOptions(prior: CollectionOptions | undefined, req: CollectionRequest, max: number): CollectionOptions {
  const o = req.options ?? {};
  const base: CollectionOptions = prior ?? { filterType: 0, conflict: 1, windowSize: DEFAULT_WINDOW_SIZE, deletesAsMoves: true };
  // Options present: they replace the cached ones; absent: the cached ones stay ([MS-ASCMD] 2.2.3.125.6).
  const merged: CollectionOptions = req.options
    ? {
      filterType: o.filterType ?? 0, conflict: o.conflict ?? 1, windowSize: base.windowSize, deletesAsMoves: base.deletesAsMoves,
      ...(o.bodyPreference ? { bodyPreference: o.bodyPreference } : {}), ...(o.bodyPreferences ? { bodyPreferences: o.bodyPreferences } : {}),
      ...(o.mimeSupport !== undefined ? { mimeSupport: o.mimeSupport } : {}),
    }
    : { ...base };
  if (req.windowSize !== undefined) merged.windowSize = req.windowSize;
  merged.windowSize = Math.min(Math.max(1, merged.windowSize || DEFAULT_WINDOW_SIZE), max);
  if (req.deletesAsMoves !== undefined) merged.deletesAsMoves = req.deletesAsMoves;
  return merged;
}

/** A folder the device may sync: the account's own, or one shared with it (../sharing.ts). */
export interface SyncFolder {
  folder: Folder;
  access: Exclude<FolderAccess, 'none'>;
}

/**
 * The folder behind a CollectionId, if the device may sync it; null for an unknown, hidden or
 * foreign folder, and for a shared one whose grant is gone (the device must re-sync its hierarchy).
 */
export async function collectionFolder(ctx: CommandContext, collectionId: string | undefined): Promise<SyncFolder | null> {
  const id = parseServerId(collectionId);
  if (id === null) return null;
  const f = await ctx.store.getFolder(id);
  if (!f || easFolderType(f) === null) return null;
  const access = await accessToFolder(ctx, ctx.account, f);
  return access === 'none' ? null : { folder: f, access };
}

/** The account's time zone (setting 'timezone', an IANA name) for floating times and all-day dates. */
export async function accountTimezone(ctx: CommandContext): Promise<string | undefined> {
  const tz = await ctx.store.getSetting<unknown>(ctx.account.id, 'timezone');
  return typeof tz === 'string' && canonicalZone(tz) ? tz : undefined;
}

export function convertOptions(ctx: CommandContext, opts: CollectionOptions, extra: Pick<ConvertOptions, 'timezone' | 'supported'> = {}): ConvertOptions {
  return {
    protocolVersion: ctx.protocolVersion, bodyPreference: opts.bodyPreference, userEmail: ctx.account.email,
    ...(extra.timezone ? { timezone: extra.timezone } : {}), ...(extra.supported ? { supported: extra.supported } : {}),
  };
}

async function toCommands(ctx: CommandContext, cls: ItemClass, folder: Folder, entries: ChangeEntry[], have: IdSet, convert: ConvertOptions, opts: CollectionOptions): Promise<WbxmlElement[]> {
  const out: WbxmlElement[] = [];
  const email = cls.name === 'Email' ? emailOptions(ctx, opts) : null;
  const mail = email ? await windowMessageData(ctx, folder.id, entries.flatMap((e) => ('item' in e ? [e.item] : [])), email) : null;
  for (const e of entries) {
    if (!('item' in e)) {
      out.push(el(NS, e.op, [el(NS, 'ServerId', serverIdOf(folder.id, e.itemId))]));
      continue;
    }
    try {
      // Mail: from the message store (a message expunged meanwhile is left out; its Delete follows).
      // PIM items: converted once per version and options (convert-cache.ts).
      const mailData = mail?.get(e.item.id);
      if (mailData instanceof Error) throw mailData;
      const data = mail ? (mailData ? el(NS, 'ApplicationData', mailData) : null) : applicationData(ctx.store, cls, e.item, convert);
      if (!data) { if (e.op === 'Add') have.delete(e.item.id); continue; }
      out.push(el(NS, e.op, [el(NS, 'ServerId', serverIdOf(folder.id, e.item.id)), data]));
    } catch (err) {
      // A stored object we cannot convert is left out (and not counted as on the device).
      ctx.log.warn({ item: e.item.id, err: (err as Error).message }, 'eas.sync.item-unconvertible');
      if (e.op === 'Add') have.delete(e.item.id);
    }
  }
  return out;
}

/**
 * The stored versions of items whose client write was refused (read-only shared folder): a Change
 * when the device has the item, an Add when it dropped it; not twice when the window has it.
 */
async function resendItems(ctx: CommandContext, cls: ItemClass, folder: Folder, ids: Set<number>, sent: WbxmlElement[], have: IdSet, convert: ConvertOptions, opts: CollectionOptions): Promise<WbxmlElement[]> {
  const already = new Set(sent.map((c) => childText(c, 'ServerId', NS)));
  const entries: ChangeEntry[] = [];
  for (const id of ids) {
    if (already.has(serverIdOf(folder.id, id))) continue;
    const item = await ctx.store.getItem(id);
    if (!item || item.folderId !== folder.id || !isOfClass(cls, item)) continue;
    entries.push({ op: have.has(id) ? 'Change' : 'Add', item });
    have.add(id);
  }
  return toCommands(ctx, cls, folder, entries, have, convert, opts);
}

export async function syncCollection(ctx: CommandContext, req: CollectionRequest, budget: SyncBudget): Promise<CollectionResult> {
  const cid = req.collectionId;
  const found = await collectionFolder(ctx, cid);
  // An unknown, foreign or hidden folder, or a share revoked: the device's hierarchy is out of
  // date ([MS-ASCMD] 2.2.3.177.17 Status 12); it runs FolderSync, which deletes the folder.
  if (!found) return { element: answer(req.syncKey ?? '0', cid, SyncStatus.FolderHierarchyChanged), news: true, folderId: null, ownerId: null, wrote: [] };
  const { folder, access } = found;
  const cls = classForKind(folder.kind);
  if (!cls) return { element: answer(req.syncKey ?? '0', cid, SyncStatus.FolderHierarchyChanged), news: true, folderId: null, ownerId: null, wrote: [] };
  const coll = collectionKey(folder.id);
  const className = ctx.atLeast('14.0') ? undefined : cls?.name ?? 'Email';
  const m = await matchSyncKey(ctx.store, ctx.device.id, coll, req.syncKey);
  const ids = { folderId: folder.id, ownerId: folder.accountId };
  const invalid = (): CollectionResult => ({ element: answer('0', cid, SyncStatus.InvalidSyncKey, {}, className), news: true, ...ids, wrote: [] });
  const maxWindow = ctx.settings.activesync.windowSizeMax || 512;

  if (m.kind === 'initial') {
    const state: CollectionState = {
      v: 1, cls: cls.name, folderId: folder.id, modseq: 0, have: '', echo: {},
      opts: mergeOptions(undefined, req, maxWindow), answered: '0', applied: emptyApplied(),
      // Ghosting concerns contacts and calendars only ([MS-ASCMD] 2.2.3.179).
      ...(req.supported && (cls.name === 'Contacts' || cls.name === 'Calendar') ? { supported: req.supported } : {}),
    };
    const key = nextSyncKey(m.state?.syncKey);
    await ctx.store.putSyncState(ctx.device.id, coll, key, state);
    return { element: answer(key, cid, SyncStatus.Success, {}, className), news: true, ...ids, wrote: [] };
  }
  if (m.kind === 'invalid') return invalid();
  const current = asCollectionState(m.state.state);
  let base: CollectionState | null = current;
  let replay = null;
  if (m.kind === 'previous') {
    // A retry of a lost answer: only of the request that made the current state.
    if (!current || current.answered !== req.syncKey) return invalid();
    base = asCollectionState(m.state.previousState);
    replay = current.applied;
  }
  if (!base || base.folderId !== folder.id) return invalid();

  const opts = mergeOptions(base.opts, req, maxWindow);
  const convert = convertOptions(ctx, opts, { timezone: cls.name !== 'Contacts' && cls.name !== 'Email' ? await accountTimezone(ctx) : undefined, supported: base.supported });
  const have = IdSet.parse(base.have);
  const echo = { ...base.echo };
  let point: SyncPoint = { modseq: base.modseq, have, echo, rescanBelow: base.rescanBelow, filterType: opts.filterType, agedTo: base.agedTo };
  if (opts.filterType !== base.opts.filterType) {
    // A new filter: look at everything again, sending only what enters or leaves the window.
    point = { ...point, modseq: 0, rescanBelow: Math.max(base.modseq, base.rescanBelow ?? 0) };
  }
  const applied = emptyApplied();
  const resend = new Set<number>();
  let responses: WbxmlElement[] = [];
  if (req.commands) {
    const ops = {
      ctx, cls, folder, convert, conflict: opts.conflict, knownModseq: Math.max(base.modseq, base.rescanBelow ?? 0),
      have: point.have, echo: point.echo, applied, replay, readOnly: access === 'read', resend,
    };
    responses = cls.name === 'Email' ? await applyMailCommands(ops, req.commands, opts) : await applyClientCommands(ops, req.commands);
  }

  let commands: WbxmlElement[] = [];
  let more = false;
  let next: SyncPoint = point;
  if (req.getChanges !== false && budget.remaining > 0) {
    const en = await enumerateChanges(ctx.store, cls, folder.id, point, { max: Math.min(opts.windowSize, budget.remaining), deadline: budget.deadline, now: budget.now, clock: () => ctx.now() });
    commands = await toCommands(ctx, cls, folder, en.entries, en.have, convert, opts);
    budget.remaining -= en.entries.length;
    more = en.more;
    next = en;
  } else if (req.getChanges !== false) {
    // The request's global window is used up by earlier collections.
    more = (await ctx.store.changesSince(folder.id, point.modseq, 1)).changed.length > 0;
  }
  if (resend.size) commands.push(...await resendItems(ctx, cls, folder, resend, commands, next.have, convert, opts));

  const state: CollectionState = {
    v: 1, cls: cls.name, folderId: folder.id, modseq: next.modseq, have: next.have.toString(), echo: next.echo,
    ...(next.rescanBelow !== undefined ? { rescanBelow: next.rescanBelow } : {}),
    ...(next.agedTo !== undefined ? { agedTo: next.agedTo } : {}),
    ...(base.supported ? { supported: base.supported } : {}),
    opts, answered: req.syncKey!, applied,
  };
  const wrote = Object.values(applied.writes).map((m) => writeKey(folder.accountId, m));
  // Applied client commands always make a new key, so that a lost answer is replayed, not redone.
  const visible = responses.length > 0 || commands.length > 0 || (req.commands?.children.length ?? 0) > 0;
  if (replay) {
    // The same key as the lost answer; the previous state stays the retry point.
    await ctx.store.putSyncState(ctx.device.id, coll, m.state.syncKey, state);
    return { element: answer(m.state.syncKey, cid, SyncStatus.Success, { responses, commands, more }, className), news: true, ...ids, wrote };
  }
  if (!visible) {
    // Nothing the device sees: same key. Keep what a retry of the previous key needs.
    const kept: CollectionState = { ...state, answered: base.answered, applied: base.applied };
    if (JSON.stringify(kept) !== JSON.stringify(base)) await ctx.store.putSyncState(ctx.device.id, coll, m.state.syncKey, kept);
    return { element: answer(m.state.syncKey, cid, SyncStatus.Success, { more }, className), news: more, ...ids, wrote };
  }
  const key = nextSyncKey(m.state.syncKey);
  await ctx.store.putSyncState(ctx.device.id, coll, key, state);
  return { element: answer(key, cid, SyncStatus.Success, { responses, commands, more }, className), news: true, ...ids, wrote };
}
