/**
 * The mailing lists' slice of the Store (issue 10 item 9). A list answers at its own address and
 * at its command addresses (src/mail/lists/addresses.ts, resolved at RCPT by
 * src/mail/recipients.ts); posts are rewritten and fanned out, held for moderation, and
 * subscriptions confirmed by src/mail/lists/. Addresses are stored lower-case.
 */

/** Who may post, as a preset of the three per-class policies (CLI `--posting`). */
export type ListPosting = 'anyone' | 'members' | 'owners';
/** What a post of one class of sender gets: sent to the members, held for a moderator, or refused at RCPT. */
export type PostPolicy = 'allow' | 'moderate' | 'deny';
/** Who may subscribe: anyone who confirms, those a moderator approves after they confirm, or nobody by mail. */
export type SubscriptionPolicy = 'open' | 'moderated' | 'closed';
/** Reply-To of a distributed post: left as the sender wrote it, or set to the list. */
export type ListReplyTo = 'sender' | 'list';
/** Owners get LIST-owner mail and moderate; moderators moderate; members receive posts. */
export type ListRole = 'member' | 'moderator' | 'owner';

export interface MailingList {
  id: number;
  domainId: number;
  /** The posting address, lower-case. */
  address: string;
  /** Display name (List-Id phrase, RFC 2919 §3). */
  name: string;
  /** What the -help address answers with; null for none. */
  description: string | null;
  /** Put before the subject of each post, e.g. "[team]"; null for none. */
  subjectPrefix: string | null;
  replyTo: ListReplyTo;
  subscription: SubscriptionPolicy;
  /** Posts by members (role member). */
  memberPosts: PostPolicy;
  /** Posts by anyone who is not on the list. */
  nonMemberPosts: PostPolicy;
  /** Posts by owners and moderators. */
  moderatorPosts: PostPolicy;
  /** The preset the three policies match, or 'custom'. */
  posting: ListPosting | 'custom';
  /** Bounces after which a member's delivery is disabled; 0 never disables. */
  bounceLimit: number;
  createdAt: number;
}

export type ListSettings = Pick<
  MailingList,
  'name' | 'description' | 'subjectPrefix' | 'replyTo' | 'subscription' | 'memberPosts' | 'nonMemberPosts' | 'moderatorPosts' | 'bounceLimit'
>;

export interface NewMailingList extends Partial<ListSettings> {
  address: string;
  /** A preset for the three post policies; explicit policies win over it. */
  posting?: ListPosting;
}

export interface ListMember {
  address: string;
  role: ListRole;
  createdAt: number;
  /** Bounces counted since the member was (re)added. */
  bounces: number;
  /** Delivery stopped after too many bounces; adding the address again enables it. */
  disabled: boolean;
}

/** What a token lets its holder do (src/mail/lists/requests.ts, moderation.ts). */
/** 'notice' only counts a refusal sent (the rate limit); it allows nothing. */
export type ListTokenKind = 'subscribe' | 'unsubscribe' | 'notice' | 'approve-subscription' | 'reject-subscription' | 'approve-post' | 'reject-post';

export interface NewListToken {
  /** Public half, looked up (lower-case hex). */
  selector: string;
  /** SHA-256 of the secret half, hex; compared in constant time by the caller. */
  verifierHash: string;
  listId: number;
  kind: ListTokenKind;
  /** Whom it is about: the subscriber, or the sender of a held post. */
  address: string;
  heldId?: number | null;
  /** Tokens that answer one question share it; consuming one removes them all. */
  decision: string;
  expiresAt: number;
}

export interface ListToken extends Required<NewListToken> {
  createdAt: number;
}

export interface HeldPost {
  id: number;
  listId: number;
  mailFrom: string;
  subject: string;
  size: number;
  createdAt: number;
  expiresAt: number;
}

export interface ListStore {
  /**
   * Creates a list at an address of an existing local domain. NotFound for an unknown domain;
   * Conflict when a list, an account or an alias already has the address; Invalid for an
   * address ending in one of the reserved command suffixes (-owner, -request, -bounces ...).
   */
  createList(list: NewMailingList): Promise<MailingList>;
  /** The list at this address (case-insensitive), or null. */
  getList(address: string): Promise<MailingList | null>;
  getListById(id: number): Promise<MailingList | null>;
  /** Every list, of one domain or of all, by address. */
  listLists(domainId?: number): Promise<MailingList[]>;
  /** Changes settings (a `posting` preset sets the three post policies); NotFound for no such list. */
  updateList(id: number, patch: Partial<ListSettings> & { posting?: ListPosting }): Promise<MailingList>;
  /** Deletes the list, its members, tokens and held posts; NotFound for no such list. */
  deleteList(id: number): Promise<void>;
  /**
   * Adds an address, or changes its role when already there; either way its bounce count is
   * reset and delivery enabled. NotFound for no such list.
   */
  addListMember(listId: number, address: string, role?: ListRole): Promise<ListMember>;
  /** Removes an address; false when it was not a member. */
  removeListMember(listId: number, address: string): Promise<boolean>;
  /** Members by address (disabled ones included). */
  listListMembers(listId: number): Promise<ListMember[]>;
  /** One member, or null. */
  getListMember(listId: number, address: string): Promise<ListMember | null>;
  /**
   * Counts one bounce for a member; when the count reaches `limit` (> 0) delivery is disabled.
   * Null when the address is not a member.
   */
  recordListBounce(listId: number, address: string, limit: number): Promise<ListMember | null>;

  /** Stores a token; Conflict when the selector exists. */
  createListToken(token: NewListToken): Promise<void>;
  /** The token with this selector, unexpired at `now`, or null. */
  getListToken(selector: string, now: number): Promise<ListToken | null>;
  /**
   * Uses a token once: removes it and every token of its decision. Returns it, or null when it
   * was already used (another process won) or has expired.
   */
  consumeListToken(selector: string, now: number): Promise<ListToken | null>;
  /** Tokens made for this address (any list, any kind) at or after `since`: the rate limit. */
  countListTokens(address: string, since: number): Promise<number>;

  /** Stores a post for moderation. NotFound for no such list. */
  holdListPost(post: { listId: number; mailFrom: string; subject: string; bytes: Uint8Array; expiresAt: number }): Promise<HeldPost>;
  /** The list's unexpired held posts, oldest first. */
  listHeldPosts(listId: number, now: number): Promise<HeldPost[]>;
  /**
   * Takes a held post out (to send or to drop it), with its bytes; null when it is not there
   * (already decided, expired, or of another list). Its tokens go with it.
   */
  takeHeldPost(listId: number, id: number, now: number): Promise<(HeldPost & { bytes: Buffer }) | null>;
  /** Removes expired tokens and held posts; returns how many of each. */
  purgeExpiredListItems(now: number): Promise<{ tokens: number; held: number }>;
}

/**
 * The command addresses every list has (LIST-request@, LIST-owner@ ...; RFC 2369 §3 points to
 * them). No list may be created at an address ending in one of them.
 */
export const LIST_COMMAND_SUFFIXES = ['request', 'subscribe', 'unsubscribe', 'help', 'owner', 'confirm', 'bounces'] as const;
export type ListCommand = (typeof LIST_COMMAND_SUFFIXES)[number];

const PRESETS: Record<ListPosting, [PostPolicy, PostPolicy, PostPolicy]> = {
  anyone: ['allow', 'allow', 'allow'],
  members: ['allow', 'deny', 'allow'],
  owners: ['deny', 'deny', 'allow'],
};

/** The three post policies (members, non-members, moderators) of a preset. */
export function postingPreset(p: ListPosting): { memberPosts: PostPolicy; nonMemberPosts: PostPolicy; moderatorPosts: PostPolicy } {
  const [memberPosts, nonMemberPosts, moderatorPosts] = PRESETS[p];
  return { memberPosts, nonMemberPosts, moderatorPosts };
}

/** The preset the policies match, or 'custom'. */
export function presetOf(l: Pick<MailingList, 'memberPosts' | 'nonMemberPosts' | 'moderatorPosts'>): ListPosting | 'custom' {
  for (const [name, [m, n, o]] of Object.entries(PRESETS))
    if (l.memberPosts === m && l.nonMemberPosts === n && l.moderatorPosts === o) return name as ListPosting;
  return 'custom';
}
