/**
 * The mailing lists' slice of the Store (issue 10 item 9). A list answers at its own address
 * (src/mail/recipients.ts resolves it at RCPT) and at LIST-owner@ (its owners); posts are
 * rewritten and fanned out by src/mail/lists/. Addresses are stored lower-case.
 */

/** Who may post: anyone, the list's members (owners included), or its owners only (announcements). */
export type ListPosting = 'anyone' | 'members' | 'owners';
/** Reply-To of a distributed post: left as the sender wrote it, or set to the list. */
export type ListReplyTo = 'sender' | 'list';
export type ListRole = 'member' | 'owner';

export interface MailingList {
  id: number;
  domainId: number;
  /** The posting address, lower-case. */
  address: string;
  /** Display name (List-Id phrase, RFC 2919 §3). */
  name: string;
  /** Put before the subject of each post, e.g. "[team]"; null for none. */
  subjectPrefix: string | null;
  replyTo: ListReplyTo;
  posting: ListPosting;
  createdAt: number;
}

export interface NewMailingList {
  address: string;
  name?: string;
  subjectPrefix?: string | null;
  replyTo?: ListReplyTo;
  posting?: ListPosting;
}

export interface ListMember {
  address: string;
  role: ListRole;
  createdAt: number;
}

export interface ListStore {
  /**
   * Creates a list at an address of an existing local domain. NotFound for an unknown domain;
   * Conflict when a list, an account or an alias already has the address; Invalid for an
   * address ending in -owner (reserved for the owners of a list).
   */
  createList(list: NewMailingList): Promise<MailingList>;
  /** The list at this address (case-insensitive), or null. */
  getList(address: string): Promise<MailingList | null>;
  /** Every list, of one domain or of all, by address. */
  listLists(domainId?: number): Promise<MailingList[]>;
  /** Changes name, prefix or policies; NotFound for no such list. */
  updateList(id: number, patch: Partial<Pick<MailingList, 'name' | 'subjectPrefix' | 'replyTo' | 'posting'>>): Promise<MailingList>;
  /** Deletes the list and its members; NotFound for no such list. */
  deleteList(id: number): Promise<void>;
  /** Adds an address (or changes its role when already there); NotFound for no such list. */
  addListMember(listId: number, address: string, role?: ListRole): Promise<ListMember>;
  /** Removes an address; false when it was not a member. */
  removeListMember(listId: number, address: string): Promise<boolean>;
  /** Members by address. */
  listListMembers(listId: number): Promise<ListMember[]>;
}
