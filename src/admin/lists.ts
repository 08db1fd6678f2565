/**
 * Mailing lists as administrators change them, for the CLI (`hearth list ...`) and the admin API
 * (docs/protocols/smtp.md "Mailing lists"). Every change is audited with target `list:ADDRESS`,
 * the list's view before and after (members as counts: a list of thousands is not copied into
 * every audit row; the addresses added or removed are named in the event).
 */
import type { Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { ListMember, ListPosting, ListReplyTo, ListRole, ListSettings, MailingList, PostPolicy, SubscriptionPolicy } from '../store/list-store.js';
import { StoreError } from '../store/errors.js';
import { normaliseAddress } from './names.js';
import { auditChange, type AdminActor } from './actor.js';

export const LIST_POSTING: readonly ListPosting[] = ['anyone', 'members', 'owners'];
export const LIST_REPLY_TO: readonly ListReplyTo[] = ['sender', 'list'];
export const LIST_POST_POLICY: readonly PostPolicy[] = ['allow', 'moderate', 'deny'];
export const LIST_SUBSCRIPTION: readonly SubscriptionPolicy[] = ['open', 'moderated', 'closed'];

export const listTarget = (address: string) => `list:${address}`;

/** The public view of a list (API bodies, audit before/after). */
export const listView = (l: MailingList) => ({
  address: l.address,
  name: l.name,
  subjectPrefix: l.subjectPrefix,
  description: l.description,
  posting: l.posting,
  replyTo: l.replyTo,
  subscription: l.subscription,
  memberPosts: l.memberPosts,
  nonMemberPosts: l.nonMemberPosts,
  moderatorPosts: l.moderatorPosts,
  bounceLimit: l.bounceLimit,
  createdAt: new Date(l.createdAt).toISOString(),
});
export const memberView = (m: ListMember) => ({ address: m.address, role: m.role, disabled: m.disabled, bounces: m.bounces, createdAt: new Date(m.createdAt).toISOString() });

/** The list's settings; `posting` is a preset of the three post policies (explicit ones win). */
export type ListFields = Partial<ListSettings> & { posting?: ListPosting };

function checkPolicies(f: ListFields): void {
  if (f.posting !== undefined && !LIST_POSTING.includes(f.posting))
    throw new StoreError('Invalid', `posting: expected ${LIST_POSTING.join(', ')}`);
  if (f.replyTo !== undefined && !LIST_REPLY_TO.includes(f.replyTo))
    throw new StoreError('Invalid', `replyTo: expected ${LIST_REPLY_TO.join(', ')}`);
  if (f.subscription !== undefined && !LIST_SUBSCRIPTION.includes(f.subscription))
    throw new StoreError('Invalid', `subscription: expected ${LIST_SUBSCRIPTION.join(', ')}`);
  for (const k of ['memberPosts', 'nonMemberPosts', 'moderatorPosts'] as const)
    if (f[k] !== undefined && !LIST_POST_POLICY.includes(f[k]))
      throw new StoreError('Invalid', `${k}: expected ${LIST_POST_POLICY.join(', ')}`);
  if (f.bounceLimit !== undefined && !(Number.isInteger(f.bounceLimit) && f.bounceLimit >= 0))
    throw new StoreError('Invalid', 'bounceLimit: expected a whole number, 0 or more');
}

/** The fields given, with '' as null for the texts that may be absent. */
function settings(f: ListFields): ListFields {
  const out: ListFields = { ...f };
  if (f.subjectPrefix !== undefined) out.subjectPrefix = f.subjectPrefix || null;
  if (f.description !== undefined) out.description = f.description || null;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ListFields;
}

function address(a: string): string {
  const n = normaliseAddress(a);
  if (n === null) throw new StoreError('Invalid', `not an email address: '${a}'`);
  return n;
}

/** Creates a list at an address of `domain` (Conflict when the address is taken by anything). */
export async function createList(store: Store, by: AdminActor, domain: Domain, listAddress: string, f: ListFields = {}): Promise<MailingList> {
  const addr = address(listAddress);
  if (!addr.endsWith(`@${domain.name}`)) throw new StoreError('Invalid', `not an address of ${domain.name}: '${listAddress}'`);
  checkPolicies(f);
  const l = await store.createList({ address: addr, subjectPrefix: null, ...settings(f) });
  await auditChange(store, by, 'list.created', listTarget(l.address), null, listView(l));
  return l;
}

/** Changes the list's settings; fields left out stay. */
export async function updateList(store: Store, by: AdminActor, list: MailingList, f: ListFields): Promise<MailingList> {
  checkPolicies(f);
  const updated = await store.updateList(list.id, settings(f));
  await auditChange(store, by, 'list.updated', listTarget(list.address), listView(list), listView(updated));
  return updated;
}

export async function deleteList(store: Store, by: AdminActor, list: MailingList): Promise<void> {
  const members = await store.listListMembers(list.id);
  await store.deleteList(list.id);
  await auditChange(store, by, 'list.deleted', listTarget(list.address), { ...listView(list), members: members.length }, null);
}

/** Adds addresses (any, here or elsewhere) or changes their role; idempotent. */
export async function addListMembers(store: Store, by: AdminActor, list: MailingList, addresses: string[], role: ListRole): Promise<ListMember[]> {
  const clean = addresses.map(address);
  if (clean.includes(list.address)) throw new StoreError('Invalid', 'a list cannot be its own member');
  const before = new Map((await store.listListMembers(list.id)).map((m) => [m.address, m.role]));
  const out: ListMember[] = [];
  for (const a of clean) out.push(await store.addListMember(list.id, a, role));
  const changed = clean.filter((a) => before.get(a) !== role);
  if (changed.length > 0)
    await auditChange(store, by, 'list.members.added', listTarget(list.address), { members: before.size }, { members: before.size + clean.filter((a) => !before.has(a)).length }, { role, addresses: changed });
  return out;
}

/** Removes addresses; returns those that were not members (nothing is changed for them). */
export async function removeListMembers(store: Store, by: AdminActor, list: MailingList, addresses: string[]): Promise<string[]> {
  const clean = addresses.map(address);
  const missing: string[] = [];
  const removed: string[] = [];
  for (const a of clean) ((await store.removeListMember(list.id, a)) ? removed : missing).push(a);
  if (removed.length > 0) await auditChange(store, by, 'list.members.removed', listTarget(list.address), null, null, { addresses: removed });
  return missing;
}
