// Live SEARCH and SORT results, CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): a SEARCH or SORT
// with RETURN (UPDATE) stays live in the selected mailbox; after every later command the server
// searches again and tells the client what entered the result (ESEARCH ADDTO) and what left it
// (ESEARCH REMOVEFROM) until CANCELUPDATE, another selection or logout.
//
// REMOVEFROM goes before the command's own responses, numbered as the client knew the messages
// before them (so before any EXPUNGE); ADDTO after them, numbered as after (so after EXISTS).
// The client applies the (position, set) pairs in order (§4.3.2). For SEARCH the position is 0
// (the result has no order); for SORT it is the 1-based place of the set's first message in the
// list as it stands when that pair is applied: removals from the end backwards, additions from
// the front, so each pair's position holds when it is read. A message's sort keys never change
// (they are its content), so a message only ever enters or leaves a sorted result.
import { atom, untagged, untaggedStatus, type ResponseValue, type SearchKey } from '../codec/index.js';
import type { CommandContext, Session } from './session.js';
import type { SelectedMailbox } from './selected.js';
import type { SearchUpdate } from './search-update.js';
import { matchingMessages } from './search-run.js';
import { orderedSet } from './esearch-answer.js';
import { sortMessages, sortNeedsParse, type SortCriterion } from './sort/sort-keys.js';

/** Live results per session at most; more are refused with NOUPDATE (RFC 5267 §4.3.1). */
const MAX_UPDATES = 5;

/** Changes whenever a flag, a message or the session's numbering changes (selected.ts). */
function viewStamp(sel: SelectedMailbox): string {
  return `${sel.modseq}:${sel.uids.length}:${sel.uids[sel.uids.length - 1] ?? 0}`;
}

/** The session's live updates, dropping those of an earlier selection. */
function live(s: Session): SearchUpdate[] {
  if (!s.updates) return [];
  const list = s.updates.filter((u) => u.sel === s.selected && s.state === 'selected');
  s.updates = list.length > 0 ? list : undefined;
  return list;
}

/**
 * Registers an update. When refused (too many already), the untagged `NO [NOUPDATE "tag"]` to
 * send: the command itself still completes with its result (RFC 5267 §4.3.1).
 */
export function startUpdate(s: Session, u: { tag: string; uid: boolean; key: SearchKey; criteria?: SortCriterion[] }, uids: number[]): Buffer | null {
  const list = live(s).filter((x) => x.tag !== u.tag);
  if (list.length >= MAX_UPDATES) return untaggedStatus('NO', 'Too many live results', { code: 'NOUPDATE', args: [u.tag] });
  list.push({ ...u, sel: s.selected!, result: uids, view: viewStamp(s.selected!) });
  s.updates = list;
  return null;
}

/** CANCELUPDATE (RFC 5267 §4.3.5): ends the named updates; unknown tags are ignored. */
export function cancelUpdates(s: Session, tags: string[]): void {
  const list = live(s).filter((u) => !tags.includes(u.tag));
  s.updates = list.length > 0 ? list : undefined;
}

/** Before a command: the sequence numbering the client knows, when some update is live. */
export function numberingBefore(s: Session): number[] | null {
  return live(s).length > 0 ? [...s.selected!.uids] : null;
}

type Pair = [number, number[]];

/** Runs of consecutive positions as (first position, numbers) pairs. */
function runs(items: Array<{ position: number; n: number }>): Pair[] {
  const out: Pair[] = [];
  for (const it of items) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1].length === it.position) last[1].push(it.n);
    else out.push([it.position, [it.n]]);
  }
  return out;
}

/** REMOVEFROM and ADDTO pairs taking `before` to `after` (UID lists in result order). */
export function resultChanges(before: number[], after: number[], sorted: boolean): { removed: Array<[number, number[]]>; added: Array<[number, number[]]> } {
  const now = new Set(after);
  const then = new Set(before);
  if (!sorted) {
    const removed = before.filter((u) => !now.has(u));
    const added = after.filter((u) => !then.has(u));
    return { removed: removed.length ? [[0, removed]] : [], added: added.length ? [[0, added]] : [] };
  }
  // Removals, last first: each position is still right when the client reaches it.
  const gone = before.map((n, i) => ({ position: i + 1, n })).filter((x) => !now.has(x.n));
  const removed = runs(gone).reverse();
  // Additions, first first: everything before each position is already in place.
  const come = after.map((n, i) => ({ position: i + 1, n })).filter((x) => !then.has(x.n));
  return { removed, added: runs(come) };
}

function pairsValue(pairs: Array<[number, number[]]>): ResponseValue[] {
  return pairs.flatMap(([position, numbers]) => [position, atom(orderedSet(numbers))]);
}

/**
 * After a command and the announcement of the mailbox's changes: the REMOVEFROM responses (to go
 * before everything else the command answered) and the ADDTO ones (to go last).
 */
export async function resultUpdates(c: Pick<CommandContext, 'ctx' | 'session'>, before: number[] | null): Promise<{ first: Buffer[]; last: Buffer[] }> {
  const first: Buffer[] = [], last: Buffer[] = [];
  if (!before) return { first, last };
  const sel = c.session.selected;
  const oldSeq = new Map(before.map((uid, i) => [uid, i + 1]));
  for (const u of live(c.session)) {
    // Nothing changed in the mailbox since the last evaluation: the result cannot have either
    // (keys that depend on the clock, OLDER/YOUNGER, are not re-evaluated for that alone).
    const view = viewStamp(sel!);
    if (u.view === view) continue;
    u.view = view;
    const found = await matchingMessages(c, u.key, u.criteria ? sortNeedsParse(u.criteria) : false);
    const now = (u.criteria ? sortMessages(found, u.criteria) : found).map((m) => m.uid);
    const { removed, added } = resultChanges(u.result, now, !!u.criteria);
    u.result = now;
    const head: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), u.tag], ...(u.uid ? [atom('UID')] : [])];
    // Message numbers: removals as the client knew them before this command, additions as now.
    const number = (uid: number, when: 'before' | 'after') => (u.uid ? uid : when === 'before' ? oldSeq.get(uid) ?? 0 : sel!.seqOf(uid));
    const removedPairs = removed.map(([p, uids]): Pair => [p, uids.map((x) => number(x, 'before'))]);
    const addedPairs = added.map(([p, uids]): Pair => [p, uids.map((x) => number(x, 'after'))]);
    if (removedPairs.length > 0) first.push(untagged([...head, atom('REMOVEFROM'), pairsValue(removedPairs)]));
    if (addedPairs.length > 0) last.push(untagged([...head, atom('ADDTO'), pairsValue(addedPairs)]));
  }
  return { first, last };
}
