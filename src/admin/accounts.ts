/**
 * Users, groups and resources (rooms, equipment) as administrators change them, for the CLI
 * (`hearth user add|passwd`, `hearth lockout unlock`) and the admin API. The domain's limits hold
 * for everyone: the largest quota here, the number of users atomically in the store. Every
 * change is audited with target `account:EMAIL`, before and after (never a password or hash).
 */
import type { Account, AccountKind, Domain } from '../model/types.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { hashPassword } from '../auth/password.js';
import { normaliseAddress } from './names.js';
import { checkPasswordAgainst } from './password-policy.js';
import { accountTarget, auditChange, type AdminActor } from './actor.js';
import { releaseAccountPhoto } from './account-photo.js';
import { recordUsageNow } from './usage.js';

export { accountTarget };

import { PROTOCOL_ACCESS_SETTING, protocolAccessOf, type ProtocolAccess } from '../model/protocol-access.js';

/** Account setting of a resource: what it is. */
export const RESOURCE_TYPE_SETTING = 'resourceType';
export type ResourceType = 'room' | 'equipment';

export async function protocolAccess(store: Store, accountId: number): Promise<ProtocolAccess> {
  return protocolAccessOf(await store.getSetting<Partial<ProtocolAccess>>(accountId, PROTOCOL_ACCESS_SETTING));
}

/** The public view of an account (API bodies, audit before/after). */
export async function accountView(store: Store, a: Account) {
  const usage = await store.accountUsage(a.id);
  return {
    email: a.email,
    kind: a.kind,
    displayName: a.displayName,
    quotaBytes: a.quotaBytes,
    usedBytes: usage.bytes,
    usedMessages: usage.messages,
    disabled: a.disabled,
    serverAdmin: a.isServerAdmin,
    domainAdmin: a.adminDomains.length > 0,
    protocols: await protocolAccess(store, a.id),
    ...(a.kind === 'resource' ? { resourceType: (await store.getSetting<ResourceType>(a.id, RESOURCE_TYPE_SETTING)) ?? 'room' } : {}),
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

/** Refuses a quota above the domain's largest (the server administrator's limit). */
export function checkQuotaLimit(domain: Domain, quotaBytes: number | null | undefined): void {
  if (quotaBytes === undefined) return;
  if (quotaBytes !== null && !(Number.isSafeInteger(quotaBytes) && quotaBytes > 0))
    throw new StoreError('Invalid', 'quota: expected a positive whole number of bytes');
  if (domain.maxQuota !== null && (quotaBytes === null || quotaBytes > domain.maxQuota)) {
    throw new StoreError('LimitExceeded', `quota exceeds the maximum of domain ${domain.name} (${domain.maxQuota} bytes)`);
  }
}

export interface NewAccountInput {
  email: string;
  kind?: AccountKind;
  /** Required for users; groups and resources have none (they do not sign in). */
  password?: string;
  displayName?: string | null;
  /** undefined: the domain's default quota. */
  quotaBytes?: number | null;
  domainAdmin?: boolean;
  serverAdmin?: boolean;
  resourceType?: ResourceType;
}

export async function createAccount(store: Store, by: AdminActor, domain: Domain, input: NewAccountInput): Promise<Account> {
  const email = normaliseAddress(input.email);
  if (email === null) throw new StoreError('Invalid', `not an email address: '${input.email}'`);
  if (!email.endsWith(`@${domain.name}`)) throw new StoreError('Invalid', `${email} is not an address of ${domain.name}`);
  const kind = input.kind ?? 'user';
  let passwordHash: string | null = null;
  if (kind === 'user') {
    passwordHash = await hashPassword(checkPasswordAgainst(domain, input.password, email));
  }
  checkQuotaLimit(domain, input.quotaBytes);
  const a = await store.createAccount({
    domainId: domain.id,
    email,
    kind,
    displayName: input.displayName ?? null,
    passwordHash,
    ...(input.quotaBytes !== undefined ? { quotaBytes: input.quotaBytes } : {}),
    adminDomains: input.domainAdmin ? [domain.id] : [],
    isServerAdmin: !!input.serverAdmin,
  });
  if (kind === 'resource') await store.setSetting(a.id, RESOURCE_TYPE_SETTING, input.resourceType ?? 'room');
  await auditChange(store, by, `${kind}.created`, accountTarget(a.email), null, await accountView(store, a));
  if (kind === 'user') await recordUsageNow(store, domain);
  return a;
}

export interface AccountChanges {
  displayName?: string | null;
  quotaBytes?: number | null;
  disabled?: boolean;
  protocols?: Partial<ProtocolAccess>;
}

export async function updateAccount(
  store: Store,
  by: AdminActor,
  domain: Domain,
  account: Account,
  changes: AccountChanges,
): Promise<Account> {
  checkQuotaLimit(domain, changes.quotaBytes);
  const before = await accountView(store, account);
  const patch: Partial<Account> = {};
  if (changes.displayName !== undefined) patch.displayName = changes.displayName;
  if (changes.quotaBytes !== undefined) patch.quotaBytes = changes.quotaBytes;
  if (changes.disabled !== undefined) patch.disabled = changes.disabled;
  const after = Object.keys(patch).length ? await store.updateAccount(account.id, patch) : account;
  if (changes.protocols)
    await store.setSetting(account.id, PROTOCOL_ACCESS_SETTING, { ...(await protocolAccess(store, account.id)), ...changes.protocols });
  await auditChange(store, by, `${account.kind}.updated`, accountTarget(account.email), before, await accountView(store, after));
  return after;
}

/** Sets a new password (if the domain's password policy accepts it) and clears the login's failures (a reset also unlocks). */
export async function resetPassword(store: Store, by: AdminActor, account: Account, password: string): Promise<void> {
  if (account.kind !== 'user') throw new StoreError('Invalid', `${account.email} is a ${account.kind}: it has no password`);
  checkPasswordAgainst(await store.getDomain(account.domainId), password, account.email);
  await store.updateAccount(account.id, { passwordHash: await hashPassword(password) });
  await store.clearLoginFailures(account.email);
  await store.audit({
    actor: by.actor,
    source: by.source,
    action: 'user.password.reset',
    target: accountTarget(account.email),
    detail: {},
  });
}

/** Clears the failed logins of an address (every source); returns how many there were. */
export async function unlockLogin(store: Store, by: AdminActor, email: string): Promise<number> {
  const n = await store.clearLoginFailures(email);
  await store.audit({
    actor: by.actor,
    source: by.source,
    action: 'user.unlocked',
    target: accountTarget(email.toLowerCase()),
    detail: { cleared: n },
  });
  return n;
}

export async function deleteAccount(store: Store, by: AdminActor, domain: Domain, account: Account): Promise<void> {
  const before = await accountView(store, account);
  await releaseAccountPhoto(store, account);
  await store.deleteAccount(account.id);
  await auditChange(store, by, `${account.kind}.deleted`, accountTarget(account.email), before, null);
  if (account.kind === 'user') await recordUsageNow(store, domain);
}

/** Group membership: members are accounts of the group's domain. Idempotent both ways. */
export async function setGroupMember(store: Store, by: AdminActor, group: Account, member: Account, present: boolean): Promise<void> {
  if (group.kind !== 'group') throw new StoreError('NotFound', 'group not found');
  if (member.domainId !== group.domainId) throw new StoreError('NotFound', 'member not found');
  const was = (await store.listGroupMembers(group.id)).some((m) => m.id === member.id);
  if (was === present) return;
  if (present) await store.addGroupMember(group.id, member.id);
  else await store.removeGroupMember(group.id, member.id);
  await store.audit({
    actor: by.actor,
    source: by.source,
    action: present ? 'group.member.added' : 'group.member.removed',
    target: accountTarget(group.email),
    detail: { member: member.email },
  });
}
