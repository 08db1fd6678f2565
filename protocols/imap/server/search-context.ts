// CONTEXT=SEARCH result updates (RFC 5267 §4): a SEARCH with RETURN (UPDATE) stays live in the
// selected mailbox; after every later command the server searches again and tells the client
// what entered the result (ESEARCH ADDTO) and what left it (ESEARCH REMOVEFROM) until
// CANCELUPDATE, a new selection or logout. REMOVEFROM goes before the command's own responses,
// numbered as the client knew the messages before them (so before any EXPUNGE, §4.3); ADDTO
// after them, numbered as after (so after EXISTS). Position is 0: a SEARCH result has no order.
import { atom, untagged, type SearchKey } from '../codec/index.js';
import type { CommandContext, Session } from './session.js';
import type { SelectedMailbox } from './selected.js';
import type { Outcome } from './respond.js';
import { matchingMessages } from './search-run.js';
import { orderedSet } from './esearch-answer.js';

/** Live results per session at most (the server may refuse more, RFC 5267 §4.2 NOUPDATE). */
const MAX_UPDATES = 5;

export interface SearchUpdate {
  tag: string;
  uid: boolean;
  key: SearchKey;
  /** The selection the update belongs to: another SELECT ends it. */
  sel: SelectedMailbox;
  /** UIDs in the result as last told to the client. */
  result: Set<number>;
}

/** The session's live updates, dropping those of an earlier selection. */
function live(s: Session): SearchUpdate[] {
  if (!s.updates) return [];
  const list = s.updates.filter((u) => u.sel === s.selected && s.state === 'selected');
  s.updates = list.length > 0 ? list : undefined;
  return list;
}

/** Registers an update; an Outcome when refused (too many already). */
export function startUpdate(c: CommandContext, u: { tag: string; uid: boolean; key: SearchKey }, uids: number[]): Outcome | null {
  const s = c.session;
  const list = live(s).filter((x) => x.tag !== u.tag);
  if (list.length >= MAX_UPDATES) return { status: 'NO', text: 'Too many live search results', code: { code: 'NOUPDATE', args: [u.tag] } };
  list.push({ ...u, sel: s.selected!, result: new Set(uids) });
  s.updates = list;
  return null;
}

/** CANCELUPDATE (RFC 5267 §4.3): ends the named updates; unknown tags are ignored. */
export function cancelUpdates(s: Session, tags: string[]): void {
  const list = live(s).filter((u) => !tags.includes(u.tag));
  s.updates = list.length > 0 ? list : undefined;
}

/** Before a command: the sequence numbering the client knows, when some update is live. */
export function numberingBefore(s: Session): number[] | null {
  return live(s).length > 0 ? [...s.selected!.uids] : null;
}

/**
 * After a command and the announcement of the mailbox's changes: the REMOVEFROM responses (to go
 * before everything else the command answered) and the ADDTO ones (to go last).
 */
export async function resultUpdates(c: Pick<CommandContext, 'ctx' | 'session'>, before: number[] | null): Promise<{ first: Buffer[]; last: Buffer[] }> {
  const first: Buffer[] = [], last: Buffer[] = [];
  if (!before) return { first, last };
  const list = live(c.session);
  const sel = c.session.selected!;
  const oldSeq = new Map(before.map((uid, i) => [uid, i + 1]));
  for (const u of list) {
    const now = new Set((await matchingMessages(c, u.key, false)).map((m) => m.uid));
    const removed = [...u.result].filter((uid) => !now.has(uid)).sort((a, b) => a - b);
    const added = [...now].filter((uid) => !u.result.has(uid)).sort((a, b) => a - b);
    u.result = now;
    const head = [atom('ESEARCH'), [atom('TAG'), u.tag], ...(u.uid ? [atom('UID')] : [])];
    const removedNumbers = u.uid ? removed : removed.map((uid) => oldSeq.get(uid)).filter((n): n is number => n !== undefined);
    if (removedNumbers.length > 0) first.push(untagged([...head, atom('REMOVEFROM'), [0, atom(orderedSet(removedNumbers))]]));
    const addedNumbers = u.uid ? added : added.map((uid) => sel.seqOf(uid)).filter((n) => n > 0);
    if (addedNumbers.length > 0) last.push(untagged([...head, atom('ADDTO'), [0, atom(orderedSet(addedNumbers))]]));
  }
  return { first, last };
}
