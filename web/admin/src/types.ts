/** What the admin API answers (protocols/api/schemas.ts; the OpenAPI document is the reference). */
export interface Me {
  email: string;
  via: string;
  readOnly: boolean;
  roles: { serverAdmin: boolean; serverReadOnly: boolean; adminDomains: string[]; readOnlyDomains: string[] };
}
export interface Domain {
  name: string;
  maxUsers: number | null;
  defaultQuota: number | null;
  maxQuota: number | null;
  maxMessageSize: number | null;
  footerText: string | null;
  footerHtml: string | null;
  createdAt: string;
}
export type Protocol = 'activesync' | 'dav' | 'imap' | 'pop3' | 'smtp';
export const PROTOCOLS: { key: Protocol; label: string }[] = [
  { key: 'activesync', label: 'ActiveSync' },
  { key: 'dav', label: 'CalDAV/CardDAV' },
  { key: 'imap', label: 'IMAP' },
  { key: 'pop3', label: 'POP3' },
  { key: 'smtp', label: 'SMTP submission' },
];
export interface AccountSummary {
  email: string;
  kind: string;
  displayName: string | null;
  quotaBytes: number | null;
  disabled: boolean;
  createdAt: string;
}
export interface Account extends AccountSummary {
  usedBytes: number;
  usedMessages: number;
  serverAdmin: boolean;
  domainAdmin: boolean;
  protocols: Record<Protocol, boolean>;
}
export interface Device {
  deviceId: string;
  account: string;
  deviceType: string | null;
  model: string | null;
  userAgent: string | null;
  protocolVersion: string | null;
  access: string;
  wipeState: string;
  wipeAccountOnly: boolean;
  provisioned: boolean;
  lastSeen: string;
  createdAt: string;
}
export interface Alias {
  address: string;
  targets: string[];
}
export interface Grant {
  delegate: string;
  rights: string;
  folder: string | null;
  status: string;
}
export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  source: string | null;
  detail: Record<string, unknown>;
}
export interface Usage {
  domain: string;
  month: string;
  maxUsers: number;
  maxStorageBytes: number;
  currentUsers: number;
  currentStorageBytes: number;
  days: { day: string; users: number; storageBytes: number }[];
}
export type PostPolicy = 'allow' | 'moderate' | 'deny';
export interface MailingList {
  address: string;
  name: string;
  subjectPrefix: string | null;
  description: string | null;
  posting: string;
  replyTo: string;
  subscription: string;
  memberPosts: string;
  nonMemberPosts: string;
  moderatorPosts: string;
  bounceLimit: number;
  createdAt: string;
}
export interface ListMember {
  address: string;
  role: string;
  disabled: boolean;
  bounces: number;
  createdAt: string;
}
export interface QueuedMessage {
  id: string;
  mailFrom: string;
  submittedBy: string | null;
  size: number;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  expiresAt: string;
  recipients: { address: string; state: string; attempts: number; lastError: string | null; updatedAt: string }[];
}
export interface DkimKey {
  domain: string;
  selector: string;
  algorithm: string;
  bits: number;
  dnsName: string;
  dnsType: 'TXT';
  dnsValue: string;
  zoneFileValue: string;
  createdAt: string;
}
export interface ApiKey {
  keyId: string;
  account: string;
  label: string;
  access: string;
  cidrs: string[];
  createdAt: string;
  lastUsedAt: string | null;
}
export interface PasswordPolicy {
  minLength: number;
  requireMixedCase: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
  rejectContainsLocalPart: boolean;
}
export type DeviceAccess = 'allowed' | 'blocked' | 'quarantined';
export interface AccessRule {
  field: 'deviceType' | 'model' | 'userAgent';
  pattern: string;
  access: DeviceAccess;
}
export interface AccessRules {
  default: DeviceAccess;
  rules: AccessRule[];
}
export interface DevicePolicy {
  policy: Record<string, unknown>;
  overrides: Record<string, unknown>;
}
export type PublicFolderKind = 'mail' | 'calendar' | 'contacts' | 'tasks' | 'notes';
export type PublicAccess = 'none' | 'read' | 'write';
export interface PublicFolder {
  id: number;
  name: string;
  /** Names from the top of the tree, joined with '/'. */
  path: string;
  parentId: number | null;
  kind: PublicFolderKind;
  defaultAccess: PublicAccess;
  grants: { grantee: string; granteeKind: 'user' | 'group'; rights: 'read' | 'write' }[];
  createdAt: string;
}
