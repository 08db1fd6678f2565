// The account's IMAP subscriptions (RFC 9051 §6.3.7-8): names, not folders, so a subscription
// outlives the mailbox it names (LIST (SUBSCRIBED) then shows it \NonExistent, RFC 5258 §3.1).
// Folders that exist without IMAP having created them (the account's standard folders, folders
// made over ActiveSync or the REST API) count as subscribed until UNSUBSCRIBEd, so they show in
// clients that list only subscribed folders; a mailbox created with IMAP CREATE (or as a parent
// on the way) starts unsubscribed, as clients expect: they SUBSCRIBE what they create.
import type { Store } from '../../../src/store/store.js';

const KEY = 'imap.subscriptions';
/** The earlier form: only the unsubscribed names. */
const LEGACY_UNSUBSCRIBED = 'imap.unsubscribed';

interface Stored { subscribed: string[]; unsubscribed: string[] }

export class Subscriptions {
  private constructor(private readonly store: Store, private readonly accountId: number,
    readonly subscribed: Set<string>, readonly unsubscribed: Set<string>) {}

  static async load(store: Store, accountId: number): Promise<Subscriptions> {
    const stored = await store.getSetting<Stored>(accountId, KEY);
    if (stored) return new Subscriptions(store, accountId, new Set(stored.subscribed), new Set(stored.unsubscribed));
    const legacy = (await store.getSetting<string[]>(accountId, LEGACY_UNSUBSCRIBED)) ?? [];
    return new Subscriptions(store, accountId, new Set(), new Set(legacy));
  }

  /** Whether `name` is subscribed; `exists`: a mailbox of that name exists now. */
  has(name: string, exists: boolean): boolean {
    if (this.subscribed.has(name)) return true;
    return exists && !this.unsubscribed.has(name);
  }

  async set(name: string, subscribed: boolean): Promise<void> {
    if (subscribed) { this.subscribed.add(name); this.unsubscribed.delete(name); }
    else { this.subscribed.delete(name); this.unsubscribed.add(name); }
    await this.save();
  }

  /** Mailboxes IMAP just created: unsubscribed unless the client subscribed the name before. */
  async created(names: string[]): Promise<void> {
    let changed = false;
    for (const n of names) if (!this.subscribed.has(n) && !this.unsubscribed.has(n)) { this.unsubscribed.add(n); changed = true; }
    if (changed) await this.save();
  }

  private save(): Promise<void> {
    return this.store.setSetting(this.accountId, KEY, { subscribed: [...this.subscribed], unsubscribed: [...this.unsubscribed] } satisfies Stored);
  }
}
