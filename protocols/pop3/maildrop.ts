/**
 * The maildrop of one POP3 session (RFC 1939 §4-§6): the INBOX as it was at login, numbered
 * 1..n for the whole session, with the deletion marks of DELE. Only QUIT in the TRANSACTION
 * state changes the store (the UPDATE state): marked messages are expunged, retrieved ones
 * marked \Seen. A message another protocol removes meanwhile keeps its number here; reading it
 * answers that it is gone, and the UPDATE state skips it.
 */
import type { Store } from '../../src/store/store.js';
import { DELETED, SEEN } from '../../src/model/mail.js';

export interface DropEntry {
  /** Message number in this session (RFC 1939 §4), 1-based. */
  number: number;
  itemId: number;
  uid: number;
  size: number;
  /** RFC 1939 §7 UIDL: UIDVALIDITY and UID of the INBOX, which never repeat for another message. */
  uniqueId: string;
}

export class Maildrop {
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Set<number>();

  private constructor(
    private readonly store: Store,
    readonly folderId: number,
    readonly entries: DropEntry[],
  ) {}

  /** The account's INBOX as it is now; null when the account has none. */
  static async open(store: Store, accountId: number): Promise<Maildrop | null> {
    const inbox = await store.findFolderByRole(accountId, 'inbox');
    if (!inbox) return null;
    const states = await store.listMessageStates(inbox.id);
    const entries = states.map((m, i) => ({
      number: i + 1,
      itemId: m.itemId,
      uid: m.uid,
      size: m.size,
      uniqueId: `${inbox.uidValidity}.${m.uid}`,
    }));
    return new Maildrop(store, inbox.id, entries);
  }

  /** The entry of a message number, or null when there is none or it is marked deleted (RFC 1939 §5). */
  get(number: number): DropEntry | null {
    const e = this.entries[number - 1];
    return e && !this.deleted.has(number) ? e : null;
  }

  isDeleted(number: number): boolean {
    return this.deleted.has(number);
  }

  /** Messages not marked deleted. */
  live(): DropEntry[] {
    return this.entries.filter((e) => !this.deleted.has(e.number));
  }

  /** STAT: count and octets of the messages not marked deleted (RFC 1939 §5). */
  stat(): { count: number; octets: number } {
    const live = this.live();
    return { count: live.length, octets: live.reduce((s, e) => s + e.size, 0) };
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
  }

  /** RSET (RFC 1939 §5): every deletion mark is removed. */
  unmarkAll(): void {
    this.deleted.clear();
  }

  /** The message bytes; null when another session has removed it since login. */
  async read(e: DropEntry, opts: { retrieve: boolean }): Promise<Buffer | null> {
    const bytes = await this.store.readMessageBytes(e.itemId);
    if (bytes && opts.retrieve) this.retrieved.add(e.number);
    return bytes;
  }

  /**
   * The UPDATE state (RFC 1939 §6): retrieved messages become \Seen, marked ones are expunged.
   * Messages already gone are ignored by the store. Returns the UIDs removed.
   */
  async commit(): Promise<number[]> {
    const seen = [...this.retrieved].filter((n) => !this.deleted.has(n)).map((n) => this.entries[n - 1].uid);
    if (seen.length) await this.store.storeFlags(this.folderId, seen, 'add', [SEEN]);
    const gone = [...this.deleted].map((n) => this.entries[n - 1].uid).sort((a, b) => a - b);
    if (gone.length === 0) return [];
    await this.store.storeFlags(this.folderId, gone, 'add', [DELETED]);
    return this.store.expungeMessages(this.folderId, gone);
  }
}
