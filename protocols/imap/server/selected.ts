// The selected mailbox as this session sees it (RFC 9051 §2.3.1.2, §5.2): the message sequence
// numbers are positions in `uids`, and they change only when this session tells the client
// (EXISTS, EXPUNGE or VANISHED), never behind its back. Other sessions' and protocols' changes
// are read from the store's change tracking (modseqs and tombstones) and announced by `sync`.
import type { Changes, Store, TogetherRead } from '../../../src/store/store.js';
import type { Folder } from '../../../src/model/types.js';
import type { MessageState } from '../../../src/model/mail.js';
import { notFound } from '../../../src/store/errors.js';
import { claimRecent } from './recent.js';
import { atom, compressNumbers, fetchResponse, flagList, untagged, type SeqRange, type SequenceSet } from '../codec/index.js';

export interface SyncOptions {
  /** Expunges may be announced (not during FETCH, STORE, SEARCH: RFC 9051 §7.5.1). */
  expunges: boolean;
  /** QRESYNC enabled: VANISHED instead of EXPUNGE (RFC 7162 §3.2.10). */
  qresync: boolean;
  /** CONDSTORE enabled: flag updates carry MODSEQ (RFC 7162 §3.1.4). */
  condstore: boolean;
  /**
   * The view is known to be current (`advance` said so after this session's own STORE): nothing
   * is read from the store; expunges read earlier are still announced when allowed.
   */
  current?: boolean;
}

export class SelectedMailbox {
  /** UIDs in sequence order: uids[seq - 1]. */
  uids: number[] = [];
  /** Flags of each message as this session last told the client. */
  readonly flags = new Map<number, string[]>();
  readonly modseqs = new Map<number, number>();
  /** Highest UID announced so far: a changed message above it is new. */
  private highestUid = 0;
  /** Modseq up to which the store's changes are reflected. */
  modseq = 0;
  /** Messages recent in this session (RFC 3501 §2.3.2). */
  readonly recent = new Set<number>();
  /** Expunges read from the store but not yet announced (held during FETCH/STORE/SEARCH). */
  private readonly pendingExpunges = new Set<number>();
  /**
   * The change feed's first page after `from`, read by the command together with its own read
   * (`feedRead`; FETCH, SEARCH, STORE, a re-SELECT) for the change check after it: one round trip
   * instead of two. Used only while the view's modseq is still `from`; taken by the next read.
   */
  private prefetched: { from: number; page: Changes } | null = null;

  constructor(readonly store: Store, readonly folder: Folder, readonly readOnly: boolean, readonly name: string) {}

  /** UIDVALIDITY and the predicted next UID as last read from the folder (SELECT's answer). */
  uidValidity = 0;
  uidNext = 0;

  /**
   * `current`: the folder row as read earlier in the same command (SELECT resolves the name from
   * the folder list), so it is not read twice; the message states are read after it either way.
   */
  async load(current?: Folder): Promise<void> {
    const folder = current ?? await this.currentFolder();
    const states = await this.store.listMessageStates(this.folder.id);
    this.uids = states.map((m) => m.uid);
    for (const m of states) this.remember(m);
    this.highestUid = Math.max(0, ...this.uids.slice(-1));
    this.modseq = folder.contentModseq;
    this.uidValidity = folder.uidValidity;
    this.uidNext = folder.uidNext;
    for (const u of await claimRecent(this.store, this.folder.accountId, this.folder.id, this.uids, !this.readOnly)) this.recent.add(u);
  }

  /**
   * SELECT of the mailbox this session has selected already (clients re-select the inbox to
   * poll): the previous view brought up to date with the store's changes since its modseq,
   * everything applied silently (the SELECT answer reports the new state in full), instead of
   * listing every message again. Same result as `load`: the changes feed carries every flag
   * change, new message and expunge (tombstone) after that modseq.
   */
  async reload(previous: SelectedMailbox, current?: Folder): Promise<void> {
    this.uids = [...previous.uids];
    for (const uid of this.uids) this.remember({ uid, flags: previous.flags.get(uid)!, modseq: previous.modseqs.get(uid)! });
    this.highestUid = previous.highestUid;
    this.modseq = previous.modseq;
    for (const u of previous.recent) this.recent.add(u);
    const folder = current ?? await this.currentFolder();
    if (folder.uidValidity !== previous.uidValidity) return this.load(folder);
    this.uidValidity = folder.uidValidity;
    this.uidNext = folder.uidNext;
    // Expunges the previous view read but had not announced yet are part of the new view too.
    const unchanged = folder.contentModseq === this.modseq;
    if (unchanged) this.prefetched = null;
    const changes = unchanged ? { changed: [], vanished: [], modseq: this.modseq } : await this.changesSince(this.modseq);
    const gone = new Set([...changes.vanished, ...previous.pendingExpunges]);
    const added: number[] = [];
    for (const m of changes.changed) {
      if (m.uid > this.highestUid) added.push(m.uid);
      if (this.flags.has(m.uid) || m.uid > this.highestUid) this.remember(m);
    }
    if (gone.size > 0) {
      this.uids = this.uids.filter((u) => !gone.has(u));
      for (const u of gone) { this.flags.delete(u); this.modseqs.delete(u); this.recent.delete(u); }
    }
    added.sort((a, b) => a - b);
    for (const u of added) if (!gone.has(u)) this.uids.push(u);
    if (added.length > 0) this.highestUid = Math.max(this.highestUid, added[added.length - 1]);
    this.modseq = Math.max(changes.modseq, folder.contentModseq);
    for (const u of await claimRecent(this.store, this.folder.accountId, this.folder.id, added.filter((u) => !gone.has(u)), !this.readOnly)) this.recent.add(u);
  }

  /** The folder row as it is now (its content modseq is the cheap "anything changed?" check). */
  private async currentFolder(): Promise<Folder> {
    const folder = await this.store.getFolder(this.folder.id);
    if (!folder) throw notFound('folder');
    return folder;
  }

  /** The change feed read of the change check, as it stands now (to read together with a command's own). */
  feedRead(): TogetherRead & { read: 'changesSince' } {
    return { read: 'changesSince', args: [this.folder.id, this.modseq, FEED_PAGE, { withoutContent: true }] };
  }

  /** Keeps a page of the change feed after `from` (see `prefetched`). */
  prefetch(from: number, page: Changes): void {
    this.prefetched = { from, page };
  }

  private remember(m: Pick<MessageState, 'uid' | 'flags' | 'modseq'>): void {
    this.flags.set(m.uid, m.flags);
    this.modseqs.set(m.uid, m.modseq);
  }

  get exists(): number { return this.uids.length; }

  /** The flags as FETCH shows them: the stored ones plus \Recent in this session (RFC 3501 §2.3.2). */
  shownFlags(uid: number, flags: string[]): string[] {
    return this.recent.has(uid) ? [...flags, '\\Recent'] : flags;
  }

  seqOf(uid: number): number { return this.indexOf(uid) + 1; }

  /** Binary search: UIDs are ascending. -1 when absent. */
  indexOf(uid: number): number {
    let lo = 0, hi = this.uids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.uids[mid];
      if (v === uid) return mid;
      if (v < uid) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The UIDs a sequence set names, ascending. With `byUid`, `*` is the highest UID and numbers
   * that are no UID are skipped (RFC 9051 §6.4.8); else `*` is the last sequence number and
   * out-of-range numbers are an error (returned as null: the caller answers BAD).
   */
  resolve(set: SequenceSet, byUid: boolean, saved: number[] | null): number[] | null {
    if (set === '$') return (saved ?? []).filter((u) => this.indexOf(u) >= 0);
    const ranges = set as SeqRange[];
    if (byUid) {
      const max = this.uids[this.uids.length - 1] ?? 0;
      const out = new Set<number>();
      for (const r of ranges) {
        const a = r.from === '*' ? max : r.from, b = r.to === '*' ? max : r.to;
        const lo = Math.min(a, b), hi = Math.max(a, b);
        for (let i = this.lowerBound(lo); i < this.uids.length && this.uids[i] <= hi; i++) out.add(this.uids[i]);
      }
      return [...out].sort((x, y) => x - y);
    }
    const max = this.uids.length;
    const seqs = new Set<number>();
    for (const r of ranges) {
      if (max === 0) return null;
      const a = r.from === '*' ? max : r.from, b = r.to === '*' ? max : r.to;
      const lo = Math.min(a, b), hi = Math.max(a, b);
      if (hi > max) return null;
      for (let s = lo; s <= hi; s++) seqs.add(s);
    }
    return [...seqs].sort((x, y) => x - y).map((s) => this.uids[s - 1]);
  }

  private lowerBound(uid: number): number {
    let lo = 0, hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.uids[mid] < uid) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Removes expunged UIDs and returns the responses announcing them. */
  expunge(uids: number[], qresync: boolean): Buffer[] {
    const gone = uids.filter((u) => this.indexOf(u) >= 0).sort((a, b) => a - b);
    if (gone.length === 0) return [];
    const out: Buffer[] = [];
    if (qresync) out.push(untagged([atom('VANISHED'), atom(compressNumbers(gone))]));
    // Highest first, so that each number is still valid when the client reads it (§7.5.1).
    for (const uid of [...gone].reverse()) {
      const i = this.indexOf(uid);
      if (!qresync) out.push(untagged([i + 1, atom('EXPUNGE')]));
      this.uids.splice(i, 1);
      this.flags.delete(uid);
      this.modseqs.delete(uid);
      this.recent.delete(uid);
      this.pendingExpunges.delete(uid);
    }
    return out;
  }

  /**
   * After this session's own flag change, noted with `noteFlags`: when the folder's modseq just
   * before the change (`prior`, read under the account's write lock) is the view's, nothing else
   * changed the folder in between, so the view is current up to the change's highest modseq and
   * needs no change check (that check read the change feed, three queries, after every STORE).
   */
  advance(prior: number | undefined, modseqs: number[]): boolean {
    if (prior === undefined || prior !== this.modseq || modseqs.length === 0) return false;
    this.modseq = Math.max(this.modseq, ...modseqs);
    return true;
  }

  /** Records flags this session itself changed (its own STORE answers announce them). */
  noteFlags(uid: number, flags: string[], modseq: number): void {
    if (this.indexOf(uid) >= 0) this.remember({ uid, flags, modseq });
  }

  /**
   * The folder's changes after `modseq` as UID, flags and modseq only: the store's generic change
   * feed without content, so no parsed message is decoded on this hot path (every command).
   */
  private async changesSince(modseq: number): Promise<{ changed: Array<Pick<MessageState, 'uid' | 'flags' | 'modseq'>>; vanished: number[]; modseq: number }> {
    const changed: Array<Pick<MessageState, 'uid' | 'flags' | 'modseq'>> = [];
    const vanished: number[] = [];
    let from = modseq;
    let page = this.prefetched?.from === modseq ? this.prefetched.page : null;
    this.prefetched = null;
    for (;; page = null) {
      page ??= await this.store.changesSince(this.folder.id, from, FEED_PAGE, { withoutContent: true });
      for (const item of page.changed) if (item.imapUid !== null) changed.push({ uid: item.imapUid, flags: item.flags, modseq: item.modseq });
      for (const t of page.deleted) if (t.imapUid !== null) vanished.push(t.imapUid);
      from = page.modseq;
      if (!page.more) return { changed, vanished, modseq: from };
    }
  }

  /**
   * Reads what changed in the store since the last sync and returns the untagged responses
   * that tell the client: EXPUNGE/VANISHED (when allowed), EXISTS, and FETCH for flag changes.
   */
  async sync(opts: SyncOptions): Promise<Buffer[]> {
    const out: Buffer[] = [];
    // The change feed at once, not the folder row first: the feed is one statement that carries
    // the folder's content modseq too (and fails the same way when the folder is gone), so an
    // unchanged folder costs one query either way and a changed one a query less.
    if (!opts.current) {
      const changes = await this.changesSince(this.modseq);
      for (const uid of changes.vanished) if (this.indexOf(uid) >= 0) this.pendingExpunges.add(uid);
      const added: Array<Pick<MessageState, 'uid' | 'flags' | 'modseq'>> = [];
      for (const m of changes.changed) {
        if (m.uid > this.highestUid) { added.push(m); continue; }
        const known = this.flags.get(m.uid);
        if (!known || this.pendingExpunges.has(m.uid)) continue;
        const before = this.modseqs.get(m.uid) ?? 0;
        // No newer than what the view holds: a page read before this session's own STORE of it.
        if (m.modseq <= before) continue;
        this.remember(m);
        if (!sameFlags(known, m.flags) || (opts.condstore && m.modseq !== before)) {
          const items: Array<[string, import('../codec/index.js').ResponseValue]> = [['UID', m.uid], ['FLAGS', flagList(this.shownFlags(m.uid, m.flags))]];
          if (opts.condstore) items.push(['MODSEQ', [m.modseq]]);
          out.push(fetchResponse(this.seqOf(m.uid), items));
        }
      }
      this.modseq = Math.max(this.modseq, changes.modseq);
      if (opts.expunges && this.pendingExpunges.size > 0) out.unshift(...this.expunge([...this.pendingExpunges], opts.qresync));
      added.sort((a, b) => a.uid - b.uid);
      for (const m of added) {
        this.uids.push(m.uid);
        this.remember(m);
        this.highestUid = m.uid;
      }
      if (added.length > 0) {
        out.push(untagged([this.uids.length, atom('EXISTS')]));
        const claimed = await claimRecent(this.store, this.folder.accountId, this.folder.id, added.map((m) => m.uid), !this.readOnly);
        for (const u of claimed) this.recent.add(u);
        out.push(untagged([this.recent.size, atom('RECENT')]));
      }
    } else if (opts.expunges && this.pendingExpunges.size > 0) {
      out.push(...this.expunge([...this.pendingExpunges], opts.qresync));
    }
    return out;
  }
}

/** Changes read per page of the change feed. */
const FEED_PAGE = 1000;

export function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}
