import type { Account, Alias, AuditEvent, Device, Domain, Folder, Grant, Item, SyncState, Tombstone } from '../model/types.js';
import type { AccountRow, AliasRow, AuditRow, DeviceRow, DomainRow, FolderRow, GrantRow, ItemRow, SyncStateRow, TombstoneRow } from './schema.js';

/** Row <-> model mapping. pg returns bigint as number (see postgres.ts type parser). */
export const json = <T>(text: string | null, fallback: T): T => {
  // Most rows carry empty props and flags: skip the parser for them (folder listings map 1,000s of rows).
  if (text === null) return fallback;
  if (text === '{}') return {} as T;
  if (text === '[]') return [] as T;
  return JSON.parse(text) as T;
};

export const toDomain = (r: DomainRow): Domain => ({
  id: Number(r.id), name: r.name, maxUsers: num(r.max_users), defaultQuota: num(r.default_quota), maxQuota: num(r.max_quota),
  maxMessageSize: num(r.max_message_size), footerText: r.footer_text, footerHtml: r.footer_html, logoBlob: r.logo_blob,
  settings: json(r.settings, {}), createdAt: Number(r.created_at),
});

export const toAccount = (r: AccountRow): Account => ({
  id: Number(r.id), domainId: Number(r.domain_id), email: r.email, kind: r.kind as Account['kind'], displayName: r.display_name,
  passwordHash: r.password_hash, quotaBytes: num(r.quota_bytes), quotaMessages: num(r.quota_messages),
  isServerAdmin: !!r.is_server_admin, adminDomains: json(r.admin_domains, []), disabled: !!r.disabled, createdAt: Number(r.created_at),
});

export const toAlias = (r: AliasRow): Alias => ({ address: r.address, domainId: Number(r.domain_id), targets: json(r.targets, []) });

export const toFolder = (r: FolderRow): Folder => ({
  id: Number(r.id), accountId: Number(r.account_id), parentId: num(r.parent_id), name: r.name, kind: r.kind as Folder['kind'],
  role: r.role as Folder['role'], props: json(r.props, {}), uidValidity: Number(r.uid_validity), uidNext: Number(r.uid_next),
  modseq: Number(r.modseq), contentModseq: Number(r.content_modseq), createdAt: Number(r.created_at),
});

export const toItem = (r: ItemRow): Item => ({
  id: Number(r.id), accountId: Number(r.account_id), folderId: Number(r.folder_id), name: r.name, uid: r.uid,
  content: r.content ?? null, blobHash: r.blob_hash, contentType: r.content_type, size: Number(r.size), imapUid: num(r.imap_uid),
  flags: json(r.flags, []), componentType: r.component_type, summary: r.summary, startAt: num(r.start_at), endAt: num(r.end_at),
  recurring: !!r.recurring, props: json(r.props, {}), modseq: Number(r.modseq), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});

/** A row of changesSince's `pimSync` feed: the fields it does not read are empty (store.ts). */
export const toPimSyncItem = (r: ItemRow): Item => ({
  id: Number(r.id), accountId: Number(r.account_id), folderId: Number(r.folder_id), name: r.name, uid: r.uid,
  content: r.content ?? null, blobHash: null, contentType: '', size: Number(r.size), imapUid: num(r.imap_uid),
  flags: [], componentType: r.component_type, summary: null, startAt: num(r.start_at), endAt: num(r.end_at),
  recurring: !!r.recurring, props: {}, modseq: Number(r.modseq), createdAt: 0, updatedAt: 0,
});

export const toTombstone = (r: TombstoneRow): Tombstone => ({
  folderId: Number(r.folder_id), itemId: Number(r.item_id), name: r.name, uid: r.uid, imapUid: num(r.imap_uid), modseq: Number(r.modseq),
});

export const toDevice = (r: DeviceRow): Device => ({
  id: Number(r.id), accountId: Number(r.account_id), deviceId: r.device_id, deviceType: r.device_type, userAgent: r.user_agent,
  model: r.model, protocolVersion: r.protocol_version, policyKey: r.policy_key, pendingPolicyKey: r.pending_policy_key,
  access: r.access as Device['access'], wipeState: r.wipe_state as Device['wipeState'], wipeAccountOnly: !!r.wipe_account_only,
  info: json(r.info, {}), lastSeen: Number(r.last_seen), createdAt: Number(r.created_at),
});

export const toSyncState = (r: SyncStateRow): SyncState => ({
  deviceId: Number(r.device_id), collection: r.collection, syncKey: r.sync_key, state: json(r.state, null),
  previousKey: r.previous_key, previousState: json(r.previous_state, null), updatedAt: Number(r.updated_at),
});

export const toGrant = (r: GrantRow): Grant => ({
  id: Number(r.id), ownerId: Number(r.owner_id), folderId: num(r.folder_id), granteeId: Number(r.grantee_id),
  rights: r.rights as Grant['rights'], status: r.status as Grant['status'], props: json(r.props, {}), createdAt: Number(r.created_at),
});

export const toAudit = (r: AuditRow): AuditEvent => ({
  id: Number(r.id), at: Number(r.at), actor: r.actor, action: r.action, target: r.target, source: r.source, detail: json(r.detail, {}),
});

function num(v: number | string | null): number | null {
  return v === null || v === undefined ? null : Number(v);
}
