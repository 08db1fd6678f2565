// SELECT, EXAMINE (RFC 9051 §6.3.2-3; CONDSTORE and QRESYNC parameters, RFC 7162 §3.1.8, §3.2.5),
// CLOSE and UNSELECT (§6.4.2, RFC 3691).
import { atom, compressNumbers, fetchResponse, flagList, untagged, untaggedStatus, type ResponseValue, type SequenceSet } from '../../codec/index.js';
import { SYSTEM_FLAGS } from '../../../../src/model/mail.js';
import { SelectedMailbox } from '../selected.js';
import { decodeName } from '../mailboxes.js';
import { resolveMailbox } from '../shared.js';
import type { CommandContext } from '../session.js';
import type { Folder } from '../../../../src/model/types.js';
import type { Changes } from '../../../../src/store/store.js';
import { no, ok, type Outcome } from '../respond.js';
import { AUTHED, SELECTED, command, type CommandOf } from './types.js';

async function open(c: CommandContext, cmd: CommandOf<'SELECT' | 'EXAMINE'>): Promise<Outcome> {
  const s = c.session;
  const pre: Buffer[] = [];
  const previous = s.selected;
  if (s.selected) {
    // RFC 9051 §6.3.2 / RFC 7162 §3.2.11: the previous mailbox is closed first.
    s.selected = null;
    s.state = 'auth';
    pre.push(untaggedStatus('OK', 'Previous mailbox closed', { code: 'CLOSED' }));
  }
  if (cmd.params.qresync && !s.enabled.has('QRESYNC')) return { status: 'BAD', text: 'QRESYNC must be ENABLEd first', untagged: pre };
  const name = decodeName(s, cmd.mailbox);
  // Selecting the selected mailbox again (clients poll so): its change feed is read with the
  // folder list that resolves the name, in one round trip; used only if the name is still its.
  let folders: Folder[] | undefined;
  let page: Changes | undefined;
  const feed = previous?.name === name ? previous.feedRead() : null;
  if (feed) {
    try {
      [folders, page] = await c.ctx.store.readTogether({ read: 'listFolders', args: [s.account!.id, 'mail'] }, feed);
    } catch {
      folders = page = undefined; // the previous folder is gone, say: resolve the name as for any other
    }
  }
  const found = await resolveMailbox(c.ctx.store, s.account!, name, folders);
  if (!found) return { ...no('No such mailbox', 'NONEXISTENT'), untagged: pre };
  const { folder } = found;
  if (cmd.params.condstore || cmd.params.qresync) s.condstore = true;
  const readOnly = cmd.command === 'EXAMINE' || !found.writable;
  const sel = new SelectedMailbox(c.ctx.store, folder, readOnly, name);
  if (previous && previous.folder.id === folder.id) {
    if (feed && page) sel.prefetch(feed.args[1], page);
    await sel.reload(previous, folder);
  } else {
    await sel.load(folder);
  }
  const keywords = new Set<string>();
  for (const flags of sel.flags.values()) for (const f of flags) if (!f.startsWith('\\')) keywords.add(f);
  const flags = [...SYSTEM_FLAGS, ...keywords];
  const firstUnseen = sel.uids.findIndex((u) => !sel.flags.get(u)!.some((f) => f.toLowerCase() === '\\seen'));
  pre.push(
    untagged([atom('FLAGS'), flagList(flags)]),
    untaggedStatus('OK', 'Flags permitted', { code: 'PERMANENTFLAGS', args: [readOnly ? [] : [...flagList(flags), atom('\\*')]] }),
    untagged([sel.exists, atom('EXISTS')]),
    untagged([sel.recent.size, atom('RECENT')]),
    ...(firstUnseen >= 0 ? [untaggedStatus('OK', 'First unseen', { code: 'UNSEEN', args: [firstUnseen + 1] })] : []),
    untaggedStatus('OK', 'UIDs valid', { code: 'UIDVALIDITY', args: [sel.uidValidity] }),
    untaggedStatus('OK', 'Predicted next UID', { code: 'UIDNEXT', args: [sel.uidNext] }),
    untaggedStatus('OK', 'Highest', { code: 'HIGHESTMODSEQ', args: [sel.modseq] }),
  );
  const q = cmd.params.qresync;
  if (q && q.uidValidity === sel.uidValidity) pre.push(...await resync(c, sel, q.modseq, q.knownUids));
  s.selected = sel;
  s.state = 'selected';
  // The new view was read from the store in this command: no change check after it.
  return { ...ok(`${cmd.command} completed`, { code: readOnly ? 'READ-ONLY' : 'READ-WRITE' }, pre), fresh: true };
}

/** RFC 7162 §3.2.5.1: what vanished and what changed since the client's modseq. */
async function resync(c: CommandContext, sel: SelectedMailbox, modseq: number, known: SequenceSet | undefined): Promise<Buffer[]> {
  const changes = await c.ctx.store.mailChangesSince(sel.folder.id, modseq);
  const out: Buffer[] = [];
  let vanished = changes.vanished;
  if (known && known !== '$') vanished = vanished.filter((u) => known.some((r) => {
    const a = r.from === '*' ? Infinity : r.from, b = r.to === '*' ? Infinity : r.to;
    return u >= Math.min(a, b) && u <= Math.max(a, b);
  }));
  if (vanished.length > 0) out.push(untagged([atom('VANISHED'), [atom('EARLIER')], atom(compressNumbers(vanished))]));
  for (const m of changes.changed) {
    const seq = sel.seqOf(m.uid);
    if (seq <= 0) continue;
    const items: Array<[string, ResponseValue]> = [['UID', m.uid], ['FLAGS', flagList(m.flags)], ['MODSEQ', [m.modseq]]];
    out.push(fetchResponse(seq, items));
  }
  return out;
}

export const select = command({ name: 'SELECT', states: AUTHED, handle: open });
export const examine = command({ name: 'EXAMINE', states: AUTHED, handle: open });

export const close = command({
  name: 'CLOSE', states: SELECTED,
  handle: async (c) => {
    const sel = c.session.selected!;
    // RFC 9051 §6.4.2: \Deleted messages go silently (no EXPUNGE responses).
    if (!sel.readOnly) await c.ctx.store.expungeMessages(sel.folder.id);
    c.session.selected = null;
    c.session.state = 'auth';
    return ok('CLOSE completed');
  },
});

export const unselect = command({
  name: 'UNSELECT', states: SELECTED,
  handle: async (c) => {
    c.session.selected = null;
    c.session.state = 'auth';
    return ok('UNSELECT completed');
  },
});
