/**
 * Who receives mail sent to an address, decided at RCPT time so that an unknown local recipient
 * is refused in the SMTP dialogue and never bounced later (no backscatter; RFC 5321 §3.3, §6.2).
 * Follows accounts, groups with an address (expanded to their members), aliases (one address to
 * many targets, chained) and the per-domain catch-all alias `@DOMAIN`.
 */
import type { Store } from '../store/store.js';
import type { Account, Domain } from '../model/types.js';
import { findListAddress, type ListAddress } from './lists/addresses.js';

/** How deep alias and group chains are followed, and how many mailboxes one address may reach. */
export interface ResolveLimits { maxDepth: number; maxMailboxes: number }
export const DEFAULT_RESOLVE_LIMITS: ResolveLimits = { maxDepth: 10, maxMailboxes: 1000 };

export type Resolution =
  /**
   * The domain is ours: `mailboxes` receive the message (deduplicated); `remote` are forwarding
   * targets elsewhere; `domains` are the mailboxes' domains as read while resolving (by id).
   */
  | { kind: 'local'; domain: Domain; mailboxes: Account[]; remote: string[]; domains: Map<number, Domain> }
  /** The domain is ours but nothing (enabled) answers to the address. */
  | { kind: 'unknown'; domain: Domain }
  /** Alias or group chains went deeper or wider than the limits allow (a loop that grew, or a misconfiguration). */
  | { kind: 'too-complex'; domain: Domain }
  /**
   * One of a mailing list's addresses (src/mail/lists/addresses.ts) other than LIST-owner: who
   * may write to it is checked at RCPT (src/mail/lists/policy.ts), the mail handled after DATA.
   */
  | { kind: 'list'; domain: Domain; list: ListAddress }
  /** Not one of our domains. */
  | { kind: 'remote'; domainName: string };

/** The domain part, lower-case (the local part is compared case-insensitively, as the store stores it). */
export function domainPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/**
 * Resolves one recipient address. Each address is visited once, so alias loops (a -> b -> a)
 * end by themselves; a chain longer than `maxDepth` or reaching more than `maxMailboxes`
 * mailboxes gives `too-complex`. Disabled accounts receive nothing. The catch-all `@DOMAIN`
 * applies only to the address the sender wrote, never to alias targets (a mistyped target must
 * not be swallowed silently).
 */
export async function resolveRecipient(store: Store, address: string, limits: ResolveLimits = DEFAULT_RESOLVE_LIMITS): Promise<Resolution> {
  const start = address.trim().toLowerCase();
  const domainName = domainPart(start);
  // Each domain is read once per resolution (an alias fan-out names the same few again and again).
  const domains = new DomainMemo(store);
  // The reads the address needs in the common case are sent at once, not one after another
  // (issue 10: on PostgreSQL each is a round trip of the RCPT): the domain, the list address and
  // the account. The last two are wasted for a domain that is not ours (a submission to
  // another domain, a relay attempt at the MX), which costs reads but no waiting.
  const [domain, list, account] = await Promise.all([
    domainName ? domains.byName(domainName) : null,
    findListAddress(store, start),
    domainName ? store.getAccount(start) : null,
  ]);
  if (!domain) return { kind: 'remote', domainName };
  if (list && list.endpoint !== 'owner') return { kind: 'list', domain, list };
  // LIST-owner@DOMAIN reaches the list's owners (RFC 2369 §3.6 List-Owner), as an alias would.
  const ownedList = list;
  const level0 = ownedList ? (await store.listListMembers(ownedList.id)).filter((m) => m.role === 'owner').map((m) => m.address) : [start];

  const mailboxes = new Map<number, Account>();
  const remote = new Set<string>();
  const seen = new Set<string>();
  const accounts = new Map<string, Account | null>([[start, account]]);
  let level = level0;
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limits.maxDepth) return { kind: 'too-complex', domain };
    const next: string[] = [];
    for (const addr of level) {
      if (seen.has(addr)) continue;
      seen.add(addr);
      const targets = await expand(store, domains, accounts, addr, depth === 0 && !ownedList, mailboxes, remote);
      next.push(...targets);
      if (mailboxes.size > limits.maxMailboxes || seen.size + next.length > limits.maxMailboxes * 4) return { kind: 'too-complex', domain };
    }
    level = next;
  }
  if (mailboxes.size === 0 && remote.size === 0) return { kind: 'unknown', domain };
  return { kind: 'local', domain, mailboxes: [...mailboxes.values()], remote: [...remote], domains: domains.byId() };
}

/** Domains by name as read during one resolution (null: not ours). */
class DomainMemo {
  private readonly names = new Map<string, Domain | null>();
  constructor(private readonly store: Store) {}
  async byName(name: string): Promise<Domain | null> {
    if (!this.names.has(name)) this.names.set(name, await this.store.getDomain(name));
    return this.names.get(name)!;
  }
  byId(): Map<number, Domain> {
    return new Map([...this.names.values()].filter((d): d is Domain => d !== null).map((d) => [d.id, d]));
  }
}

/** One step: adds a mailbox, or returns the addresses this one points to. */
async function expand(store: Store, domains: DomainMemo, accounts: Map<string, Account | null>, addr: string, original: boolean,
  mailboxes: Map<number, Account>, remote: Set<string>): Promise<string[]> {
  const name = domainPart(addr);
  if (!(await domains.byName(name))) {
    remote.add(addr);
    return [];
  }
  // The address the sender wrote was read with its domain (resolveRecipient); the rest here.
  const account = accounts.has(addr) ? accounts.get(addr)! : await store.getAccount(addr);
  if (account) {
    if (account.disabled) return [];
    // Resource accounts (rooms, equipment) book meetings over CalDAV/ActiveSync; they have no mailbox.
    // Nor has the domain's public-folder owner (src/admin/public-folders.ts).
    if (account.kind === 'resource' || account.kind === 'public') return [];
    if (account.kind === 'user') {
      mailboxes.set(account.id, account);
      return [];
    }
    return (await store.listGroupMembers(account.id)).map((m) => m.email);
  }
  const alias = await store.getAlias(addr);
  if (alias) return alias.targets;
  if (original) {
    const catchAll = await store.getAlias(`@${name}`);
    if (catchAll) return catchAll.targets;
  }
  return [];
}
