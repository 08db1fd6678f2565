/**
 * The per-domain ActiveSync device policy and device access rules: the data model, shared by the
 * protocol (protocols/activesync/policy.ts, which sends and enforces them) and the administration
 * (src/admin/device-policy.ts, which changes them).
 *
 * Stored in Domain.settings.activesyncPolicy (a partial ActiveSyncPolicy: spec field names as keys,
 * plus the Hearth switches `requireProvisioning` and `allowNonProvisionableDevices`) and
 * Domain.settings.activesyncAccessRules (see AccessRules). Missing keys take the defaults below.
 */
import type { DeviceAccess, Domain } from './types.js';

/** EASProvisionDoc fields we send, in the order of the MS-ASWBXML Provision code page. */
export interface ActiveSyncPolicy {
  DevicePasswordEnabled: boolean;
  AlphanumericDevicePasswordRequired: boolean;
  PasswordRecoveryEnabled: boolean;
  RequireStorageCardEncryption: boolean;
  AttachmentsEnabled: boolean;
  MinDevicePasswordLength: number | null;
  /** Seconds; null means no limit. */
  MaxInactivityTimeDeviceLock: number | null;
  MaxDevicePasswordFailedAttempts: number | null;
  /** Bytes; null means no limit. */
  MaxAttachmentSize: number | null;
  AllowSimpleDevicePassword: boolean;
  /** Days; null means never. */
  DevicePasswordExpiration: number | null;
  DevicePasswordHistory: number;
  AllowStorageCard: boolean;
  AllowCamera: boolean;
  RequireDeviceEncryption: boolean;
  AllowUnsignedApplications: boolean;
  AllowUnsignedInstallationPackages: boolean;
  MinDevicePasswordComplexCharacters: number;
  AllowWiFi: boolean;
  AllowTextMessaging: boolean;
  AllowPOPIMAPEmail: boolean;
  AllowBluetooth: 0 | 1 | 2;
  AllowIrDA: boolean;
  RequireManualSyncWhenRoaming: boolean;
  AllowDesktopSync: boolean;
  /** [MS-ASPROV] 2.2.2.28: 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months. */
  MaxCalendarAgeFilter: number;
  AllowHTMLEmail: boolean;
  /** 0 all, 1 one day ... 5 one month. */
  MaxEmailAgeFilter: number;
  /** Kilobytes; -1 means no truncation. */
  MaxEmailBodyTruncationSize: number;
  MaxEmailHTMLBodyTruncationSize: number;
  RequireSignedSMIMEMessages: boolean;
  RequireEncryptedSMIMEMessages: boolean;
  RequireSignedSMIMEAlgorithm: number;
  RequireEncryptionSMIMEAlgorithm: number;
  AllowSMIMEEncryptionAlgorithmNegotiation: number;
  AllowSMIMESoftCerts: boolean;
  AllowBrowser: boolean;
  AllowConsumerEmail: boolean;
  AllowRemoteDesktop: boolean;
  AllowInternetSharing: boolean;
  /** Hearth: refuse sync to devices that never acknowledged the policy (default true). */
  requireProvisioning: boolean;
  /** Hearth: accept devices that acknowledge with Status 2/3 (partial or not applied); else Status 139. */
  allowNonProvisionableDevices: boolean;
}

/** Permissive defaults: nothing is forced on the phone, but every device provisions. */
export const DEFAULT_POLICY: ActiveSyncPolicy = {
  DevicePasswordEnabled: false,
  AlphanumericDevicePasswordRequired: false,
  PasswordRecoveryEnabled: false,
  RequireStorageCardEncryption: false,
  AttachmentsEnabled: true,
  MinDevicePasswordLength: null,
  MaxInactivityTimeDeviceLock: null,
  MaxDevicePasswordFailedAttempts: null,
  MaxAttachmentSize: null,
  AllowSimpleDevicePassword: true,
  DevicePasswordExpiration: null,
  DevicePasswordHistory: 0,
  AllowStorageCard: true,
  AllowCamera: true,
  RequireDeviceEncryption: false,
  AllowUnsignedApplications: true,
  AllowUnsignedInstallationPackages: true,
  MinDevicePasswordComplexCharacters: 1,
  AllowWiFi: true,
  AllowTextMessaging: true,
  AllowPOPIMAPEmail: true,
  AllowBluetooth: 2,
  AllowIrDA: true,
  RequireManualSyncWhenRoaming: false,
  AllowDesktopSync: true,
  MaxCalendarAgeFilter: 0,
  AllowHTMLEmail: true,
  MaxEmailAgeFilter: 0,
  MaxEmailBodyTruncationSize: -1,
  MaxEmailHTMLBodyTruncationSize: -1,
  RequireSignedSMIMEMessages: false,
  RequireEncryptedSMIMEMessages: false,
  RequireSignedSMIMEAlgorithm: 0,
  RequireEncryptionSMIMEAlgorithm: 0,
  AllowSMIMEEncryptionAlgorithmNegotiation: 2,
  AllowSMIMESoftCerts: true,
  AllowBrowser: true,
  AllowConsumerEmail: true,
  AllowRemoteDesktop: true,
  AllowInternetSharing: true,
  requireProvisioning: true,
  allowNonProvisionableDevices: true,
};

/** The Hearth switches: policy keys that are not EASProvisionDoc fields. */
export const HEARTH_POLICY_KEYS: ReadonlySet<string> = new Set(['requireProvisioning', 'allowNonProvisionableDevices']);

/** The domain's effective policy: stored overrides of the right type on top of the defaults. */
export function effectivePolicy(domain: Domain): ActiveSyncPolicy {
  const stored = domain.settings?.activesyncPolicy;
  const policy: ActiveSyncPolicy = { ...DEFAULT_POLICY };
  if (stored && typeof stored === 'object') {
    const p = policy as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(stored as Record<string, unknown>)) {
      if (!(k in DEFAULT_POLICY)) continue;
      const def = (DEFAULT_POLICY as unknown as Record<string, unknown>)[k];
      if (v === null || typeof v === typeof def || (def === null && typeof v === 'number')) p[k] = v;
    }
  }
  return policy;
}

// ---------------------------------------------------------------------------------------------
// Device access rules (Exchange's "allow / block / quarantine", ABQ)

export interface AccessRule {
  /** What the pattern is matched against. */
  field: 'deviceType' | 'model' | 'userAgent';
  /** Case-insensitive glob: '*' matches any run of characters. */
  pattern: string;
  access: DeviceAccess;
}

export interface AccessRules {
  /** Applies when no rule matches. Default 'allowed'. */
  default: DeviceAccess;
  /** First match wins. */
  rules: AccessRule[];
}

export const ACCESS_RULE_FIELDS: readonly AccessRule['field'][] = ['deviceType', 'model', 'userAgent'];

export const DEVICE_ACCESS: readonly DeviceAccess[] = ['allowed', 'blocked', 'quarantined'];

export function accessRules(domain: Domain): AccessRules {
  const raw = domain.settings?.activesyncAccessRules as Partial<AccessRules> | undefined;
  const def = raw && DEVICE_ACCESS.includes(raw.default as DeviceAccess) ? (raw.default as DeviceAccess) : 'allowed';
  const rules = Array.isArray(raw?.rules) ? raw.rules.filter((r): r is AccessRule =>
    !!r && ACCESS_RULE_FIELDS.includes(r.field) && typeof r.pattern === 'string' && DEVICE_ACCESS.includes(r.access)) : [];
  return { default: def, rules };
}
